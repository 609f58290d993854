// The upload queue as the UI sees it: jobs from `jobs.list`, kept current by events. Progress
// goes through a coalescer: at most one update per job per animation frame, whatever the
// event rate, so a 1 GiB upload does not cost the page its frame rate.
import type {
  DeskError,
  JobStep,
  JobView,
  TransferProgressView,
} from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';
import { facade } from './facade.js';
import { ProgressCoalescer } from './progress-coalescer.js';

export interface StepNote {
  step: JobStep;
  message: string;
}

/** Every job the queue keeps (the retention keeps it to about a thousand finished ones). */
async function allJobs(): Promise<JobView[]> {
  const jobs: JobView[] = [];
  let cursor: string | undefined;
  do {
    const page = await facade().call('jobs.list', { limit: 500, ...(cursor ? { cursor } : {}) });
    jobs.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return jobs;
}

class JobsState {
  jobs = $state<JobView[]>([]);
  progress = $state<Record<string, TransferProgressView>>({});
  notes = $state<Record<string, StepNote>>({});
  error = $state<DeskError | null>(null);
  private readonly coalescer = new ProgressCoalescer<TransferProgressView>(
    (batch) => {
      for (const [id, value] of batch) this.progress[id] = value;
    },
    (callback) => requestAnimationFrame(callback),
  );
  /** Listeners for the end of a job (the binaries view refreshes its version). */
  private readonly endListeners = new Set<(job: JobView) => void>();

  active = $derived(
    this.jobs.filter((job) => ['queued', 'running', 'waiting'].includes(job.status)).length,
  );

  /** Bytes per second of every upload running now together: what the bandwidth cap holds. */
  uploadSpeed = $derived(
    this.jobs.reduce((sum, job) => {
      const progress = this.progress[job.id];
      return job.status === 'running' && progress?.phase === 'uploading'
        ? sum + progress.bytesPerSecond
        : sum;
    }, 0),
  );

  start(): void {
    const desk = facade();
    desk.on('job:queued', ({ job }) => this.put(job));
    desk.on('job:step', ({ jobId, step, message }) => {
      this.coalescer.drop(jobId);
      this.notes[jobId] = { step, message };
      const job = this.jobs.find((candidate) => candidate.id === jobId);
      if (job) {
        job.step = step;
        if (job.status === 'queued' || job.status === 'waiting') job.status = 'running';
      }
    });
    desk.on('job:progress', ({ jobId, progress }) => this.coalescer.push(jobId, progress));
    desk.on('job:ended', ({ job }) => {
      this.coalescer.drop(job.id);
      this.put(job);
      for (const listener of this.endListeners) listener(job);
    });
    desk.onReconnect(() => void this.load());
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.jobs = await allJobs();
      this.error = null;
    } catch (error) {
      this.error = toDeskError(error);
    }
  }

  put(job: JobView): void {
    const index = this.jobs.findIndex((candidate) => candidate.id === job.id);
    if (index < 0) this.jobs.unshift(job);
    else this.jobs[index] = job;
  }

  onJobEnded(listener: (job: JobView) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }
}

export const jobs = new JobsState();
