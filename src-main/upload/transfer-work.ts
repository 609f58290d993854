// One transfer request's work, wherever it runs: on a transfer worker's thread
// (transfer-worker.ts) or, for a small file, on the engine's own (in-thread-transfer.ts). The
// byte counts of both are throttled here into at most ~10 progress messages a second.
import type { SystemProxyAsker } from '../network/index.js';
import { hashFile } from './file-hash.js';
import { uploadParts } from './part-uploader.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { SharedRateLimit } from './shared-rate-limit.js';
import { streamParts } from './stream-upload.js';
import type {
  HashedFile,
  HashedPart,
  PartRetryNotice,
  StreamTask,
  TransferProgress,
  UploadTask,
} from './types.js';

export interface HashRequest {
  path: string;
  partSize?: number;
}

export async function hashWork(
  request: HashRequest,
  signal: AbortSignal,
  onProgress: (progress: TransferProgress) => void,
): Promise<HashedFile> {
  let throttle: ProgressThrottle | undefined;
  const file = await hashFile(request.path, {
    ...(request.partSize === undefined ? {} : { partSize: request.partSize }),
    signal,
    onBytes: (done, total) => {
      throttle ??= new ProgressThrottle('hashing', total, onProgress);
      throttle.update(done);
    },
  });
  (throttle ?? new ProgressThrottle('hashing', file.size, onProgress)).finish(file.size);
  return file;
}

export interface SendHandlers {
  signal: AbortSignal;
  rateLimit: SharedRateLimit;
  onProgress: (progress: TransferProgress) => void;
  onPartDone: (part: HashedPart) => void;
  onRetry: (notice: PartRetryNotice) => void;
  /** The engine's thread, for the system's proxy of a storage origin (desktop app only). */
  askSystemProxy?: SystemProxyAsker;
}

export type SendRequest =
  { type: 'upload'; task: UploadTask } | { type: 'stream'; task: StreamTask };

/** Sends the parts; a stream resolves to the hashes it declared, an upload to null. */
export async function sendWork(
  request: SendRequest,
  handlers: SendHandlers,
): Promise<HashedFile | null> {
  const throttle = new ProgressThrottle('uploading', request.task.file.size, handlers.onProgress);
  let bytesDone = 0;
  const callbacks = {
    signal: handlers.signal,
    rateLimit: handlers.rateLimit,
    onProgress: (done: number) => {
      bytesDone = done;
      throttle.update(done);
    },
    onPartDone: handlers.onPartDone,
    onRetry: handlers.onRetry,
    askSystemProxy: handlers.askSystemProxy,
  };
  const result =
    request.type === 'stream'
      ? await streamParts(request.task, callbacks)
      : (await uploadParts(request.task, callbacks), null);
  throttle.finish(bytesDone);
  return result;
}
