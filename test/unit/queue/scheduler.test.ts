// The scheduler with real stores on disk; the job runners are small functions, the way the
// workflow provides them. Time is a manual clock: leases, polls, probes and retries happen
// when a test moves it, never after a sleep that a busy machine might stretch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleepOn } from '../../../src-main/clock/index.js';
import {
  ConnectivityMonitor,
  JobConcurrency,
  JobStore,
  Scheduler,
  type JobOutcome,
  type QueueStall,
  type RunJob,
  type UploadRequest,
} from '../../../src-main/queue/index.js';
import { ManualClock, advanceUntil } from '../../manual-clock.js';

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
let clock: ManualClock;
const stops: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scheduler-'));
  store = JobStore.open(path.join(dir, 'queue.sqlite'), { busyTimeoutMs: 0 });
  clock = new ManualClock();
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  store.close();
  await rm(dir, { recursive: true, force: true });
});

function online(): ConnectivityMonitor {
  const monitor = new ConnectivityMonitor({ probe: async () => {}, clock });
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
    clock,
    ...extra,
  });
  scheduler.start();
  stops.push(() => scheduler.stop());
  return scheduler;
}

/** A runner that says when it started and runs until aborted. */
function runUntilAborted() {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let aborted = false;
  const runJob: RunJob = (_job, signal) =>
    new Promise<JobOutcome>((resolve) => {
      started();
      signal.addEventListener('abort', () => {
        aborted = true;
        resolve({ status: 'interrupted' });
      });
    });
  return { runJob, running, aborted: () => aborted };
}

/** Jobs that take 30 ms on the test's clock, counting the most that ran at once. */
function countedJobs(): { run: RunJob; peak: () => number } {
  let running = 0;
  let peak = 0;
  return {
    run: async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleepOn(clock, 30);
      running -= 1;
      return { status: 'done' };
    },
    peak: () => peak,
  };
}

describe('Scheduler', () => {
  it('runs every queued job to its end, at most `concurrency` at once', async () => {
    const ids = Array.from(
      { length: 5 },
      (_, i) => store.enqueue({ ...REQUEST, target: `t${i}` }, { size: 1, mtimeMs: 1 }).id,
    );
    const jobs = countedJobs();
    const scheduler = start(jobs.run, { concurrency: 2 });
    await advanceUntil(clock, scheduler.idle(), 30);
    expect(jobs.peak()).toBe(2);
    expect(ids.map((id) => store.get(id).status)).toEqual(Array(5).fill('done'));
  });

  it('runs several small jobs at once and at most two big ones, without `concurrency`', async () => {
    const MiB = 1024 * 1024;
    const sizes = [...Array(10).fill(1 * MiB), ...Array(4).fill(100 * MiB)];
    const ids = sizes.map(
      (size, i) => store.enqueue({ ...REQUEST, target: `t${i}` }, { size, mtimeMs: 1 }).id,
    );
    const running = new Map<string, number>();
    const peaks = { small: 0, big: 0 };
    const scheduler = start(async (job) => {
      running.set(job.id, job.queuedFile.size);
      const sizes = [...running.values()];
      peaks.small = Math.max(peaks.small, sizes.filter((size) => size === MiB).length);
      peaks.big = Math.max(peaks.big, sizes.filter((size) => size > MiB).length);
      await sleepOn(clock, 30);
      running.delete(job.id);
      return { status: 'done' };
    });
    await advanceUntil(clock, scheduler.idle(), 30);
    expect(peaks).toEqual({ small: 8, big: 2 });
    expect(ids.map((id) => store.get(id).status)).toEqual(Array(14).fill('done'));
  });

  it('runs fewer jobs at once after the server pushes back, and never one twice', async () => {
    const ids = Array.from(
      { length: 16 },
      (_, i) => store.enqueue({ ...REQUEST, target: `t${i}` }, { size: 1, mtimeMs: 1 }).id,
    );
    const runs: string[] = [];
    let running = 0;
    const peaks: number[] = [];
    const scheduler = start(async (job) => {
      runs.push(job.id);
      running += 1;
      peaks.push(running);
      await sleepOn(clock, 100);
      running -= 1;
      return { status: 'done' };
    });
    await clock.advance(0);
    expect(running).toBe(8);
    // What the engine does on a 429 or 503: the jobs started from now on are half as many.
    scheduler.jobConcurrency.pushedBack();
    peaks.length = 0;
    await clock.advance(100);
    expect(Math.max(...peaks)).toBe(4);
    await advanceUntil(clock, scheduler.idle(), 50);
    expect(runs.toSorted()).toEqual(ids.toSorted());
  });

  it('halves the jobs at once when a job is left waiting for the server', async () => {
    store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    const outcomes: JobOutcome[] = [];
    const scheduler = start(
      async (): Promise<JobOutcome> =>
        outcomes.length === 0
          ? { status: 'waiting', reason: '503 Service Unavailable' }
          : { status: 'done' },
      { onJobEnd: (_job, outcome) => outcomes.push(outcome) },
    );
    await advanceUntil(clock, scheduler.idle(), 20);
    expect(outcomes.map((o) => o.status)).toEqual(['waiting', 'done']);
    expect(scheduler.jobConcurrency.limit).toBe(4);
  });

  it('runs one job at a time when told so, whatever the sizes', async () => {
    for (let i = 0; i < 4; i++)
      store.enqueue({ ...REQUEST, target: `t${i}` }, { size: 1, mtimeMs: 1 });
    const jobs = countedJobs();
    const scheduler = start(jobs.run, { jobConcurrency: new JobConcurrency({ fixed: 1, clock }) });
    await advanceUntil(clock, scheduler.idle(), 30);
    expect(jobs.peak()).toBe(1);
  });

  it('waits while offline without failing the job, probing with a growing delay, and goes on when a probe answers', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    let serverUp = false;
    let probes = 0;
    // The probes on a clock of their own, so that its delays are the probes' alone.
    const probeClock = new ManualClock();
    const connectivity = new ConnectivityMonitor({
      probe: async () => {
        probes += 1;
        if (!serverUp) throw new Error('connect ECONNREFUSED');
      },
      initialDelayMs: 20,
      maxDelayMs: 80,
      clock: probeClock,
    });
    stops.push(() => connectivity.stop());
    const outcomes: JobOutcome[] = [];
    const scheduler = start(
      async (): Promise<JobOutcome> =>
        serverUp ? { status: 'done' } : { status: 'waiting', reason: 'connect ECONNREFUSED' },
      { connectivity, onJobEnd: (_job, outcome) => outcomes.push(outcome) },
    );
    await clock.advance(0);
    expect(store.get(job.id)).toMatchObject({
      status: 'waiting',
      waitingReason: 'connect ECONNREFUSED',
    });
    expect(connectivity.online).toBe(false);
    expect(probes).toBe(0);

    await probeClock.advance(400);
    expect(outcomes).toHaveLength(1);
    // No busy loop: each probe waits twice as long as the last (±25 % jitter), up to 80 ms.
    expect(probes).toBeGreaterThanOrEqual(4);
    expect(probes).toBeLessThanOrEqual(7);
    const bases = [20, 40, 80, 80, 80, 80, 80, 80];
    probeClock.delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(bases[i]! * 0.75);
      expect(ms).toBeLessThanOrEqual(bases[i]! * 1.25);
    });

    serverUp = true;
    await advanceUntil(probeClock, scheduler.idle(), 20);
    expect(store.get(job.id).status).toBe('done');
  });

  it('puts interrupted jobs back in line when it stops, and another runner finishes them', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    const runner = runUntilAborted();
    const first = start(runner.runJob);
    await runner.running;
    expect(store.get(job.id).status).toBe('running');
    await first.stop();
    expect(store.get(job.id).status).toBe('queued');
    const second = start(async () => ({ status: 'done' }));
    await advanceUntil(clock, second.idle(), 20);
    expect(store.get(job.id).status).toBe('done');
  });

  it('stops a job paused from another process at the next lease renewal', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    const runner = runUntilAborted();
    start(runner.runJob);
    await runner.running;
    const elsewhere = JobStore.open(store.file);
    elsewhere.pause(job.id);
    elsewhere.close();
    await clock.advance(99);
    expect(runner.aborted()).toBe(false);
    await clock.advance(1);
    expect(runner.aborted()).toBe(true);
    expect(store.get(job.id).status).toBe('paused');
  });

  it('turns a runner that throws into a failed job with the reason', async () => {
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    const scheduler = start(async () => {
      throw new Error('boom');
    });
    await advanceUntil(clock, scheduler.idle(), 20);
    expect(store.get(job.id)).toMatchObject({
      status: 'failed',
      error: { code: 'internal', message: 'Unexpected error: boom' },
    });
  });

  it('reports a locked queue once, retries with a growing delay, and goes on once it is free', async () => {
    const stalls: QueueStall[] = [];
    const other = new Database(store.file);
    other.exec('BEGIN EXCLUSIVE');
    const scheduler = start(async () => ({ status: 'done' }), {
      onStall: (stall) => stalls.push(stall),
      retryMs: { initial: 1000, max: 4000 },
    });
    await clock.advance(0);
    expect(stalls).toEqual([
      {
        stalled: true,
        reason: expect.stringContaining('is locked by another program (SQLITE_BUSY)'),
        retryInMs: 1000,
      },
    ]);
    const retriesFrom = clock.delays.length;
    await clock.advance(1000 + 2000 + 4000 + 4000);
    expect(clock.delays.slice(retriesFrom).filter((ms) => ms !== 100)).toEqual([
      2000, 4000, 4000, 4000,
    ]);
    expect(stalls).toHaveLength(1);

    other.exec('COMMIT');
    other.close();
    const job = store.enqueue(REQUEST, { size: 1, mtimeMs: 1 });
    await clock.advance(4000);
    expect(stalls.at(-1)).toEqual({ stalled: false, reason: null, retryInMs: null });
    await advanceUntil(clock, scheduler.idle(), 20);
    expect(store.get(job.id).status).toBe('done');
  });
});
