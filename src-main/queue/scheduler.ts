// Runs queued jobs: claims them from the store under a lease, a few at a time, and keeps
// the leases fresh while they run. Waits (without polling the server) while the workspace
// is offline. A job paused or cancelled elsewhere loses its lease and is stopped here.
import type { ConnectivityMonitor } from './connectivity.js';
import { runnerName, type JobStore } from './job-store.js';
import type { Job, JobError } from './job-types.js';

export type JobOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: JobError }
  /** The server could not be reached: the job waits and goes on by itself. */
  | { status: 'waiting'; reason: string }
  /** Stopped before it finished (shutdown, pause, cancel). */
  | { status: 'interrupted' };

export type RunJob = (job: Job, signal: AbortSignal) => Promise<JobOutcome>;

export interface SchedulerOptions {
  store: JobStore;
  /** The workspace whose jobs this scheduler runs. */
  workspace: string;
  runJob: RunJob;
  connectivity: ConnectivityMonitor;
  /** Jobs at once. */
  concurrency?: number;
  leaseMs?: number;
  /** How often to look for jobs queued by other processes. */
  pollMs?: number;
  /** Run only these jobs (a foreground `upload`), not the whole queue. */
  onlyJobIds?: readonly string[];
  onJobEnd?: (job: Job, outcome: JobOutcome) => void;
}

export class Scheduler {
  readonly owner = runnerName();
  private readonly running = new Map<string, AbortController>();
  /** Settles when the job's run has ended and its outcome is stored. */
  private readonly endings = new Map<string, Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopping = new AbortController();
  private wakeUp: (() => void) | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  private get leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  start(): void {
    if (this.loop) return;
    this.leaseTimer = setInterval(() => this.renewLeases(), this.leaseMs / 3);
    this.leaseTimer.unref();
    this.loop = this.run();
  }

  /** Looks for work now (after an enqueue, a resume, a retry). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops a job running here at once (it was paused or cancelled in the store). */
  interrupt(jobId: string): void {
    this.running.get(jobId)?.abort();
  }

  /** Stops taking jobs, interrupts those running (they resume later) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const controller of this.running.values()) controller.abort();
    this.wake();
    await this.loop;
    clearInterval(this.leaseTimer);
    this.loop = undefined;
  }

  /** Resolves when no job in scope is queued, running or waiting. */
  async idle(): Promise<void> {
    while (!this.stopping.signal.aborted && this.hasWorkInScope()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private hasWorkInScope(): boolean {
    if (this.running.size > 0) return true;
    const only = this.options.onlyJobIds;
    if (!only) return this.options.store.hasPendingWork(this.options.workspace);
    return only.some((id) => {
      const status = this.options.store.find(id)?.status;
      return status === 'queued' || status === 'running' || status === 'waiting';
    });
  }

  private async run(): Promise<void> {
    const { store, connectivity } = this.options;
    const concurrency = this.options.concurrency ?? 2;
    while (!this.stopping.signal.aborted) {
      if (!connectivity.online) {
        await connectivity.whenOnline(this.stopping.signal);
        continue;
      }
      let claimed: Job | undefined;
      if (this.running.size < concurrency) {
        claimed = store.claimNext({
          owner: this.owner,
          workspace: this.options.workspace,
          leaseUntil: Date.now() + this.leaseMs,
          onlyIds: this.options.onlyJobIds,
        });
      }
      if (claimed) {
        this.launch(claimed);
        continue;
      }
      await this.sleep(this.options.pollMs ?? 2000);
    }
    await Promise.allSettled([...this.running.keys()].map((id) => this.finished(id)));
  }

  private finished(id: string): Promise<void> {
    return this.endings.get(id) ?? Promise.resolve();
  }

  private launch(job: Job): void {
    const controller = new AbortController();
    this.running.set(job.id, controller);
    const ending = this.options
      .runJob(job, controller.signal)
      .catch((error: unknown): JobOutcome => ({
        status: 'failed',
        error: { code: 'internal', message: `Unexpected error: ${(error as Error).message}` },
      }))
      .then((outcome) => {
        this.running.delete(job.id);
        this.endings.delete(job.id);
        this.settle(job, outcome);
        this.wake();
      });
    this.endings.set(job.id, ending);
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
    this.options.onJobEnd?.(store.get(job.id), outcome);
  }

  private renewLeases(): void {
    const held = new Set(this.options.store.renewLeases(this.owner, Date.now() + this.leaseMs));
    for (const [id, controller] of this.running) {
      if (!held.has(id)) controller.abort();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
