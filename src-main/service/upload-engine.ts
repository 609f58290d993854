// The engine's upload side: the persistent queue, its scheduler and the workflow that runs
// each job, against one workspace (a Peridio profile, the environment, or the local server).
import path from 'node:path';
import { messageLogger, silentLogger, type EngineLogger } from '../logging/index.js';
import { PeridioClient, type ConnectionWords } from '../peridio/index.js';
import {
  ConnectivityMonitor,
  JobConcurrency,
  JobStore,
  Scheduler,
  type EngineEvent,
  type Job,
  type JobOrigin,
  type JobRetention,
  type SigningKeyRef,
} from '../queue/index.js';
import {
  DEFAULT_STALL_TIMEOUT_MS,
  SharedRateLimit,
  type PartRetryNotice,
  UploadWorkerPool,
  type ApiConnection,
} from '../upload/index.js';
import type { SystemProxyAsker } from '../network/index.js';
import { uploadJobRunner, type Signer } from '../workflow/index.js';
import { checkUploadInput } from './upload-input.js';

export interface UploadEngineOptions {
  /** The app's data folder: the queue lives in it. */
  dataDir: string;
  connection: ApiConnection;
  /** The system's proxy for the storage origins the connection's plan has no answer for (the
   * desktop app's), asked on this thread for the upload workers. */
  askSystemProxy?: SystemProxyAsker;
  /** How failure messages name the connection's settings (PERIDIO_API_KEY, a profile's). */
  connectionWords?: ConnectionWords;
  /** Names the workspace in the queue, so jobs and hashes stay with their server. */
  workspace: string;
  resolveSigner: (ref: SigningKeyRef) => Promise<Signer>;
  /** The PRN a signing key is registered as, known without its private half (undefined: not
   * known; the job finds out when it signs). */
  signingKeyPrn: (ref: SigningKeyRef) => string | undefined;
  /** Checks a job's signing key before the job is stored (a refusal queues nothing). */
  checkSigningKey?: (ref: SigningKeyRef) => Promise<unknown>;
  /** Jobs at once (`--jobs`, the preference; adaptive unless given), and parts in flight per job. */
  jobConcurrency?: number | null;
  partConcurrency?: number;
  onEvent?: (event: EngineEvent) => void;
  /** Test knobs: how fast to probe an unreachable server and to look for new jobs. */
  probeDelayMs?: { initial: number; max: number };
  pollMs?: number;
  /** Test knobs: how long a queue write waits for a lock, and the delays after a failed turn. */
  queueBusyTimeoutMs?: number;
  queueRetryMs?: { initial: number; max: number };
  /** The bandwidth cap for the sum of all part PUTs, in bytes per second; null or unset: none. */
  maxBytesPerSecond?: number | null;
  /** A part PUT that moves no bytes for this long is cut off and sent again (the preference);
   * the upload room's default (a minute) unless given. */
  stallTimeoutMs?: number;
  /** Opens the queue for looking only (`queue list`): nothing is written, nothing pruned. */
  readOnlyQueue?: boolean;
  /** How long and how many finished jobs are kept (the preference); pruned at open and
   * every minute. */
  retention?: JobRetention;
  logger?: EngineLogger;
}

const PRUNE_EVERY_MS = 60_000;

/** Part retries that mean the server (the store or the Admin API) asked to slow down. */
const PUSH_BACK_REASONS: ReadonlySet<PartRetryNotice['reason']> = new Set([
  'server_error',
  'api_unavailable',
]);

export class UploadEngine {
  readonly store: JobStore;
  readonly client: PeridioClient;
  readonly connectivity: ConnectivityMonitor;
  /** One bucket for every worker this engine starts, so the cap holds for their sum. */
  private readonly rateLimit = new SharedRateLimit();
  /** Transfer workers lent to jobs and kept between them (a thread start costs ~90 ms). */
  readonly workers: UploadWorkerPool;
  /** Read as each transfer starts. */
  private stallTimeout: number;
  private scheduler: Scheduler | undefined;
  readonly jobConcurrency: JobConcurrency;
  private readonly logger: EngineLogger;
  private readonly pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UploadEngineOptions) {
    this.logger = options.logger ?? silentLogger();
    this.jobConcurrency = new JobConcurrency({ fixed: options.jobConcurrency ?? null });
    this.store = JobStore.open(path.join(options.dataDir, 'queue.sqlite'), {
      ...(options.queueBusyTimeoutMs !== undefined
        ? { busyTimeoutMs: options.queueBusyTimeoutMs }
        : {}),
      ...(options.readOnlyQueue ? { readOnly: true } : {}),
      onRecovered: (notice) => {
        this.logger.child({ module: 'queue' }).error(notice);
        this.emit({ type: 'engine:error', source: 'queue', message: notice });
      },
    });
    const { connection } = options;
    this.client = new PeridioClient({
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      ...(connection.caPems ? { caPems: connection.caPems } : {}),
      ...(connection.proxy ? { proxy: connection.proxy } : {}),
      ...(connection.apiVersion ? { apiVersion: connection.apiVersion } : {}),
      ...(options.connectionWords ? { words: options.connectionWords } : {}),
      // Give up on an unreachable server soon: the job then waits and the monitor probes.
      retry: { maxAttempts: 3, maxDelayMs: 4000 },
      // 429, 503 and the gateways' answers: fewer jobs at once for a while.
      onRetry: ({ status }) => {
        if (status !== undefined) this.jobConcurrency.pushedBack();
      },
    });
    this.connectivity = new ConnectivityMonitor({
      probe: async (signal) => {
        await this.client.users.me({ signal, timeoutMs: 10_000 });
      },
      initialDelayMs: options.probeDelayMs?.initial ?? 1000,
      maxDelayMs: options.probeDelayMs?.max ?? 60_000,
      onChange: (online, reason) => this.emit({ type: 'connectivity:changed', online, reason }),
      onError: (message) => this.emit({ type: 'engine:error', source: 'connectivity', message }),
      logger: this.logger,
    });
    this.rateLimit.setBytesPerSecond(options.maxBytesPerSecond ?? null);
    this.workers = new UploadWorkerPool({
      name: 'peridio-desk upload',
      maxIdle: idleWorkersFor(options.jobConcurrency ?? null),
      rateLimit: this.rateLimit,
      ...(options.askSystemProxy ? { askSystemProxy: options.askSystemProxy } : {}),
      logger: messageLogger(this.logger.child({ module: 'upload-worker' })),
    });
    this.stallTimeout = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    if (!options.readOnlyQueue) {
      this.pruneFinished();
      this.pruneTimer = setInterval(() => this.pruneFinished(), PRUNE_EVERY_MS);
      this.pruneTimer.unref();
    }
  }

  /** Keeps the queue small: finished jobs beyond the retention go, every minute (an agent
   * finishes thousands of jobs an hour, each a few KB of rows); logged. */
  private pruneFinished(): void {
    const retention = this.options.retention ?? { keepDays: 30, keepLast: 1000 };
    const log = this.logger.child({ module: 'retention' });
    try {
      const pruned = this.store.pruneFinished(retention);
      if (pruned > 0) log.info({ pruned, ...retention }, 'pruned finished jobs');
    } catch (error) {
      log.warn({ err: error }, 'finished jobs could not be pruned; trying again in a minute');
    }
  }

  /** The bandwidth cap in bytes per second (null: none). */
  get maxBytesPerSecond(): number | null {
    return this.rateLimit.bytesPerSecond;
  }

  /** Changes the cap; running uploads follow it at their next write (within 100 ms). */
  setMaxBytesPerSecond(bytesPerSecond: number | null): void {
    this.rateLimit.setBytesPerSecond(bytesPerSecond);
    this.logger
      .child({ module: 'bandwidth' })
      .info({ maxBytesPerSecond: bytesPerSecond }, 'bandwidth cap changed');
  }

  /**
   * Changes the stall timeout for the transfers started from now on. A transfer running now
   * keeps the one it started with (its worker has it); the job's next transfer (after a pause,
   * or a wait for the server) takes the new one.
   */
  setStallTimeoutMs(ms: number): void {
    if (ms === this.stallTimeout) return;
    this.stallTimeout = ms;
    this.logger
      .child({ module: 'stall-timeout' })
      .info({ stallTimeoutMs: ms }, 'stall timeout changed');
  }

  /** Jobs at once from now on: a fixed number, or null to adapt (the preference changed). */
  setJobConcurrency(jobs: number | null): void {
    this.jobConcurrency.setFixed(jobs);
    this.workers.setMaxIdle(idleWorkersFor(jobs));
    this.scheduler?.wake();
    this.logger.child({ module: 'job-concurrency' }).info({ jobs }, 'job concurrency changed');
  }

  /** The workspace this engine's jobs go to. */
  get workspace(): string {
    return this.options.workspace;
  }

  private emit(event: EngineEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      // A face's listener must not break the loop that told it.
      this.logger.error({ err: error, event: event.type }, 'an engine event listener threw');
    }
  }

  /**
   * Checks the request and stores the job; it is on disk when this resolves. `origin` tells
   * where a copy came from and its hash, when the caller knows them (the watcher).
   */
  async enqueue(input: unknown, origin: JobOrigin = {}): Promise<Job> {
    const checked = await checkUploadInput(input);
    // A job is coming: a worker it needs starts now, beside the signing key's request and the
    // job's first ones, instead of after them (a thread takes about 100 ms to start).
    this.workers.warm(checked.file.size);
    if (checked.signingKey && this.options.checkSigningKey) {
      await this.options.checkSigningKey(checked.signingKey);
    }
    const job = this.store.enqueue(
      {
        path: checked.path,
        artifactVersionPrn: checked.artifactVersionPrn,
        target: checked.target,
        signingKey: checked.signingKey,
        replace: checked.replace,
        workspace: this.options.workspace,
      },
      checked.file,
      origin,
    );
    this.emit({ type: 'job:queued', job });
    this.scheduler?.wake();
    return job;
  }

  signingKeyPrn(ref: SigningKeyRef): string | undefined {
    return this.options.signingKeyPrn(ref);
  }

  /**
   * Runs the queue (or only `onlyJobIds`) until nothing in scope is left to do; with
   * `forever`, until `stop()`.
   */
  async run(options: { onlyJobIds?: readonly string[]; forever?: boolean } = {}): Promise<void> {
    if (this.scheduler) throw new Error('the queue is already running');
    const { options: o } = this;
    this.scheduler = new Scheduler({
      store: this.store,
      workspace: o.workspace,
      connectivity: this.connectivity,
      jobConcurrency: this.jobConcurrency,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(o.queueRetryMs ? { retryMs: o.queueRetryMs } : {}),
      logger: this.logger,
      onStall: (stall) => this.emit({ type: 'queue:stalled', stall }),
      onError: (message) => this.emit({ type: 'engine:error', source: 'queue', message }),
      ...(options.onlyJobIds ? { onlyJobIds: options.onlyJobIds } : {}),
      runJob: uploadJobRunner({
        store: this.store,
        client: this.client,
        connection: o.connection,
        lendTransfer: (fileSize) => this.workers.lend(fileSize),
        resolveSigner: o.resolveSigner,
        concurrency: o.partConcurrency ?? 4,
        stallTimeoutMs: () => this.stallTimeout,
        onProgress: (jobId, progress) => this.emit({ type: 'job:progress', jobId, progress }),
        // Info, not a warning: a part sent again is the uploader doing its job, and a run that
        // goes well leaves stderr empty; a part that runs out of tries fails the job loudly.
        onPartRetry: (jobId, { message, ...notice }) => {
          if (PUSH_BACK_REASONS.has(notice.reason)) this.jobConcurrency.pushedBack();
          this.logger
            .child({ module: 'upload' })
            .info({ jobId, ...notice }, `sending part ${notice.partIndex} again: ${message}`);
        },
        onStep: (jobId, step, message) => this.emit({ type: 'job:step', jobId, step, message }),
      }),
      onJobEnd: (job, outcome) => this.emit({ type: 'job:ended', job, outcome }),
    });
    this.scheduler.start();
    if (!options.forever) await this.scheduler.idle();
    else await this.stopped;
    await this.scheduler.stop();
    this.scheduler = undefined;
  }

  private requestStop: () => void = () => {};
  private readonly stopped = new Promise<void>((resolve) => (this.requestStop = resolve));

  /** Ends `run`: running jobs checkpoint and go back in line. */
  stop(): void {
    this.requestStop();
    void this.scheduler?.stop();
  }

  pause(id: string): Job {
    const job = this.store.pause(id);
    this.scheduler?.interrupt(id);
    return job;
  }

  resume(id: string): Job {
    const job = this.store.resume(id);
    this.scheduler?.wake();
    return job;
  }

  retry(id: string): Job {
    const job = this.store.retry(id);
    this.scheduler?.wake();
    return job;
  }

  cancel(id: string): Job {
    const job = this.store.cancel(id);
    this.scheduler?.interrupt(id);
    return job;
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.stop();
    this.connectivity.stop();
    this.client.close();
    this.store.close();
    await this.workers.close();
  }
}

/**
 * Idle transfer workers kept for the next jobs: one per job at once when that is fixed; when it
 * adapts, two (it lets two big files run at once, and a small file needs no worker).
 */
function idleWorkersFor(jobs: number | null): number {
  return jobs ?? 2;
}
