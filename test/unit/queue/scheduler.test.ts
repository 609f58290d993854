// The scheduler with real stores on disk; the job runners are small functions, the way the
// workflow provides them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectivityMonitor,
  JobStore,
  Scheduler,
  type JobOutcome,
  type RunJob,
  type UploadRequest,
} from '../../../src-main/queue/index.js';

const REQUEST: UploadRequest = {
  path: '/tmp/f',
  artifactVersionPrn: 'prn:1:x',
  target: 't',
  signingKey: null,
  replace: false,
  workspace: 'local',
};

let dir: string;
let store: JobStore;
const stops: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scheduler-'));
  store = JobStore.open(path.join(dir, 'queue.sqlite'));
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  store.close();
  await rm(dir, { recursive: true, force: true });
});

function online(): ConnectivityMonitor {
  const monitor = new ConnectivityMonitor({ probe: async () => {} });
  stops.push(() => monitor.stop());
  return monitor;
}

function start(runJob: RunJob, extra: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}) {
  const scheduler = new Scheduler({
    store,
    workspace: 'local',
    runJob,
    connectivity: online(),
    pollMs: 20,
    leaseMs: 300,
    ...extra,
  });
  scheduler.start();
  stops.push(() => scheduler.stop());
  return scheduler;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Scheduler', () => {
  it('runs every queued job to its end, at most `concurrency` at once', async () => {
    const ids = Array.from(
      { length: 5 },
      (_, i) => store.enqueue({ ...REQUEST, target: `t${i}` }, { size: 1, mtimeMs: 1 }).id,
    );
    let running = 0;
    let peak = 0;
    const scheduler = start(
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await delay(30);
        running -= 1;
        return { status: 'done' };
      },
      { concurrency: 2 },
    );
    await scheduler.idle();
    expect(peak).toBe(2);
    expect(ids.map((id) => store.get(id).status)).toEqual(Array(5).fill('done'));
  });

  it('waits while offline without failing the job, and goes on when a probe answers', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    let serverUp = false;
    let probes = 0;
    const connectivity = new ConnectivityMonitor({
      probe: async () => {
        probes += 1;
        if (!serverUp) throw new Error('connect ECONNREFUSED');
      },
      initialDelayMs: 20,
      maxDelayMs: 80,
    });
    stops.push(() => connectivity.stop());
    const outcomes: JobOutcome[] = [];
    const scheduler = start(
      async (): Promise<JobOutcome> =>
        serverUp ? { status: 'done' } : { status: 'waiting', reason: 'connect ECONNREFUSED' },
      { connectivity, onJobEnd: (_job, outcome) => outcomes.push(outcome) },
    );
    await delay(400);
    expect(store.get(job.id)).toMatchObject({
      status: 'waiting',
      waitingReason: 'connect ECONNREFUSED',
    });
    expect(connectivity.online).toBe(false);
    // Backoff: a handful of probes in 400 ms, not a busy loop.
    expect(probes).toBeGreaterThan(1);
    expect(probes).toBeLessThan(12);
    expect(outcomes).toHaveLength(1);
    serverUp = true;
    await scheduler.idle();
    expect(store.get(job.id).status).toBe('done');
  });

  it('puts interrupted jobs back in line when it stops, and another runner finishes them', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    const first = start(
      (_job, signal) =>
        new Promise<JobOutcome>((resolve) =>
          signal.addEventListener('abort', () => resolve({ status: 'interrupted' })),
        ),
    );
    await delay(100);
    expect(store.get(job.id).status).toBe('running');
    await first.stop();
    expect(store.get(job.id).status).toBe('queued');
    const second = start(async () => ({ status: 'done' }));
    await second.idle();
    expect(store.get(job.id).status).toBe('done');
  });

  it('stops a job paused from another process when its lease is renewed', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    let aborted = false;
    start(
      (_job, signal) =>
        new Promise<JobOutcome>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ status: 'interrupted' });
          }),
        ),
    );
    await delay(100);
    const elsewhere = JobStore.open(store.file);
    elsewhere.pause(job.id);
    elsewhere.close();
    await delay(300);
    expect(aborted).toBe(true);
    expect(store.get(job.id).status).toBe('paused');
  });

  it('turns a runner that throws into a failed job with the reason', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    const scheduler = start(async () => {
      throw new Error('boom');
    });
    await scheduler.idle();
    expect(store.get(job.id)).toMatchObject({
      status: 'failed',
      error: { code: 'internal', message: 'Unexpected error: boom' },
    });
  });
});
