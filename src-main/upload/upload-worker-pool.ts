// The engine's transfer workers, kept between jobs: starting a worker thread costs about
// 90 ms. A job borrows a worker and gives it back when it ends; a worker that failed or exited
// is dropped and the next job gets a new one. Idle workers are unref'd (they never keep a
// process alive), and close() ends them all. A file of one part needs no worker at all: lend()
// sends it from the engine's thread (in-thread-transfer.ts).
import type { SystemProxyAsker } from '../network/index.js';
import { IN_THREAD_MAX_BYTES, InThreadTransfer } from './in-thread-transfer.js';
import { SharedRateLimit } from './shared-rate-limit.js';
import type { TransferLease } from './transfer.js';
import { UploadError } from './upload-error.js';
import { UploadWorker, type UploadLogger } from './upload-worker.js';

export interface UploadWorkerPoolOptions {
  /** Idle workers kept for the next jobs (the engine's job concurrency); more are ended. */
  maxIdle: number;
  /** Each worker is named `<name> <n>` in its thread title and log lines; default `upload`. */
  name?: string;
  logger?: UploadLogger;
  /** The engine's bandwidth cap, shared by every worker of the pool; none: uncapped. */
  rateLimit?: SharedRateLimit;
  /** The system's proxy for a storage origin, asked on this thread for its transfers. */
  askSystemProxy?: SystemProxyAsker;
}

/** One job's use of a pooled worker. */
export interface WorkerLease {
  readonly worker: UploadWorker;
  /** Hands the worker back (cancelling what still runs on it); later calls do nothing. */
  giveBack(): Promise<void>;
}

export interface WorkerPoolStats {
  /** Workers started since the pool was made. */
  started: number;
  idle: number;
  lent: number;
}

/** How long a worker given back with work still running may take to end it. */
const CANCEL_TIMEOUT_MS = 5000;

const silentLogger: UploadLogger = { info() {}, warn() {}, error() {} };

export class UploadWorkerPool {
  readonly #name: string;
  readonly #logger: UploadLogger;
  readonly #rateLimit: SharedRateLimit;
  readonly #askSystemProxy: SystemProxyAsker | undefined;
  #maxIdle: number;
  /** Most recently given back last: the next job takes the warmest thread. */
  readonly #idle: UploadWorker[] = [];
  readonly #lent = new Set<UploadWorker>();
  /** Workers being ended, so that close() waits for them too. */
  readonly #ending = new Set<Promise<void>>();
  #started = 0;
  #closed = false;

  constructor(options: UploadWorkerPoolOptions) {
    this.#name = options.name ?? 'upload';
    this.#logger = options.logger ?? silentLogger;
    this.#rateLimit = options.rateLimit ?? new SharedRateLimit();
    this.#askSystemProxy = options.askSystemProxy;
    this.#maxIdle = checkMaxIdle(options.maxIdle);
  }

  get stats(): WorkerPoolStats {
    return { started: this.#started, idle: this.#idle.length, lent: this.#lent.size };
  }

  /** Changes how many idle workers are kept; extra idle ones end now. */
  setMaxIdle(maxIdle: number): void {
    this.#maxIdle = checkMaxIdle(maxIdle);
    for (const extra of this.#idle.splice(0, Math.max(0, this.#idle.length - this.#maxIdle))) {
      void this.#end(extra);
    }
  }

  /**
   * Starts a worker ahead of a job for a file of `fileSize` bytes, so that its start overlaps
   * with the job's first Admin API requests; does nothing when the pool has one already, or
   * when the file is small enough to need none.
   */
  warm(fileSize: number): void {
    if (fileSize <= IN_THREAD_MAX_BYTES) return;
    if (this.#closed || this.#idle.length + this.#lent.size > 0) return;
    this.#idle.push(this.#start());
  }

  /** What moves a file of `fileSize` bytes: this thread for a small one, else a worker. */
  lend(fileSize: number): TransferLease {
    if (fileSize > IN_THREAD_MAX_BYTES) {
      const lease = this.borrow();
      return { transfer: lease.worker, giveBack: lease.giveBack };
    }
    this.#refuseWhenClosed();
    // One per lease: giving it back aborts what still runs on it for good.
    const transfer = new InThreadTransfer({
      rateLimit: this.#rateLimit,
      logger: this.#logger,
      askSystemProxy: this.#askSystemProxy,
    });
    return { transfer, giveBack: () => transfer.cancelAll() };
  }

  /** An idle worker, or a new one; the caller gives it back through the lease. */
  borrow(): WorkerLease {
    this.#refuseWhenClosed();
    const worker = this.#idle.pop() ?? this.#start();
    this.#lent.add(worker);
    let given = false;
    return {
      worker,
      giveBack: async () => {
        if (given) return;
        given = true;
        await this.#giveBack(worker);
      },
    };
  }

  /** Ends every worker, idle or lent (what runs on a lent one is aborted). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const worker of [...this.#idle.splice(0), ...this.#lent]) void this.#end(worker);
    this.#lent.clear();
    while (this.#ending.size > 0) await Promise.all(this.#ending);
  }

  #refuseWhenClosed(): void {
    if (this.#closed) {
      throw new UploadError('worker_failed', 'The upload workers have been shut down.');
    }
  }

  #start(): UploadWorker {
    this.#started += 1;
    const worker = UploadWorker.start({
      name: `${this.#name} ${this.#started}`,
      logger: this.#logger,
      rateLimit: this.#rateLimit,
      askSystemProxy: this.#askSystemProxy,
    });
    // A worker that dies while idle is dropped at once (its exit is logged by the worker).
    void worker.exited.then(() => {
      const at = this.#idle.indexOf(worker);
      if (at >= 0) this.#idle.splice(at, 1);
    });
    return worker;
  }

  async #giveBack(worker: UploadWorker): Promise<void> {
    // Normally the job's work was aborted before the job let go of its worker; wait for the
    // thread to say it stopped, so the next job starts on a quiet thread.
    if (worker.busy && !(await worker.cancelAll({ timeoutMs: CANCEL_TIMEOUT_MS }))) {
      this.#logger.warn('upload worker did not stop its work in time; ending it', {
        worker: worker.name,
      });
    }
    if (!this.#lent.delete(worker)) return; // close() ended it meanwhile
    if (this.#closed || !worker.usable || worker.busy || this.#idle.length >= this.#maxIdle) {
      await this.#end(worker);
      return;
    }
    this.#idle.push(worker);
  }

  #end(worker: UploadWorker): Promise<void> {
    const ending = worker.terminate();
    this.#ending.add(ending);
    void ending.finally(() => this.#ending.delete(ending));
    return ending;
  }
}

function checkMaxIdle(maxIdle: number): number {
  if (!Number.isInteger(maxIdle) || maxIdle < 1) {
    throw new RangeError(`maxIdle must be a whole number of at least 1 (got ${maxIdle}).`);
  }
  return maxIdle;
}
