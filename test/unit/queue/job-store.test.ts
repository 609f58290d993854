import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobStateError, JobStore, type UploadRequest } from '../../../src-main/queue/index.js';

const REQUEST: UploadRequest = {
  path: '/builds/out/firmware.img',
  artifactVersionPrn:
    'prn:1:1f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f:artifact_version:2a7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f',
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
  dir = await mkdtemp(path.join(tmpdir(), 'job-store-'));
  file = path.join(dir, 'queue.sqlite');
  store = JobStore.open(file);
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('JobStore', () => {
  it('keeps a queued job on disk: another handle sees it at once', () => {
    const job = store.enqueue(REQUEST, FILE);
    const other = JobStore.open(file);
    try {
      expect(other.get(job.id)).toMatchObject({
        status: 'queued',
        step: 'queued',
        request: REQUEST,
        queuedFile: FILE,
        binaryPrn: null,
        error: null,
      });
      expect(other.get(job.id).binaryId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      other.close();
    }
  });

  it('hands each job to one runner, oldest first, and takes it back when the lease runs out', () => {
    const first = store.enqueue(REQUEST, FILE);
    const second = store.enqueue({ ...REQUEST, target: 'x86_64-unknown-linux-gnu' }, FILE);
    const now = Date.now();
    const claim = (owner: string, at: number) =>
      store.claimNext({ owner, workspace: 'local', leaseUntil: at + 1000, now: at });
    expect(claim('a', now)?.id).toBe(first.id);
    expect(claim('b', now)?.id).toBe(second.id);
    expect(claim('c', now)).toBeUndefined();
    // Runners a and b died: once their leases are over, c takes their jobs up again.
    const later = now + 5000;
    const reclaimed = claim('c', later);
    expect(reclaimed?.id).toBe(first.id);
    expect(reclaimed?.attempts).toBe(2);
    expect(claim('c', later)?.id).toBe(second.id);
  });

  it('passes over a job whose binary another job is running for, until that one ends', () => {
    const first = store.enqueue(REQUEST, FILE);
    // The same file and target with another key: a second job for the same binary.
    const sameBinary = store.enqueue({ ...REQUEST, signingKey: null }, FILE);
    const otherTarget = store.enqueue({ ...REQUEST, target: 'x86_64-unknown-linux-gnu' }, FILE);
    const leaseUntil = Date.now() + 1000;
    const claim = (owner: string, onlyIds?: string[]) =>
      store.claimNext({ owner, workspace: 'local', leaseUntil, onlyIds })?.id;
    expect(claim('a')).toBe(first.id);
    expect(claim('b', [sameBinary.id])).toBeUndefined();
    expect(claim('b')).toBe(otherTarget.id);
    store.release(first.id, 'a', { status: 'done' });
    expect(claim('b')).toBe(sameBinary.id);
  });

  it('runs only the jobs asked for, and only its own workspace’s', () => {
    store.enqueue(REQUEST, FILE);
    const mine = store.enqueue({ ...REQUEST, target: 'mine' }, FILE);
    const elsewhere = store.enqueue({ ...REQUEST, workspace: 'production' }, FILE);
    const leaseUntil = Date.now() + 1000;
    expect(
      store.claimNext({ owner: 'a', workspace: 'local', leaseUntil, onlyIds: [mine.id] })?.id,
    ).toBe(mine.id);
    expect(store.claimNext({ owner: 'a', workspace: 'production', leaseUntil })?.id).toBe(
      elsewhere.id,
    );
    expect(store.hasPendingWork('staging')).toBe(false);
    expect(store.hasPendingWork('local')).toBe(true);
  });

  it('lists one workspace’s jobs for the faces, with or without a status filter', () => {
    const local = store.enqueue(REQUEST, FILE);
    const production = store.enqueue({ ...REQUEST, workspace: 'production' }, FILE);
    store.cancel(production.id);
    expect(store.list({ workspace: 'local' }).map((j) => j.id)).toEqual([local.id]);
    expect(
      store.list({ workspace: 'production', statuses: ['cancelled'] }).map((j) => j.id),
    ).toEqual([production.id]);
    expect(store.list({ workspace: 'production', statuses: ['queued'] })).toEqual([]);
    expect(store.list().map((j) => j.id)).toEqual([local.id, production.id]);
  });

  it('keeps a pause or cancel that happened while a runner held the job', () => {
    const job = store.enqueue(REQUEST, FILE);
    store.claimNext({ owner: 'a', workspace: 'local', leaseUntil: Date.now() + 1000 });
    store.pause(job.id);
    expect(store.renewLeases('a', Date.now() + 1000)).toEqual([]);
    store.release(job.id, 'a', { status: 'queued' });
    expect(store.get(job.id).status).toBe('paused');
    store.resume(job.id);
    expect(store.get(job.id).status).toBe('queued');
  });

  it('refuses actions that do not fit the job’s status, saying why', () => {
    const job = store.enqueue(REQUEST, FILE);
    expect(() => store.resume(job.id)).toThrow(
      new JobStateError(`Job ${job.id} cannot be resumed: it is queued (status queued).`),
    );
    expect(() => store.retry(job.id)).toThrow(/cannot be retried: it is queued/);
    store.cancel(job.id);
    expect(() => store.pause(job.id)).toThrow(
      /cannot be paused: it has ended \(status cancelled\)/,
    );
    expect(store.retry(job.id).status).toBe('queued');
    expect(() => store.get('nope')).toThrow('There is no job nope in the queue.');
  });

  it('keeps the reason of a failure and of a wait, and clears it on retry', () => {
    const job = store.enqueue(REQUEST, FILE);
    store.claimNext({ owner: 'a', workspace: 'local', leaseUntil: Date.now() + 1000 });
    store.release(job.id, 'a', { status: 'waiting', reason: 'connect ECONNREFUSED' });
    expect(store.get(job.id)).toMatchObject({
      status: 'waiting',
      waitingReason: 'connect ECONNREFUSED',
    });
    store.claimNext({ owner: 'a', workspace: 'local', leaseUntil: Date.now() + 1000 });
    store.release(job.id, 'a', {
      status: 'failed',
      error: { code: 'file_changed', message: 'it changed' },
    });
    expect(store.get(job.id)).toMatchObject({
      status: 'failed',
      error: { code: 'file_changed', message: 'it changed' },
    });
    expect(store.retry(job.id)).toMatchObject({ status: 'queued', error: null });
    expect(store.history(job.id).map((e) => e.message)).toEqual([
      `queued ${REQUEST.path} for ${REQUEST.target}`,
      'connect ECONNREFUSED',
      'it changed',
      'retried',
    ]);
  });

  it('writes steps and parts in batches: at once for itself, soon for others, all by close', async () => {
    const job = store.enqueue(REQUEST, FILE);
    const batching = JobStore.open(file, { journalDelayMs: 60_000 });
    const other = JobStore.open(file);
    try {
      batching.setStep(job.id, 'uploading', 'sending', { prn: 'prn:b', state: 'uploadable' });
      batching.partDone(job.id, 'prn:b', { index: 1, sha256: 'a'.repeat(64), size: 10 });
      // Another process sees the last written step until the batch goes out...
      expect(other.get(job.id).step).toBe('queued');
      // ...which any use of the batching store does first: it never sees its own rows missing.
      expect(batching.get(job.id)).toMatchObject({ step: 'uploading', binaryPrn: 'prn:b' });
      expect(other.partsDone(job.id)).toHaveLength(1);
      batching.setStep(job.id, 'completing', 'complete');
      batching.close();
      expect(other.history(job.id).map((entry) => entry.step)).toEqual([
        'queued',
        'uploading',
        'completing',
      ]);
    } finally {
      other.close();
    }
    // On its own, a batch goes out within its delay.
    store.setStep(job.id, 'hashing', 'the server hashes');
    const reader = JobStore.open(file);
    try {
      await vi.waitFor(() => expect(reader.get(job.id).step).toBe('hashing'), { timeout: 5000 });
    } finally {
      reader.close();
    }
  });

  it('journals parts and file hashes by path, size, mtime and workspace', () => {
    const job = store.enqueue(REQUEST, FILE);
    store.partDone(job.id, 'prn:b', { index: 2, sha256: 'b'.repeat(64), size: 10 });
    store.partDone(job.id, 'prn:b', { index: 1, sha256: 'a'.repeat(64), size: 10 });
    store.partDone(job.id, 'prn:b', { index: 1, sha256: 'a'.repeat(64), size: 10 });
    expect(store.partsDone(job.id).map((p) => p.index)).toEqual([1, 2]);
    const hashed = {
      path: REQUEST.path,
      ...FILE,
      sha256: 'c'.repeat(64),
      partSize: 8 * 1024 * 1024,
      parts: [{ index: 1, offset: 0, size: 123, sha256: 'c'.repeat(64) }],
    };
    store.rememberHash(hashed, 'local');
    expect(store.cachedHash(REQUEST.path, FILE, 'local')).toEqual(hashed);
    expect(
      store.cachedHash(REQUEST.path, { ...FILE, mtimeMs: FILE.mtimeMs + 1 }, 'local'),
    ).toBeUndefined();
    expect(store.cachedHash(REQUEST.path, FILE, 'production')).toBeUndefined();
  });
});

describe('the hash cache', () => {
  const hashedAt = (filePath: string, mtimeMs = FILE.mtimeMs) => ({
    path: filePath,
    size: FILE.size,
    mtimeMs,
    sha256: 'c'.repeat(64),
    partSize: 8 * 1024 * 1024,
    parts: [{ index: 1, offset: 0, size: FILE.size, sha256: 'c'.repeat(64) }],
  });
  const rows = () => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM file_hashes').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('keeps one hash per path: the hash of new content replaces the old one', () => {
    store.rememberHash(hashedAt('/builds/a.img'), 'local');
    store.rememberHash(hashedAt('/builds/a.img', FILE.mtimeMs + 1000), 'local');
    expect(store.cachedHash('/builds/a.img', FILE, 'local')).toBeUndefined();
    expect(
      store.cachedHash('/builds/a.img', { ...FILE, mtimeMs: FILE.mtimeMs + 1000 }, 'local'),
    ).toBeDefined();
    expect(rows()).toBe(1);
  });

  it('keeps at most its cap, dropping the least recently used', () => {
    store.close();
    store = JobStore.open(file, { hashCacheEntries: 3, journalDelayMs: 0 });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const name of ['a', 'b', 'c']) {
        vi.advanceTimersByTime(1000);
        store.rememberHash(hashedAt(`/builds/${name}.img`), 'local');
      }
      vi.advanceTimersByTime(1000);
      // a is used again: b is now the least recently used.
      expect(store.cachedHash('/builds/a.img', FILE, 'local')).toBeDefined();
      vi.advanceTimersByTime(1000);
      store.rememberHash(hashedAt('/builds/d.img'), 'local');
    } finally {
      vi.useRealTimers();
    }
    expect(store.cachedHash('/builds/b.img', FILE, 'local')).toBeUndefined();
    for (const name of ['a', 'c', 'd']) {
      expect(store.cachedHash(`/builds/${name}.img`, FILE, 'local')).toBeDefined();
    }
    expect(rows()).toBe(3);
  });
});

describe('what the server said of the API key', () => {
  const ORG_A = 'prn:1:1f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f';
  const ORG_B = 'prn:1:2f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f';

  it('remembers a key’s organization per workspace and key digest, for the next command', () => {
    expect(store.keyOrganization('environment:https://a', 'digest-1')).toBeUndefined();
    store.rememberKeyOrganization('environment:https://a', 'digest-1', ORG_A);
    store.rememberKeyOrganization('environment:https://a', 'digest-2', ORG_B);
    const next = JobStore.open(file);
    try {
      expect(next.keyOrganization('environment:https://a', 'digest-1')).toBe(ORG_A);
      expect(next.keyOrganization('environment:https://a', 'digest-2')).toBe(ORG_B);
      expect(next.keyOrganization('environment:https://b', 'digest-1')).toBeUndefined();
    } finally {
      next.close();
    }
  });

  it('reads what it remembers but writes nothing when opened to read only', () => {
    store.rememberKeyOrganization('environment:https://a', 'digest-1', ORG_A);
    const reader = JobStore.open(file, { readOnly: true });
    try {
      expect(reader.keyOrganization('environment:https://a', 'digest-1')).toBe(ORG_A);
      reader.rememberKeyOrganization('environment:https://a', 'digest-3', ORG_B);
    } finally {
      reader.close();
    }
    expect(store.keyOrganization('environment:https://a', 'digest-3')).toBeUndefined();
  });

  it('remembers when a signing key was confirmed, per API key, PRN and public value', () => {
    const key = {
      signingKeyPrn: `${ORG_A}:signing_key:3f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f`,
      publicValue: 'MCowBQYDK2VwAyEAbase64ofthepublickeyonly000000=',
    };
    store.rememberSigningKeyConfirmed('local', 'digest-1', key, 1000);
    store.rememberSigningKeyConfirmed('local', 'digest-1', key, 2000);
    expect(store.signingKeyConfirmedAt('local', 'digest-1', key)).toBe(2000);
    expect(store.signingKeyConfirmedAt('local', 'digest-2', key)).toBeUndefined();
    expect(
      store.signingKeyConfirmedAt('local', 'digest-1', { ...key, publicValue: 'another' }),
    ).toBeUndefined();
    const reader = JobStore.open(file, { readOnly: true });
    try {
      reader.rememberSigningKeyConfirmed('local', 'digest-1', key, 3000);
    } finally {
      reader.close();
    }
    expect(store.signingKeyConfirmedAt('local', 'digest-1', key)).toBe(2000);
  });
});

describe('crash recovery', () => {
  it('takes up at once a job whose runner process on this machine has died', async () => {
    const job = store.enqueue(REQUEST, FILE);
    const { spawnSync } = await import('node:child_process');
    const { hostname } = await import('node:os');
    // A pid that existed and ended: a finished child's.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const leaseUntil = Date.now() + 60_000;
    store.claimNext({ owner: `${hostname()}:${dead}:x`, workspace: 'local', leaseUntil });
    const alive = store.enqueue({ ...REQUEST, target: 'held' }, FILE);
    store.claimNext({
      owner: `${hostname()}:${process.pid}:y`,
      workspace: 'local',
      leaseUntil,
      onlyIds: [alive.id],
    });
    const taken = store.claimNext({ owner: 'me', workspace: 'local', leaseUntil });
    expect(taken?.id).toBe(job.id);
    expect(store.claimNext({ owner: 'me', workspace: 'local', leaseUntil })).toBeUndefined();
    expect(store.history(job.id).at(-1)?.message).toBe('taken up again after its runner stopped');
  });
});
