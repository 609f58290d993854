export * from './job-types.js';
export { JobStore, JobStateError, runnerName, type JobLogEntry } from './job-store.js';
export { ConnectivityMonitor, type ConnectivityOptions } from './connectivity.js';
export { Scheduler, type JobOutcome, type RunJob, type SchedulerOptions } from './scheduler.js';
