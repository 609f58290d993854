export * from './job-types.js';
export * from './job-actions.js';
export {
  JobStore,
  JobStateError,
  runnerName,
  type ConfirmedKey,
  type JobLogEntry,
  type JobPage,
  type JobRetention,
  type JobStoreOptions,
} from './job-store.js';
export { ADAPTIVE_LIMITS, JobConcurrency, type AdaptiveLimits } from './job-concurrency.js';
export { ConnectivityMonitor, type ConnectivityOptions } from './connectivity.js';
export { QueueFileError, queueFailureReason } from './queue-failure.js';
export {
  Scheduler,
  type JobOutcome,
  type QueueStall,
  type RunJob,
  type SchedulerOptions,
} from './scheduler.js';
export type { EngineErrorSource, EngineEvent } from './engine-event.js';
