// The worker thread's entry: every file read, hash and part PUT happens here, so the main
// thread only ever handles small messages. Started by UploadWorker (upload-worker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { hashFile } from './file-hash.js';
import { uploadParts } from './part-uploader.js';
import { ProgressThrottle } from './progress-throttle.js';
import { SharedRateLimit } from './shared-rate-limit.js';
import { streamParts } from './stream-upload.js';
import { WholeHashThread } from './whole-hash-thread.js';
import type { HashedPart, PartRetryNotice, TransferProgress } from './types.js';
import { UploadError, isUploadError, type UploadErrorData } from './upload-error.js';
import type { TransferWorkerData, WorkerEvent, WorkerRequest } from './worker-protocol.js';

if (parentPort === null) {
  throw new Error('transfer-worker runs as a worker thread; start it with UploadWorker.start().');
}
const port = parentPort;
/** The engine's bandwidth cap, shared with every other transfer worker (see UploadWorker). */
const rateLimit = SharedRateLimit.attach((workerData as TransferWorkerData).rateLimit);
const running = new Map<number, AbortController>();
let shuttingDown = false;

function post(event: WorkerEvent): void {
  port.postMessage(event);
}

function errorData(error: unknown): UploadErrorData {
  if (isUploadError(error)) return error.toJSON();
  // A bug, not a condition of the file or the network: say so rather than guess a cause.
  return new UploadError(
    'worker_failed',
    `The upload worker hit an internal error: ${(error as Error)?.message ?? String(error)}`,
    { retryable: false, details: { stack: (error as Error)?.stack } },
  ).toJSON();
}

async function run(
  id: number,
  work: (signal: AbortSignal) => Promise<WorkerEvent & { type: 'result' }>,
) {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    post(await work(controller.signal));
  } catch (error) {
    post({ id, type: 'error', error: errorData(error) });
  } finally {
    running.delete(id);
    if (shuttingDown && running.size === 0) void end();
  }
}

/** Lets the thread end: nothing it started may outlive it. */
async function end(): Promise<void> {
  await WholeHashThread.endIdle();
  port.close();
}

function progressSender(id: number): (progress: TransferProgress) => void {
  return (payload) => post({ id, type: 'progress', payload });
}

function handle(request: WorkerRequest): void {
  switch (request.type) {
    case 'hash': {
      const { id, payload } = request;
      void run(id, async (signal) => {
        let throttle: ProgressThrottle | undefined;
        const file = await hashFile(payload.path, {
          ...(payload.partSize === undefined ? {} : { partSize: payload.partSize }),
          signal,
          onBytes: (done, total) => {
            throttle ??= new ProgressThrottle('hashing', total, progressSender(id));
            throttle.update(done);
          },
        });
        (throttle ?? new ProgressThrottle('hashing', file.size, progressSender(id))).finish(
          file.size,
        );
        return { id, type: 'result', payload: file };
      });
      return;
    }
    case 'upload':
    case 'stream': {
      const { id } = request;
      void run(id, async (signal) => {
        const size = request.payload.file.size;
        const throttle = new ProgressThrottle('uploading', size, progressSender(id));
        let bytesDone = 0;
        const callbacks = {
          signal,
          rateLimit,
          onProgress: (done: number) => {
            bytesDone = done;
            throttle.update(done);
          },
          onPartDone: (part: HashedPart) => post({ id, type: 'part-done', payload: part }),
          onRetry: (notice: PartRetryNotice) => post({ id, type: 'retry', payload: notice }),
        };
        const result =
          request.type === 'stream'
            ? await streamParts(request.payload, callbacks)
            : (await uploadParts(request.payload, callbacks), null);
        throttle.finish(bytesDone);
        return { id, type: 'result', payload: result };
      });
      return;
    }
    case 'cancel':
      running.get(request.id)?.abort();
      return;
    case 'shutdown':
      shuttingDown = true;
      for (const controller of running.values()) controller.abort();
      if (running.size === 0) void end();
      return;
    case 'crash':
      // Outside the message handler's call, so nothing catches it: the thread fails for real.
      setImmediate(() => {
        throw new Error('crashed on purpose by a test');
      });
      return;
  }
}

port.on('message', handle);
