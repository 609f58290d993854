// The engine's upload side: the persistent queue, its scheduler and the workflow that runs
// each job, against one workspace (a Peridio profile, the environment, or the local server).
import path from 'node:path';
import { PeridioClient } from '../peridio/index.js';
import {
  ConnectivityMonitor,
  JobStore,
  Scheduler,
  type Job,
  type JobOrigin,
  type JobOutcome,
  type JobStep,
  type SigningKeyRef,
} from '../queue/index.js';
import { UploadWorker, type ApiConnection, type TransferProgress } from '../upload/index.js';
import { uploadJobRunner, type Signer } from '../workflow/index.js';
import { checkUploadInput } from './upload-input.js';

export type EngineEvent =
  | { type: 'job:queued'; job: Job }
  | { type: 'job:step'; jobId: string; step: JobStep; message: string }
  | { type: 'job:progress'; jobId: string; progress: TransferProgress }
  | { type: 'job:ended'; job: Job; outcome: JobOutcome }
  | { type: 'connectivity:changed'; online: boolean; reason: string | null };

export interface UploadEngineOptions {
  /** The app's data folder: the queue lives in it. */
  dataDir: string;
  connection: ApiConnection;
  /** Names the workspace in the queue, so jobs and hashes stay with their server. */
  workspace: string;
  resolveSigner: (ref: SigningKeyRef) => Promise<Signer>;
  /** Jobs at once, and parts in flight per job. */
  jobConcurrency?: number;
  partConcurrency?: number;
  onEvent?: (event: EngineEvent) => void;
  /** Test knobs: how fast to probe an unreachable server and to look for new jobs. */
  probeDelayMs?: { initial: number; max: number };
  pollMs?: number;
}

export class UploadEngine {
  readonly store: JobStore;
  readonly client: PeridioClient;
  readonly connectivity: ConnectivityMonitor;
  private scheduler: Scheduler | undefined;

  constructor(private readonly options: UploadEngineOptions) {
    this.store = JobStore.open(path.join(options.dataDir, 'queue.sqlite'));
    const { connection } = options;
    this.client = new PeridioClient({
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      ...(connection.caPems ? { caPems: connection.caPems } : {}),
      ...(connection.apiVersion ? { apiVersion: connection.apiVersion } : {}),
      // Give up on an unreachable server soon: the job then waits and the monitor probes.
      retry: { maxAttempts: 3, maxDelayMs: 4000 },
    });
    this.connectivity = new ConnectivityMonitor({
      probe: async (signal) => {
        await this.client.users.me({ signal, timeoutMs: 10_000 });
      },
      initialDelayMs: options.probeDelayMs?.initial ?? 1000,
      maxDelayMs: options.probeDelayMs?.max ?? 60_000,
      onChange: (online, reason) => this.emit({ type: 'connectivity:changed', online, reason }),
    });
  }

  /** The workspace this engine's jobs go to. */
  get workspace(): string {
    return this.options.workspace;
  }

  private emit(event: EngineEvent): void {
    this.options.onEvent?.(event);
  }

  /**
   * Checks the request and stores the job; it is on disk when this resolves. `origin` tells
   * where a copy came from and its hash, when the caller knows them (the watcher).
   */
  async enqueue(input: unknown, origin: JobOrigin = {}): Promise<Job> {
    const checked = await checkUploadInput(input);
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
      concurrency: o.jobConcurrency ?? 2,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(options.onlyJobIds ? { onlyJobIds: options.onlyJobIds } : {}),
      runJob: uploadJobRunner({
        store: this.store,
        client: this.client,
        connection: o.connection,
        startWorker: () => UploadWorker.start({ name: 'peridio-desk upload' }),
        resolveSigner: o.resolveSigner,
        concurrency: o.partConcurrency ?? 4,
        onProgress: (jobId, progress) => this.emit({ type: 'job:progress', jobId, progress }),
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
    this.stop();
    this.connectivity.stop();
    this.client.close();
    this.store.close();
  }
}
