// The main thread's handle on one transfer worker (the engine lends its workers to jobs, see
// upload-worker-pool.ts): it sends requests, hands progress and finished parts to the caller,
// rebuilds errors from plain data, and answers the thread's questions for the system's proxy
// (which only this thread can ask). The thread has a name, its start and exit are logged,
// an idle worker never keeps the process alive, and terminate() asks it to stop before it
// kills it.
import { Worker } from 'node:worker_threads';
import type { SystemProxyAsker } from '../network/index.js';
import type { HashOptions, Transfer, UploadOptions } from './transfer.js';
import type { HashedFile, StreamTask, UploadTask } from './types.js';
import { SharedRateLimit } from './shared-rate-limit.js';
import { UploadError, abortedError } from './upload-error.js';
import { checkHashRequest, resolveStreamTask, resolveUploadTask } from './upload-task.js';
import type { TransferWorkerData, WorkerEvent, WorkerRequest } from './worker-protocol.js';
import { workerEntry } from './worker-entry.js';

export type LogFields = Record<string, unknown>;

export interface UploadLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const silentLogger: UploadLogger = { info() {}, warn() {}, error() {} };

export interface UploadWorkerOptions {
  /** Shown in the thread's title and in log lines; default `upload`. */
  name?: string;
  logger?: UploadLogger;
  /** The engine's bandwidth cap, shared by all its workers; none: uncapped. */
  rateLimit?: SharedRateLimit;
  /** Answers the thread's questions for the system's proxy of an origin; none: `DIRECT`. */
  askSystemProxy?: SystemProxyAsker | undefined;
}

const DEFAULT_TERMINATE_TIMEOUT_MS = 5000;

const DEFAULT_CANCEL_TIMEOUT_MS = 5000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  handlers: UploadOptions;
  cleanup(): void;
}

/** Posts straight to a worker's thread; set by UploadWorker, used by the test hook below. */
let postToThread: (worker: UploadWorker, request: WorkerRequest) => void;

export class UploadWorker implements Transfer {
  static {
    postToThread = (worker, request) => worker.#worker.postMessage(request);
  }

  readonly name: string;
  readonly #worker: Worker;
  readonly #logger: UploadLogger;
  readonly #askSystemProxy: SystemProxyAsker | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #stopping = false;
  #gone: UploadError | undefined;
  /** Told when the last pending request settles. */
  #onIdle: (() => void) | undefined;

  static start(options: UploadWorkerOptions = {}): UploadWorker {
    return new UploadWorker(options);
  }

  private constructor(options: UploadWorkerOptions) {
    this.name = options.name ?? 'upload';
    this.#logger = options.logger ?? silentLogger;
    this.#askSystemProxy = options.askSystemProxy;
    const entry = workerEntry('transfer-worker');
    const workerData: TransferWorkerData = {
      rateLimit: (options.rateLimit ?? new SharedRateLimit()).buffer,
    };
    this.#worker = new Worker(entry.script, { ...entry.options, name: this.name, workerData });
    this.#worker.unref();
    this.#worker.on('online', () =>
      this.#logger.info('upload worker started', {
        worker: this.name,
        threadId: this.#worker.threadId,
      }),
    );
    this.#worker.on('message', (event: WorkerEvent) => this.#receive(event));
    this.#worker.on('error', (error) => {
      this.#logger.error('upload worker failed', { worker: this.name, error: String(error) });
      this.#failAll(
        new UploadError(
          'worker_failed',
          `The upload worker "${this.name}" failed: ${error.message}`,
          {
            retryable: true,
            details: { worker: this.name },
          },
        ),
      );
    });
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (exitCode) => {
        const expected = this.#stopping;
        this.#logger[expected ? 'info' : 'warn']('upload worker exited', {
          worker: this.name,
          exitCode,
          expected,
        });
        this.#failAll(
          new UploadError(
            'worker_failed',
            `The upload worker "${this.name}" stopped (exit code ${exitCode}).`,
            {
              retryable: !expected,
              details: { worker: this.name, exitCode },
            },
          ),
        );
        resolve();
      }),
    );
  }

  /** The thread's id (the same for every job a pooled worker serves). */
  get threadId(): number {
    return this.#worker.threadId;
  }

  /** False once the thread failed, exited, or was asked to stop: it takes no more requests. */
  get usable(): boolean {
    return !this.#stopping && this.#gone === undefined;
  }

  /** True while a request is running on the thread. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /** Resolves once the thread has exited, whether it was asked to or not. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /**
   * Cancels every request still running and waits for the thread to answer them all; false
   * when it did not within the timeout (then the thread is not safe to hand on).
   */
  async cancelAll(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.#pending.size === 0) return true;
    const idle = new Promise<void>((resolve) => (this.#onIdle = resolve));
    for (const id of this.#pending.keys()) {
      this.#worker.postMessage({ id, type: 'cancel' } satisfies WorkerRequest);
    }
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      idle.then(() => true),
      this.#exited.then(() => this.#pending.size === 0),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), options.timeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    return settled;
  }

  /** Hashes the file (whole and per part) in one read. */
  async hash(path: string, options: HashOptions = {}): Promise<HashedFile> {
    checkHashRequest(path, options.partSize);
    const payload =
      options.partSize === undefined ? { path } : { path, partSize: options.partSize };
    return (await this.#request('hash', payload, options)) as HashedFile;
  }

  /** Sends the task's parts; resolves once every one was answered 200/201. */
  async upload(task: UploadTask, options: UploadOptions = {}): Promise<void> {
    resolveUploadTask(task);
    await this.#request('upload', task, options);
  }

  /**
   * Hashes the file and sends every part in the same read (to a binary that awaits its
   * content); resolves to the hashes that were declared, once every part was answered.
   */
  async stream(task: StreamTask, options: UploadOptions = {}): Promise<HashedFile> {
    resolveStreamTask(task);
    return (await this.#request('stream', task, options)) as HashedFile;
  }

  /**
   * Cancels what is running, lets the thread end, and kills it if it does not in time. An idle
   * thread has nothing to finish: it is stopped at once, so a worker still starting (a warm one
   * no job needed) does not hold up a closing engine for its start.
   */
  async terminate(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.#stopping && this.#pending.size === 0) {
      this.#stopping = true;
      await this.#worker.terminate();
      await this.#exited;
      return;
    }
    if (!this.#stopping) {
      this.#stopping = true;
      this.#failAll(abortedError(`Work in the upload worker "${this.name}"`));
      this.#worker.postMessage({ type: 'shutdown' } satisfies WorkerRequest);
    }
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), options.timeoutMs ?? DEFAULT_TERMINATE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!stopped) {
      this.#logger.warn('upload worker did not stop in time; killing it', { worker: this.name });
      await this.#worker.terminate();
      await this.#exited;
    }
  }

  #request(
    type: 'hash' | 'upload' | 'stream',
    payload: unknown,
    options: UploadOptions,
  ): Promise<unknown> {
    if (this.#stopping || this.#gone) {
      return Promise.reject(
        this.#gone ??
          new UploadError('worker_failed', `The upload worker "${this.name}" has been shut down.`),
      );
    }
    const { signal } = options;
    if (signal?.aborted)
      return Promise.reject(abortedError(type === 'hash' ? 'Hashing' : 'The upload'));
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise((resolve, reject) => {
      const onAbort = (): void =>
        this.#worker.postMessage({ id, type: 'cancel' } satisfies WorkerRequest);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve,
        reject,
        handlers: options,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      this.#worker.ref();
      this.#worker.postMessage({ id, type, payload } as WorkerRequest);
    });
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    pending.cleanup();
    if (this.#pending.size === 0) {
      this.#worker.unref();
      this.#onIdle?.();
      this.#onIdle = undefined;
    }
    return pending;
  }

  #receive(event: WorkerEvent): void {
    switch (event.type) {
      case 'result':
        this.#settle(event.id)?.resolve(event.payload);
        return;
      case 'error':
        this.#settle(event.id)?.reject(UploadError.fromJSON(event.error));
        return;
      case 'system-proxy': {
        const { question, origin } = event;
        // The asker never rejects (system-proxy.ts); a thread gone meanwhile drops the answer.
        void (this.#askSystemProxy?.(origin) ?? Promise.resolve('DIRECT')).then((answer) =>
          this.#worker.postMessage({
            type: 'system-proxy',
            question,
            answer,
          } satisfies WorkerRequest),
        );
        return;
      }
    }
    const handlers = this.#pending.get(event.id)?.handlers;
    if (handlers === undefined) return;
    try {
      if (event.type === 'progress') handlers.onProgress?.(event.payload);
      else if (event.type === 'part-done') handlers.onPartDone?.(event.payload);
      else handlers.onRetry?.(event.payload);
    } catch (error) {
      // A caller's callback must not take the worker's message handling down with it.
      this.#logger.error('an upload callback threw', {
        worker: this.name,
        event: event.type,
        error: String(error),
      });
    }
  }

  #failAll(error: UploadError): void {
    if (!this.#stopping) this.#gone ??= error;
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error);
  }
}

/**
 * Tests only (not exported from the room's door): makes the thread throw outside any request,
 * as a bug in it would, so that it fails and exits for real.
 */
export function crashUploadWorkerForTest(worker: UploadWorker): void {
  postToThread(worker, { type: 'crash' });
}
