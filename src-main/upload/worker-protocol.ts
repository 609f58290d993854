// The envelope between UploadWorker (main thread) and the transfer worker: requests carry an
// id, every event names the request it belongs to, and errors travel as plain data.
import type {
  HashedFile,
  HashedPart,
  PartRetryNotice,
  StreamTask,
  TransferProgress,
  UploadTask,
} from './types.js';
import type { HashRequest } from './transfer-work.js';
import type { UploadErrorData } from './upload-error.js';

export type WorkerRequest =
  | { id: number; type: 'hash'; payload: HashRequest }
  | { id: number; type: 'upload'; payload: UploadTask }
  | { id: number; type: 'stream'; payload: StreamTask }
  /** Aborts request `id`; it then answers with an `aborted` error. */
  | { id: number; type: 'cancel' }
  /** The engine thread's answer to a `system-proxy` question (see system-proxy.ts). */
  | { type: 'system-proxy'; question: number; answer: string }
  /** Aborts everything and lets the thread end. */
  | { type: 'shutdown' }
  /** Tests only (crashUploadWorkerForTest): the thread throws outside any request and exits. */
  | { type: 'crash' };

export type WorkerEvent =
  | { id: number; type: 'progress'; payload: TransferProgress }
  | { id: number; type: 'part-done'; payload: HashedPart }
  | { id: number; type: 'retry'; payload: PartRetryNotice }
  | { id: number; type: 'result'; payload: HashedFile | null }
  | { id: number; type: 'error'; error: UploadErrorData }
  /** The system's proxy for a storage origin: only the engine's thread can ask it. */
  | { type: 'system-proxy'; question: number; origin: string };

/** What a transfer worker is started with. */
export interface TransferWorkerData {
  /** The engine's bandwidth cap (SharedRateLimit's buffer), the same for every worker. */
  rateLimit: SharedArrayBuffer;
}
