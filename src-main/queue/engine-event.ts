// What the engine tells its faces, below both the service that sends it and the watch room
// that listens (the watch room must not reach up into the service for a type).
import type { TransferProgress } from '../upload/index.js';
import type { Job, JobStep } from './job-types.js';
import type { JobOutcome, QueueStall } from './scheduler.js';

export type EngineEvent =
  | { type: 'job:queued'; job: Job }
  | { type: 'job:step'; jobId: string; step: JobStep; message: string }
  | { type: 'job:progress'; jobId: string; progress: TransferProgress }
  | { type: 'job:ended'; job: Job; outcome: JobOutcome }
  | { type: 'connectivity:changed'; online: boolean; reason: string | null }
  /** The queue's loop cannot use its database (told once per reason), or works again. */
  | { type: 'queue:stalled'; stall: QueueStall }
  /** A failure outside any job that the engine got over or goes on retrying. */
  | { type: 'engine:error'; source: EngineErrorSource; message: string };

/** Which part of the engine failed. */
export type EngineErrorSource = 'queue' | 'connectivity' | 'watch' | 'engine';
