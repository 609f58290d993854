// The upload queue at a glance, for the tray tooltip, the tray menu and the taskbar/dock
// progress bar: built from `jobs.list` and kept current by the engine's events. Plain data,
// no Electron.
import type {
  DeskEvent,
  JobStatus,
  JobView,
  TransferProgressView,
} from '../../src-preload/contract.js';

const ENDED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);
/** What `jobs.pause` accepts (the job store's rule). */
const PAUSABLE: ReadonlySet<JobStatus> = new Set(['queued', 'running', 'waiting']);

export interface QueueSnapshot {
  uploading: number;
  queued: number;
  waiting: number;
  paused: number;
  failed: number;
  /** 0..1 over the jobs that reported transfer progress; null when nothing is under way. */
  fraction: number | null;
  tooltip: string;
  /** Ids for "Pause all" and "Resume all". */
  pausableIds: string[];
  resumableIds: string[];
}

/**
 * A job's share of its bar. Reading the file for its hash is the first half, sending it the
 * second, so the bar never runs backwards when a job moves from one to the other.
 */
function jobFraction(progress: TransferProgressView): number {
  const part = progress.bytesTotal > 0 ? Math.min(1, progress.bytesDone / progress.bytesTotal) : 0;
  return progress.phase === 'hashing' ? part / 2 : 0.5 + part / 2;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export class QueueProgress {
  readonly #jobs = new Map<string, JobStatus>();
  readonly #progress = new Map<string, TransferProgressView>();

  /** Starts over from a `jobs.list` answer (the queue's truth). */
  setJobs(jobs: readonly JobView[]): void {
    this.#jobs.clear();
    for (const job of jobs) this.#jobs.set(job.id, job.status);
    for (const id of this.#progress.keys()) {
      const status = this.#jobs.get(id);
      if (status === undefined || ENDED.has(status)) this.#progress.delete(id);
    }
  }

  /** Takes one engine event; returns whether the snapshot may have changed. */
  onEvent(event: DeskEvent): boolean {
    switch (event.name) {
      case 'job:queued':
        this.#jobs.set(event.payload.job.id, event.payload.job.status);
        return true;
      case 'job:step':
        if (event.payload.step === 'queued') return false;
        this.#jobs.set(event.payload.jobId, 'running');
        return true;
      case 'job:progress':
        this.#jobs.set(event.payload.jobId, 'running');
        this.#progress.set(event.payload.jobId, event.payload.progress);
        return true;
      case 'job:ended': {
        const { job } = event.payload;
        this.#jobs.set(job.id, job.status);
        if (ENDED.has(job.status)) this.#progress.delete(job.id);
        return true;
      }
      default:
        return false;
    }
  }

  snapshot(): QueueSnapshot {
    const count = (status: JobStatus) =>
      [...this.#jobs.values()].filter((s) => s === status).length;
    const uploading = count('running');
    const queued = count('queued');
    const waiting = count('waiting');
    const paused = count('paused');
    const failed = count('failed');

    let weight = 0;
    let done = 0;
    for (const [id, progress] of this.#progress) {
      if (this.#jobs.get(id) !== 'running' || progress.bytesTotal <= 0) continue;
      weight += progress.bytesTotal;
      done += jobFraction(progress) * progress.bytesTotal;
    }
    const active = uploading + queued > 0;
    const fraction = active && weight > 0 ? done / weight : null;

    const parts: string[] = [];
    if (uploading > 0) parts.push(`${uploading} uploading`);
    if (queued > 0) parts.push(`${queued} queued`);
    if (waiting > 0) parts.push(`${waiting} waiting`);
    if (paused > 0) parts.push(`${paused} paused`);
    if (failed > 0) parts.push(plural(failed, 'failed job'));
    const percent = fraction === null ? '' : ` (${Math.floor(fraction * 100)}%)`;
    const tooltip =
      parts.length === 0
        ? 'Peridio Desk: no uploads'
        : `Peridio Desk: ${parts.join(', ')}${percent}`;

    const idsWith = (statuses: ReadonlySet<JobStatus>) =>
      [...this.#jobs].filter(([, status]) => statuses.has(status)).map(([id]) => id);
    return {
      uploading,
      queued,
      waiting,
      paused,
      failed,
      fraction,
      tooltip,
      pausableIds: idsWith(PAUSABLE),
      resumableIds: idsWith(new Set(['paused'])),
    };
  }
}
