// What a job asks of whatever moves its file: a transfer worker's thread (UploadWorker) or,
// for a small file, the engine's own thread (InThreadTransfer). Both answer the same way.
import type {
  HashedFile,
  HashedPart,
  PartRetryNotice,
  StreamTask,
  TransferProgress,
  UploadTask,
} from './types.js';

export interface HashOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
  /** A preferred part size (see planParts); the default plan uses 8 MiB. */
  partSize?: number;
}

export interface UploadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
  /** Told the moment a part's PUT was answered 200/201, so it can be journaled. */
  onPartDone?: (part: HashedPart) => void;
  onRetry?: (notice: PartRetryNotice) => void;
}

export interface Transfer {
  /** Hashes the file (whole and per part) in one read. */
  hash(path: string, options?: HashOptions): Promise<HashedFile>;
  /** Sends the task's parts; resolves once every one was answered 200/201. */
  upload(task: UploadTask, options?: UploadOptions): Promise<void>;
  /**
   * Hashes the file and sends every part in the same read (to a binary that awaits its
   * content); resolves to the hashes that were declared, once every part was answered.
   */
  stream(task: StreamTask, options?: UploadOptions): Promise<HashedFile>;
}

/** One job's use of a transfer; given back when the job ends. */
export interface TransferLease {
  readonly transfer: Transfer;
  /** Hands it back (cancelling what still runs on it); later calls do nothing. */
  giveBack(): Promise<void>;
}
