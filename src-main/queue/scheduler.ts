// Runs queued jobs: claims them from the store under a lease, in queue order, as many at once
// as the job concurrency lets (it weighs the files' sizes and the server's push-backs), and
// keeps the leases fresh while they run. Waits (without polling the server) while the workspace
// is offline. A job paused or cancelled elsewhere loses its lease and is stopped here.
// The loop never ends by itself: a queue it cannot read or write (a locked or removed
// database) is logged and reported as stalled, retried with a growing delay, and reported
// working again once it does; an outcome it could not store is kept and stored then.
import { systemClock, type Clock, type ClockTimer } from '../clock/index.js';
import { silentLogger, type EngineLogger } from '../logging/index.js';
import { Backoff } from '../peridio/index.js';
import type { ConnectivityMonitor } from './connectivity.js';
import { JobConcurrency } from './job-concurrency.js';
import { runnerName, type JobStore } from './job-store.js';
import type { Job, JobError, JobStatus } from './job-types.js';
import { queueFailureReason } from './queue-failure.js';

export type JobOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: JobError }
  /** The server could not be reached: the job waits and goes on by itself. */
  | { status: 'waiting'; reason: string }
  /** Stopped before it finished (shutdown, pause, cancel). */
  | { status: 'interrupted' };

/** Where a job still has work to do, here or in another runner. */
const UNFINISHED: ReadonlySet<JobStatus> = new Set(['queued', 'running', 'waiting']);

/** How a job that another runner ran ended, as this runner would have told it. */
function outcomeElsewhere(job: Job): JobOutcome {
  if (job.status === 'done') return { status: 'done' };
  if (job.status === 'failed' && job.error) return { status: 'failed', error: job.error };
  return { status: 'interrupted' };
}

export type RunJob = (job: Job, signal: AbortSignal) => Promise<JobOutcome>;

/** Whether the loop can use the queue; `retryInMs` is when it tries again. */
export type QueueStall =
  | { stalled: true; reason: string; retryInMs: number }
  | { stalled: false; reason: null; retryInMs: null };

export interface SchedulerOptions {
  store: JobStore;
  /** The workspace whose jobs this scheduler runs. */
  workspace: string;
  runJob: RunJob;
  connectivity: ConnectivityMonitor;
  /** How many jobs run at once; adaptive unless given (told of each job's end). */
  jobConcurrency?: JobConcurrency;
  /** A fixed number of jobs at once, when no `jobConcurrency` is given. */
  concurrency?: number;
  leaseMs?: number;
  /** How often to look for jobs queued by other processes. */
  pollMs?: number;
  /** Run only these jobs (a foreground `upload`), not the whole queue. */
  onlyJobIds?: readonly string[];
  onJobEnd?: (job: Job, outcome: JobOutcome) => void;
  /** The queue could not be used (told once per reason), or works again. */
  onStall?: (stall: QueueStall) => void;
  /** Something went wrong that the loop got over by itself (the queue file written back). */
  onError?: (message: string) => void;
  /** The delay after a failed turn, doubled each time up to `max`; default 1 s to 30 s. */
  retryMs?: { initial: number; max: number };
  clock?: Clock;
  logger?: EngineLogger;
}

interface RunningJob {
  controller: AbortController;
  /** The file's size as queued, which the job concurrency weighs. */
  size: number;
}

export class Scheduler {
  readonly owner = runnerName();
  readonly jobConcurrency: JobConcurrency;
  private readonly running = new Map<string, RunningJob>();
  /** Settles when the job's run has ended and its outcome is stored. */
  private readonly endings = new Map<string, Promise<void>>();
  /** Outcomes the store refused (locked, gone): stored on a later turn. */
  private readonly unsettled = new Map<string, { job: Job; outcome: JobOutcome }>();
  /** Jobs in a run's scope (`onlyJobIds`) whose end was told, here or followed elsewhere. */
  private readonly told = new Set<string>();
  private loop: Promise<void> | undefined;
  private stopping = new AbortController();
  private wakeUp: (() => void) | undefined;
  private leaseTimer: ClockTimer | undefined;
  private idleWaiters: (() => void)[] = [];
  private stall: { reason: string; retryInMs: number } | undefined;
  private readonly clock: Clock;
  private readonly log: EngineLogger;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger()).child({ module: 'scheduler' });
    this.jobConcurrency =
      options.jobConcurrency ??
      new JobConcurrency({ fixed: options.concurrency ?? null, clock: this.clock });
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  start(): void {
    if (this.loop) return;
    this.scheduleLeaseRenewal();
    this.loop = this.run();
  }

  /** Looks for work now (after an enqueue, a resume, a retry). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops a job running here at once (it was paused or cancelled in the store). */
  interrupt(jobId: string): void {
    this.running.get(jobId)?.controller.abort();
  }

  /** Stops taking jobs, interrupts those running (they resume later) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const { controller } of this.running.values()) controller.abort();
    this.wake();
    await this.loop;
    this.clock.clearTimeout(this.leaseTimer);
    this.leaseTimer = undefined;
    this.loop = undefined;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Resolves when no job in scope is queued, running or waiting (or the scheduler stops). */
  idle(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      // Another process may finish the jobs in scope while this loop waits to be online: look
      // again every second. The timer also keeps the process alive for a face that waits.
      const again = setInterval(() => this.tellIfIdle(), 1000);
      this.idleWaiters.push(() => {
        clearInterval(again);
        resolve();
      });
      this.tellIfIdle();
    });
  }

  private tellIfIdle(): void {
    if (this.idleWaiters.length === 0) return;
    let idle: boolean;
    try {
      this.followOtherRunners();
      idle = !this.hasWorkInScope();
    } catch {
      // The queue cannot be read now: not idle; the loop reports why and asks again.
      return;
    }
    if (idle) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /**
   * Tells the end of a job in scope that another runner ran (the same upload asked twice at
   * once joins one job, which one process runs; it may even have ended before this loop
   * first looked): the face waiting for it hears how it ended as if it had run here.
   */
  private followOtherRunners(): void {
    const { store, onlyJobIds } = this.options;
    for (const id of onlyJobIds ?? []) {
      if (this.told.has(id) || this.running.has(id) || this.unsettled.has(id)) continue;
      const job = store.find(id);
      if (!job || UNFINISHED.has(job.status)) continue;
      this.told.add(id);
      this.tellEnd(job, outcomeElsewhere(job));
    }
  }

  private hasWorkInScope(): boolean {
    if (this.running.size > 0 || this.unsettled.size > 0) return true;
    const only = this.options.onlyJobIds;
    if (!only) return this.options.store.hasPendingWork(this.options.workspace);
    return only.some((id) => {
      const status = this.options.store.find(id)?.status;
      return status !== undefined && UNFINISHED.has(status);
    });
  }

  private async run(): Promise<void> {
    const { store, connectivity } = this.options;
    const backoff = new Backoff({
      initialMs: this.options.retryMs?.initial ?? 1000,
      maxMs: this.options.retryMs?.max ?? 30_000,
    });
    while (!this.stopping.signal.aborted) {
      if (!connectivity.online) {
        await connectivity.whenOnline(this.stopping.signal);
        continue;
      }
      let claimed: Job | undefined;
      try {
        const restored = store.checkFile();
        if (restored) {
          this.log.error({ file: store.file }, restored);
          this.options.onError?.(restored);
        }
        this.settleStored();
        if (this.running.size < this.jobConcurrency.limit) {
          const sizes = [...this.running.values()].map((job) => job.size);
          claimed = store.claimNext({
            owner: this.owner,
            workspace: this.options.workspace,
            leaseUntil: this.clock.now() + this.leaseMs,
            now: this.clock.now(),
            onlyIds: this.options.onlyJobIds,
            // The next job in line waits (it is not passed over) until it fits beside these.
            admits: (size) => this.jobConcurrency.mayStart(sizes, size),
          });
        }
        this.working();
        backoff.reset();
      } catch (error) {
        const retryMs = backoff.next();
        this.stalled(error, retryMs);
        await this.sleep(retryMs);
        continue;
      }
      if (claimed) {
        this.launch(claimed);
        continue;
      }
      this.tellIfIdle();
      await this.sleep(this.options.pollMs ?? 2000);
    }
    await Promise.allSettled([...this.running.keys()].map((id) => this.finished(id)));
    try {
      this.settleStored();
    } catch (error) {
      // Their leases run out and another runner takes them up from their last step.
      this.log.error(
        { err: error, jobs: [...this.unsettled.keys()] },
        'stopped with job outcomes not stored',
      );
    }
  }

  /** Told once per reason; every failed turn is logged. */
  private stalled(error: unknown, retryInMs: number): void {
    const reason = queueFailureReason(error, this.options.store.file);
    this.log.error({ err: error, retryInMs }, reason);
    if (this.stall?.reason === reason) return;
    this.stall = { reason, retryInMs };
    this.options.onStall?.({ stalled: true, reason, retryInMs });
  }

  private working(): void {
    if (!this.stall) return;
    this.log.info({ after: this.stall.reason }, 'the upload queue works again');
    this.stall = undefined;
    this.options.onStall?.({ stalled: false, reason: null, retryInMs: null });
  }

  private finished(id: string): Promise<void> {
    return this.endings.get(id) ?? Promise.resolve();
  }

  private launch(job: Job): void {
    const controller = new AbortController();
    this.running.set(job.id, { controller, size: job.queuedFile.size });
    const ending = this.options
      .runJob(job, controller.signal)
      .catch((error: unknown): JobOutcome => {
        this.log.error({ err: error, jobId: job.id }, 'a job runner threw');
        return {
          status: 'failed',
          error: { code: 'internal', message: `Unexpected error: ${(error as Error).message}` },
        };
      })
      .then((outcome) => {
        if (outcome.status === 'done') this.jobConcurrency.jobDone();
        // A job left waiting met a server that could not take it (or the network failed).
        if (outcome.status === 'waiting') this.jobConcurrency.pushedBack();
        this.running.delete(job.id);
        this.endings.delete(job.id);
        this.unsettled.set(job.id, { job, outcome });
        try {
          this.settleStored();
        } catch (error) {
          this.stalled(error, this.options.retryMs?.initial ?? 1000);
        }
        this.wake();
        this.tellIfIdle();
      });
    this.endings.set(job.id, ending);
  }

  /** Stores the outcomes of ended jobs; throws (keeping the rest) when the store cannot. */
  private settleStored(): void {
    for (const [id, { job, outcome }] of this.unsettled) {
      this.settle(job, outcome);
      this.unsettled.delete(id);
      if (this.options.onlyJobIds) this.told.add(id);
      this.tellEnd(this.options.store.get(job.id), outcome);
    }
  }

  private tellEnd(job: Job, outcome: JobOutcome): void {
    try {
      this.options.onJobEnd?.(job, outcome);
    } catch (error) {
      this.log.error({ err: error, jobId: job.id }, 'telling a job’s end failed');
    }
  }

  private settle(job: Job, outcome: JobOutcome): void {
    const { store, connectivity } = this.options;
    switch (outcome.status) {
      case 'done':
        store.release(job.id, this.owner, { status: 'done' });
        break;
      case 'failed':
        store.release(job.id, this.owner, { status: 'failed', error: outcome.error });
        break;
      case 'waiting':
        store.release(job.id, this.owner, { status: 'waiting', reason: outcome.reason });
        connectivity.reportOffline(outcome.reason);
        break;
      case 'interrupted':
        // Paused or cancelled jobs keep that status; a shutdown puts the job back in line.
        store.release(job.id, this.owner, { status: 'queued' });
        break;
    }
  }

  private scheduleLeaseRenewal(): void {
    if (this.stopping.signal.aborted) return;
    this.leaseTimer = this.clock.setTimeout(
      () => {
        this.renewLeases();
        this.scheduleLeaseRenewal();
      },
      this.leaseMs / 3,
      { keepsAlive: false },
    );
  }

  private renewLeases(): void {
    let held: Set<string>;
    try {
      held = new Set(this.options.store.renewLeases(this.owner, this.clock.now() + this.leaseMs));
    } catch (error) {
      // The jobs run on; if the store stays unusable their leases run out and they are taken
      // up again from their last step.
      this.stalled(error, this.leaseMs / 3);
      return;
    }
    for (const [id, { controller }] of this.running) {
      if (!held.has(id)) controller.abort();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const clock = this.clock;
      const timer = clock.setTimeout(done, ms);
      this.wakeUp = done;
      function done() {
        clock.clearTimeout(timer);
        resolve();
      }
    });
  }
}
