// What a person may do with a job in each status: the one rule the job store enforces and
// every face is told (`JobView.allowedActions`), so no face works it out for itself.
import type { JobStatus } from './job-types.js';

export const JOB_ACTIONS = ['pause', 'resume', 'retry', 'cancel'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

export type JobAllowedActions = Record<JobAction, boolean>;

/** The statuses each action may start from. Retry runs a job again from where its binary stands. */
export const JOB_ACTION_FROM: Readonly<Record<JobAction, readonly JobStatus[]>> = {
  pause: ['queued', 'waiting', 'running'],
  resume: ['paused'],
  retry: ['failed', 'cancelled'],
  cancel: ['queued', 'waiting', 'running', 'paused'],
};

/** Which actions a job in `status` allows now. */
export function jobAllowedActions(status: JobStatus): JobAllowedActions {
  return {
    pause: JOB_ACTION_FROM.pause.includes(status),
    resume: JOB_ACTION_FROM.resume.includes(status),
    retry: JOB_ACTION_FROM.retry.includes(status),
    cancel: JOB_ACTION_FROM.cancel.includes(status),
  };
}
