export { PENDING_CONTENT_HASH, awaitsContent } from './content-pending.js';
export { HASH_POLL, nextHashPoll, type HashPollSchedule } from './hash-poll.js';
export { JobFailure, TRANSIENT_CLIENT_CODES, outcomeOf } from './job-failure.js';
export {
  UploadSteps,
  keyName,
  nextStepFor,
  type NextStep,
  type Signer,
  type UploadStepsDeps,
} from './upload-steps.js';
export { uploadJobRunner, uploadWorkflow } from './upload-workflow.js';
export {
  ACTIVE_JOB_STATUSES,
  conflictVerdict,
  keysNotSigned,
  queueVerdict,
  type ConflictPolicyInput,
  type ConflictVerdict,
  type OfferedContent,
  type QueuedJob,
  type QueueVerdict,
  type RequestedKey,
} from './binary-conflict-policy.js';
