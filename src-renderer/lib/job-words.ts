// An upload job in words, and the words of the buttons the engine allows for it (the engine
// decides which: `JobView.allowedActions`).
import type { JobAllowedActions, JobStep, JobView } from '../../src-preload/contract.js';

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

export type JobAction = keyof JobAllowedActions;

// In the order the buttons stand.
const ACTION_LABELS: Record<JobAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  retry: 'Retry',
  cancel: 'Cancel',
};

/** The buttons of a job: the actions the engine allows now, in a steady order. */
export function jobActions(job: Pick<JobView, 'allowedActions'>): JobAction[] {
  return (Object.keys(ACTION_LABELS) as JobAction[]).filter((action) => job.allowedActions[action]);
}

export function actionLabel(action: JobAction): string {
  return ACTION_LABELS[action];
}

/** The file name of a path from any OS (the engine may run on Windows). */
export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
