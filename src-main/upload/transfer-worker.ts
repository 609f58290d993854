// The worker thread's entry: every file read, hash and part PUT of a file larger than one part
// happens here, so the main thread only ever handles small messages (a small file goes from
// the engine's thread: in-thread-transfer.ts). Started by UploadWorker (upload-worker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { SystemProxyAsker } from '../network/index.js';
import { SharedRateLimit } from './shared-rate-limit.js';
import { hashWork, sendWork, type SendRequest } from './transfer-work.js';
import { WholeHashThread } from './whole-hash-thread.js';
import type { TransferProgress } from './types.js';
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

/** Questions put to the engine's thread, by number, waiting for its answer. */
const proxyQuestions = new Map<number, (answer: string) => void>();
let nextQuestion = 1;

/** The system's proxy is the engine thread's to ask (in the desktop app, Electron's session). */
const askSystemProxy: SystemProxyAsker = (origin) =>
  new Promise((resolve) => {
    const question = nextQuestion++;
    proxyQuestions.set(question, resolve);
    post({ type: 'system-proxy', question, origin });
  });

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
      void run(id, async (signal) => ({
        id,
        type: 'result',
        payload: await hashWork(payload, signal, progressSender(id)),
      }));
      return;
    }
    case 'upload':
    case 'stream': {
      const { id } = request;
      const send: SendRequest =
        request.type === 'stream'
          ? { type: 'stream', task: request.payload }
          : { type: 'upload', task: request.payload };
      void run(id, async (signal) => ({
        id,
        type: 'result',
        payload: await sendWork(send, {
          signal,
          rateLimit,
          askSystemProxy,
          onProgress: progressSender(id),
          onPartDone: (part) => post({ id, type: 'part-done', payload: part }),
          onRetry: (notice) => post({ id, type: 'retry', payload: notice }),
        }),
      }));
      return;
    }
    case 'system-proxy':
      proxyQuestions.get(request.question)?.(request.answer);
      proxyQuestions.delete(request.question);
      return;
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
