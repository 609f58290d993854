export { PENDING_CONTENT_HASH, awaitsContent } from './content-pending.js';
export { JobFailure, TRANSIENT_CLIENT_CODES, outcomeOf } from './job-failure.js';
export {
  UploadSteps,
  nextStepFor,
  type NextStep,
  type Signer,
  type UploadStepsDeps,
} from './upload-steps.js';
export { uploadJobRunner, uploadWorkflow } from './upload-workflow.js';
