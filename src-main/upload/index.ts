// The door of the upload room: part planning, and what reads, hashes and PUTs parts (a worker
// thread, or the caller's thread for a small file). Other folders import from here only.
export { planParts, DEFAULT_PART_SIZE, MAX_FILE_SIZE, MiB } from './part-plan.js';
export type { PartPlanOptions } from './part-plan.js';
export { partChecksumHeader } from './part-checksum.js';
export { PartAttempts } from './part-retry.js';
export { ProgressThrottle, PROGRESS_INTERVAL_MS } from './progress-throttle.js';
export type { ProgressThrottleOptions } from './progress-throttle.js';
export { DEFAULT_CONCURRENCY, DEFAULT_STALL_TIMEOUT_MS } from './upload-task.js';
export { UploadWorker } from './upload-worker.js';
export { UploadWorkerPool } from './upload-worker-pool.js';
export type {
  UploadWorkerPoolOptions,
  WorkerLease,
  WorkerPoolStats,
} from './upload-worker-pool.js';
export { SharedRateLimit } from './shared-rate-limit.js';
export type { UploadWorkerOptions, UploadLogger, LogFields } from './upload-worker.js';
export type { HashOptions, UploadOptions, Transfer, TransferLease } from './transfer.js';
export { IN_THREAD_MAX_BYTES } from './in-thread-transfer.js';
export { UploadError, isUploadError } from './upload-error.js';
export type { UploadErrorCode, UploadErrorData } from './upload-error.js';
export type {
  PlannedPart,
  PartPlan,
  FileFingerprint,
  HashedPart,
  HashedFile,
  TransferProgress,
  ApiConnection,
  UploadTask,
  StreamTask,
  TransferOptions,
  PartRetryNotice,
} from './types.js';
