// A small file's transfer on the engine's own thread. A file of one part is read, hashed and
// sent in a few milliseconds of CPU (8 MiB hash in about 6 ms); a worker thread's start and
// its messages cost more than that (about 100 ms to start one), and the main thread stays
// free between the 512 KiB writes of the PUT. Bigger files go to a worker (upload-worker.ts).
import type { SystemProxyAsker } from '../network/index.js';
import type { SharedRateLimit } from './shared-rate-limit.js';
import type { HashOptions, Transfer, UploadOptions } from './transfer.js';
import { hashWork, sendWork, type SendRequest } from './transfer-work.js';
import type { HashedFile, StreamTask, UploadTask } from './types.js';
import { abortedError } from './upload-error.js';
import { checkHashRequest } from './upload-task.js';
import type { UploadLogger } from './upload-worker.js';

/** The largest file sent in-thread: one part of the default plan. */
export const IN_THREAD_MAX_BYTES = 8 * 1024 * 1024;

export class InThreadTransfer implements Transfer {
  readonly #rateLimit: SharedRateLimit;
  readonly #logger: UploadLogger;
  readonly #askSystemProxy: SystemProxyAsker | undefined;
  /** Aborts everything running here (cancelAll). */
  readonly #controller = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(options: {
    rateLimit: SharedRateLimit;
    logger: UploadLogger;
    askSystemProxy?: SystemProxyAsker | undefined;
  }) {
    this.#rateLimit = options.rateLimit;
    this.#logger = options.logger;
    this.#askSystemProxy = options.askSystemProxy;
  }

  hash(path: string, options: HashOptions = {}): Promise<HashedFile> {
    checkHashRequest(path, options.partSize);
    const request =
      options.partSize === undefined ? { path } : { path, partSize: options.partSize };
    return this.#run('Hashing', options, (signal) =>
      hashWork(request, signal, this.#guarded('progress', options.onProgress)),
    );
  }

  async upload(task: UploadTask, options: UploadOptions = {}): Promise<void> {
    await this.#send({ type: 'upload', task }, options);
  }

  async stream(task: StreamTask, options: UploadOptions = {}): Promise<HashedFile> {
    return (await this.#send({ type: 'stream', task }, options))!;
  }

  /** Aborts what runs and waits for it to end. */
  async cancelAll(): Promise<void> {
    this.#controller.abort();
    await Promise.allSettled(this.#running);
  }

  #send(request: SendRequest, options: UploadOptions): Promise<HashedFile | null> {
    return this.#run('The upload', options, (signal) =>
      sendWork(request, {
        signal,
        rateLimit: this.#rateLimit,
        askSystemProxy: this.#askSystemProxy,
        onProgress: this.#guarded('progress', options.onProgress),
        onPartDone: this.#guarded('part-done', options.onPartDone),
        onRetry: this.#guarded('retry', options.onRetry),
      }),
    );
  }

  #run<T>(
    what: string,
    options: { signal?: AbortSignal },
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.#controller.signal])
      : this.#controller.signal;
    if (signal.aborted) return Promise.reject(abortedError(what));
    const running = work(signal);
    this.#running.add(running);
    void running.then(
      () => this.#running.delete(running),
      () => this.#running.delete(running),
    );
    return running;
  }

  /** A caller's callback must not fail the transfer it is told about (as with a worker). */
  #guarded<A>(event: string, callback: ((arg: A) => void) | undefined): (arg: A) => void {
    return (arg) => {
      try {
        callback?.(arg);
      } catch (error) {
        this.#logger.error('an upload callback threw', {
          worker: 'in-thread',
          event,
          error: String(error),
        });
      }
    };
  }
}
