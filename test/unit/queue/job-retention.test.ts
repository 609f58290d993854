// The queue stays small: finished jobs go after the retention, pages list the rest, and the
// same upload asked again takes over its unfinished job. Real SQLite files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobStateError, JobStore, type UploadRequest } from '../../../src-main/queue/index.js';
import { seedJobs } from './seed-jobs.js';

const DAY = 86_400_000;
const REQUEST: UploadRequest = {
  path: '/builds/out/firmware.img',
  artifactVersionPrn: 'prn:1:x:artifact_version:y',
  target: 'aarch64-unknown-linux-gnu',
  signingKey: { kind: 'keychain', name: 'release' },
  replace: false,
  workspace: 'local',
};
const FILE = { size: 123, mtimeMs: 1700000000123.5 };

let dir: string;
let file: string;
let store: JobStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'job-retention-'));
  file = path.join(dir, 'queue.sqlite');
  store = JobStore.open(file);
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

function count(sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('pruning finished jobs', () => {
  it('removes finished jobs older than the retention, with their logs, and keeps every other job', () => {
    const old = new Date(Date.now() - 45 * DAY);
    seedJobs(file, { count: 1000, status: 'done', updatedAt: old });
    seedJobs(file, { count: 600, status: 'cancelled', updatedAt: old });
    // Not finished for good, however old: a failed job waits for a person, the others for the queue.
    seedJobs(file, { count: 3, status: 'failed', updatedAt: old });
    seedJobs(file, { count: 2, status: 'paused', updatedAt: old });
    seedJobs(file, { count: 5, status: 'done', updatedAt: new Date() });

    expect(store.pruneFinished({ keepDays: 30, keepLast: 1000 })).toBe(1600);
    const left = store.list();
    expect(left).toHaveLength(10);
    expect(left.filter((job) => job.status === 'done')).toHaveLength(5);
    expect(count('SELECT COUNT(*) AS n FROM job_log')).toBe(10);
  });

  it('keeps at most the last `keepLast` finished jobs, however recent', () => {
    seedJobs(file, { count: 30, status: 'done', updatedAt: new Date(Date.now() - 2 * DAY) });
    seedJobs(file, { count: 20, status: 'done', updatedAt: new Date(Date.now() - DAY) });
    expect(store.pruneFinished({ keepDays: 30, keepLast: 20 })).toBe(30);
    const left = store.list();
    expect(left).toHaveLength(20);
    expect(new Set(left.map((job) => job.updatedAt)).size).toBe(1);
  });
});

describe('listing jobs a page at a time', () => {
  it('pages in queue order, filtered by status and workspace, and refuses a cursor it did not give', () => {
    seedJobs(file, { count: 30, status: 'failed', updatedAt: new Date() });
    seedJobs(file, { count: 20, status: 'paused', updatedAt: new Date() });
    seedJobs(file, {
      count: 7,
      status: 'paused',
      updatedAt: new Date(),
      workspace: 'profile:prod',
    });

    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = store.listPage({ workspace: 'local', limit: 8, ...(cursor ? { cursor } : {}) });
      seen.push(...page.jobs.map((job) => Number(job.request.path.match(/-(\d+)\.img$/)![1])));
      expect(page.jobs.length).toBeLessThanOrEqual(8);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(50);
    // In queue order: the failed ones (seeded first), then the paused ones.
    expect(seen).toEqual([
      ...Array.from({ length: 30 }, (_, i) => i),
      ...Array.from({ length: 20 }, (_, i) => i),
    ]);

    const paused = store.listPage({ statuses: ['paused'], limit: 100 });
    expect(paused.jobs).toHaveLength(27);
    expect(store.listPage({ workspace: 'profile:prod', limit: 100 }).jobs).toHaveLength(7);
    expect(() => store.listPage({ cursor: 'abc', limit: 5 })).toThrow(JobStateError);
  });
});

describe('the same upload asked again', () => {
  it('takes over its queued job instead of queueing a second one', () => {
    const first = store.enqueue(REQUEST, FILE);
    const again = store.enqueue(REQUEST, FILE);
    expect(again.id).toBe(first.id);
    expect(store.list()).toHaveLength(1);
    expect(store.history(first.id).map((entry) => entry.message)).toContain(
      'asked again: this job goes on rather than a second one',
    );
  });

  it('takes over a job whose runner was stopped mid-way (running, or waiting for the server)', () => {
    const first = store.enqueue(REQUEST, FILE);
    store.claimNext({ owner: 'gone', workspace: 'local', leaseUntil: Date.now() + 1000 });
    expect(store.enqueue(REQUEST, FILE).id).toBe(first.id);
    store.release(first.id, 'gone', { status: 'waiting', reason: 'offline' });
    expect(store.enqueue(REQUEST, FILE).id).toBe(first.id);
  });

  it('queues a new job for a finished or paused one, a changed file, or another choice', () => {
    const first = store.enqueue(REQUEST, FILE);
    const changed = store.enqueue(REQUEST, { ...FILE, mtimeMs: FILE.mtimeMs + 1 });
    const otherKey = store.enqueue({ ...REQUEST, signingKey: null }, FILE);
    const otherTarget = store.enqueue({ ...REQUEST, target: 'x86_64-unknown-linux-gnu' }, FILE);
    const otherWorkspace = store.enqueue({ ...REQUEST, workspace: 'profile:prod' }, FILE);
    const ids = [first, changed, otherKey, otherTarget, otherWorkspace].map((job) => job.id);
    expect(new Set(ids).size).toBe(5);

    store.cancel(first.id);
    store.cancel(changed.id);
    store.pause(otherKey.id);
    expect(store.enqueue(REQUEST, FILE).id).not.toBe(first.id);
    expect(store.enqueue({ ...REQUEST, signingKey: null }, FILE).id).not.toBe(otherKey.id);
  });
});
