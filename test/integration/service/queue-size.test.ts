// The queue stays small over months of uploads: finished jobs beyond the retention are pruned
// when the engine opens and every minute while it runs, and `jobs.list` pages through
// thousands of jobs. A real queue file.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CommandInput, JobView } from '../../../src-preload/contract.js';
import { JobStore } from '../../../src-main/queue/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import { seedJobs } from '../../unit/queue/seed-jobs.js';
import { tempDir } from '../local-peridio/helpers.js';

const DAY = 86_400_000;
let dir: string;
let service: DeskService;

beforeAll(async () => {
  dir = await tempDir('queue-size-');
  const dataDir = path.join(dir, 'desk');
  const queueFile = path.join(dataDir, 'queue.sqlite');
  JobStore.open(queueFile).close();
  const old = new Date(Date.now() - 31 * DAY);
  seedJobs(queueFile, { count: 2000, status: 'done', updatedAt: old });
  seedJobs(queueFile, { count: 1000, status: 'cancelled', updatedAt: old });
  // 5,000 jobs the retention keeps: failed ones wait for a person, paused ones for a resume.
  seedJobs(queueFile, { count: 2500, status: 'failed', updatedAt: old });
  seedJobs(queueFile, { count: 2400, status: 'paused', updatedAt: new Date() });
  seedJobs(queueFile, { count: 100, status: 'done', updatedAt: new Date() });
  // Another workspace's jobs are listed only when asked for.
  seedJobs(queueFile, {
    count: 50,
    status: 'paused',
    updatedAt: new Date(),
    workspace: 'profile:prod',
  });
  service = await openDeskService({ dataDir, env: {}, vault: new MemoryVault(), runQueue: false });
});

afterAll(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

async function everyPage(
  input: { status?: JobView['status'][]; workspace?: string },
  from: DeskService = service,
) {
  const jobs: JobView[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await from.call('jobs.list', {
      ...input,
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    jobs.push(...page.items);
    pages += 1;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { jobs, pages };
}

describe('a queue with thousands of jobs', () => {
  it('prunes the 3,000 finished jobs older than the retention when it opens', async () => {
    const done = await everyPage({ status: ['done', 'cancelled'] });
    expect(done.jobs).toHaveLength(100);
    expect(done.jobs.every((job) => Date.now() - Date.parse(job.updatedAt) < DAY)).toBe(true);
  });

  it('pages through 5,000 jobs in queue order, each once', async () => {
    const { jobs, pages } = await everyPage({});
    expect(jobs).toHaveLength(5000);
    expect(pages).toBe(10);
    expect(new Set(jobs.map((job) => job.id)).size).toBe(5000);
    expect(jobs[0]?.status).toBe('failed');
    expect(jobs.at(-1)?.status).toBe('done');
    expect(jobs.every((job) => job.request.workspace === 'local')).toBe(true);
  });

  it('filters by status and by workspace', async () => {
    expect((await everyPage({ status: ['paused'] })).jobs).toHaveLength(2400);
    expect((await everyPage({ workspace: 'profile:prod' })).jobs).toHaveLength(50);
    expect((await everyPage({ workspace: 'all', status: ['paused'] })).jobs).toHaveLength(2450);
  });

  it('takes over the queued job of an upload asked again (after Ctrl+C) instead of queueing a second', async () => {
    const artifact = await service.call('artifacts.create', { name: 'again' });
    const version = await service.call('artifactVersions.create', {
      artifactPrn: artifact.prn,
      version: '1.0.0',
    });
    const file = path.join(dir, 'again.img');
    await writeFile(file, 'firmware');
    const upload: CommandInput<'uploads.enqueue'> = {
      path: file,
      artifactVersionPrn: version.prn,
      target: 'aarch64-unknown-linux-gnu',
    };
    const first = await service.call('uploads.enqueue', upload);
    const again = await service.call('uploads.enqueue', upload);
    expect(again.id).toBe(first.id);
    const queued = await everyPage({ status: ['queued'] });
    expect(queued.jobs.filter((job) => job.request.path === file)).toHaveLength(1);
    // Another target is another upload.
    const other = await service.call('uploads.enqueue', {
      ...upload,
      target: 'x86_64-unknown-linux-gnu',
    });
    expect(other.id).not.toBe(first.id);
  });

  it('refuses a cursor it did not give, saying what to do', async () => {
    await expect(service.call('jobs.list', { cursor: 'not-a-cursor' })).rejects.toMatchObject({
      data: { message: expect.stringContaining('ask for the first page again') },
    });
  });
});

describe('a queue that fills while the engine runs', () => {
  it('keeps only the last 1,000 finished jobs, pruned within a minute of passing it', async () => {
    // The prune runs on an interval; only that is faked, so a minute passes at once.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const busyDir = await tempDir('queue-busy-');
    const dataDir = path.join(busyDir, 'desk');
    const running = await openDeskService({
      dataDir,
      env: {},
      vault: new MemoryVault(),
      runQueue: false,
    });
    try {
      // An agent's busy hour: 1,200 jobs finished since the engine opened, 200 of them earlier.
      const queueFile = path.join(dataDir, 'queue.sqlite');
      seedJobs(queueFile, { count: 200, status: 'done', updatedAt: new Date(Date.now() - 60_000) });
      seedJobs(queueFile, { count: 1000, status: 'done', updatedAt: new Date() });
      expect((await everyPage({ status: ['done'] }, running)).jobs).toHaveLength(1200);
      await vi.advanceTimersByTimeAsync(60_000);
      const kept = (await everyPage({ status: ['done'] }, running)).jobs;
      expect(kept).toHaveLength(1000);
      expect(kept.every((job) => Date.now() - Date.parse(job.updatedAt) < 60_000)).toBe(true);
    } finally {
      await running.close();
      vi.useRealTimers();
      await rm(busyDir, { recursive: true, force: true });
    }
  });
});
