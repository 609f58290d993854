// An upload job in words, and which buttons its status allows (the job store's own rules:
// pause from queued/waiting/running, resume from paused, retry from failed/cancelled, cancel
// from anything not finished).
import type { JobStatus, JobStep, JobView } from '../../src-preload/contract.js';

// None of these contains a status word ("Queued", "Uploading", "Waiting", "Signed", "Done"),
// so a status reads once on the page, whatever the step.
const STEP_WORDS: Record<JobStep, string> = {
  queued: 'Not started yet',
  'hashing-file': 'Reading and hashing the file',
  'finding-binary': 'Finding or creating the binary',
  uploading: 'Sending parts',
  completing: 'Completing the upload',
  hashing: 'Server is verifying the hash',
  'waiting-signable': 'Server is checking the hash',
  signing: 'Signing',
  done: 'Finished',
};

export function stepWords(step: JobStep): string {
  return STEP_WORDS[step] ?? step;
}

type StatusFacts = Pick<JobView, 'status' | 'binaryState' | 'waitingReason' | 'error'>;

export function statusWords(job: StatusFacts): string {
  switch (job.status) {
    case 'queued':
      return 'Queued';
    case 'running':
      return 'Uploading';
    case 'waiting':
      // Offline is a wait, never a failure: the job goes out by itself when the server is back.
      return `Waiting: ${job.waitingReason ?? 'the server is not reachable'}`;
    case 'paused':
      return 'Paused';
    case 'done':
      return job.binaryState === 'signed' ? 'Signed' : 'Done';
    case 'failed':
      return `Failed: ${job.error?.message ?? 'the upload stopped'}`;
    case 'cancelled':
      return 'Cancelled';
  }
}

export type JobAction = 'pause' | 'resume' | 'retry' | 'cancel';

const LEGAL_FROM: Record<JobAction, readonly JobStatus[]> = {
  pause: ['queued', 'waiting', 'running'],
  resume: ['paused'],
  retry: ['failed', 'cancelled'],
  cancel: ['queued', 'waiting', 'running', 'paused'],
};

export function jobActions(status: JobStatus): JobAction[] {
  return (Object.keys(LEGAL_FROM) as JobAction[]).filter((action) =>
    LEGAL_FROM[action].includes(status),
  );
}

/** The file name of a path from any OS (the engine may run on Windows). */
export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
