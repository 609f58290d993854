// A queued upload as every face sees it: the job's plain data and the actions its status
// allows now, decided by the queue and sent with every job (commands and events alike).
import type { JobView } from '../../src-preload/contract.js';
import { jobAllowedActions, type Job } from '../queue/index.js';

export function jobView(job: Job): JobView {
  return {
    id: job.id,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    status: job.status,
    step: job.step,
    request: job.request,
    binaryPrn: job.binaryPrn,
    binaryState: job.binaryState,
    error: job.error,
    waitingReason: job.waitingReason,
    attempts: job.attempts,
    sourcePath: job.sourcePath,
    sha256: job.sha256,
    allowedActions: jobAllowedActions(job.status),
  };
}
