// The watch agent: every rule's folder under watch, each settled file through the intake to
// a job in the engine's queue, and the engine's job events told back with the file they came
// from. The engine runs the queue; the agent only feeds it (and cleans the spool after it).
import { UploadWorker, type HashedFile } from '../upload/index.js';
import type { EngineEvent } from '../queue/index.js';
import type { WatchRule } from '../settings/index.js';
import { ArtifactVersionFinder } from './artifact-version-finder.js';
import { FileIntake, type IntakeRule } from './file-intake.js';
import { ruleFolderMatcher, ruleMatcher } from './rule-matcher.js';
import { resolveArtifactVersion, resolveTarget } from './rule-resolution.js';
import { RuleWatcher } from './rule-watcher.js';
import { Spool } from './spool.js';
import type { WatchEngine } from './watch-engine.js';
import type { WatchEvent } from './watch-events.js';

export interface WatchAgentOptions {
  engine: WatchEngine;
  rules: readonly WatchRule[];
  /** The app's data folder: the spool lives in it. */
  dataDir: string;
  onEvent: (event: WatchEvent) => void;
  /** Files worked on at once, and hashed at once (see FileIntake). */
  intakeConcurrency?: number;
  hashConcurrency?: number;
  /** How often a rule looks at its folder (gone, unreadable, back); default 1 s. */
  healthPollMs?: number;
  /** Spool entries no job uses are swept at start once this old; default 5 min, so that a
   * copy another process just made (and has not queued yet) is left alone. */
  spoolSweepAgeMs?: number;
}

function intakeRule(rule: WatchRule): IntakeRule {
  return {
    name: rule.name,
    spool: rule.spool,
    replace: rule.replace,
    signingKey: rule.signingKey,
    target: (file) => resolveTarget(rule, file),
    version: (file) => resolveArtifactVersion(rule, file),
  };
}

export class WatchAgent {
  readonly spool: Spool;
  private readonly intake: FileIntake;
  private readonly watchers: RuleWatcher[] = [];
  private hasher: UploadWorker | undefined;
  private running = false;

  constructor(private readonly options: WatchAgentOptions) {
    this.spool = new Spool(options.dataDir);
    this.intake = new FileIntake({
      engine: options.engine,
      spool: this.spool,
      versions: new ArtifactVersionFinder(options.engine.client),
      hash: (file) => this.hash(file),
      emit: options.onEvent,
      ...(options.intakeConcurrency ? { concurrency: options.intakeConcurrency } : {}),
      ...(options.hashConcurrency ? { hashConcurrency: options.hashConcurrency } : {}),
    });
  }

  /** Files seen but not yet queued or skipped. */
  get pendingFiles(): number {
    return this.intake.pending;
  }

  /** Sweeps the spool, then watches every rule that is not paused; resolves once each
   * watched folder's existing files have been reported. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { engine, onEvent } = this.options;
    // A failed or cancelled job may be retried, so its copy stays; a done one needs none.
    await this.spool.sweep(engine.store.pathsInUse(), this.options.spoolSweepAgeMs ?? 5 * 60_000);
    await Promise.all(
      this.options.rules.map(async (rule) => {
        if (rule.paused) {
          onEvent({
            type: 'rule:paused',
            rule: rule.name,
            folder: rule.folder,
            reason: 'is paused in the rule’s settings',
          });
          return;
        }
        const forIntake = intakeRule(rule);
        const watcher = new RuleWatcher(
          {
            name: rule.name,
            folder: rule.folder,
            recursive: rule.recursive,
            settleMs: rule.settleMs,
            matcher: ruleMatcher(rule),
            folderMatcher: ruleFolderMatcher(rule),
            ...(this.options.healthPollMs ? { healthPollMs: this.options.healthPollMs } : {}),
          },
          {
            file: (file, stats) => this.intake.offer(forIntake, file, stats),
            ignored: (file, reason) =>
              onEvent({ type: 'file:ignored', rule: rule.name, path: file, reason }),
            paused: (reason) =>
              onEvent({ type: 'rule:paused', rule: rule.name, folder: rule.folder, reason }),
            resumed: () => onEvent({ type: 'rule:resumed', rule: rule.name, folder: rule.folder }),
            warning: (message) =>
              onEvent({ type: 'rule:warning', rule: rule.name, folder: rule.folder, message }),
          },
        );
        this.watchers.push(watcher);
        await watcher.start();
      }),
    );
  }

  /** Takes no new files; resolves once the files being worked on are queued or skipped. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.watchers.splice(0).map((watcher) => watcher.stop()));
    await this.intake.stop();
    const hasher = this.hasher;
    this.hasher = undefined;
    await hasher?.terminate();
  }

  /** The engine's events, as the agent tells them (pass every engine event here). */
  engineEvent(event: EngineEvent): void {
    const { onEvent } = this.options;
    switch (event.type) {
      case 'job:progress':
        onEvent({ type: 'job:progress', jobId: event.jobId, progress: event.progress });
        break;
      case 'job:ended': {
        const { job } = event;
        const path = job.sourcePath ?? job.request.path;
        if (job.status === 'done') {
          this.dropCopy(job.request.path);
          onEvent({
            type: 'job:done',
            jobId: job.id,
            path,
            binaryPrn: job.binaryPrn,
            state: job.binaryState,
          });
        } else if (job.status === 'failed' && job.error) {
          onEvent({
            type: 'job:failed',
            jobId: job.id,
            path,
            binaryPrn: job.binaryPrn,
            error: job.error,
          });
        }
        break;
      }
      case 'connectivity:changed':
        onEvent({ type: 'connectivity:changed', online: event.online, reason: event.reason });
        if (event.online) this.intake.serverIsBack();
        break;
      case 'job:queued':
      case 'job:step':
      case 'queue:stalled':
      case 'engine:error':
        break;
    }
  }

  /** Signed (or signable without a key): the server holds the content, so the job's spool
   * copy and its cached hash can go (a copy left behind goes at the next start's sweep). */
  private dropCopy(copy: string): void {
    if (!this.spool.holds(copy)) return;
    const { engine } = this.options;
    try {
      engine.store.forgetHash(copy, engine.workspace);
    } catch {
      // The cache's cap takes it out in time; the copy still goes.
    }
    void this.spool.remove(copy).catch(() => {});
  }

  /** In one worker thread for the whole agent, replaced when it dies. */
  private async hash(file: string): Promise<HashedFile> {
    this.hasher ??= UploadWorker.start({ name: 'peridio-desk watch hash' });
    const hasher = this.hasher;
    try {
      return await hasher.hash(file);
    } catch (error) {
      if ((error as { code?: string }).code === 'worker_failed' && this.hasher === hasher) {
        this.hasher = undefined;
        void hasher.terminate();
      }
      throw error;
    }
  }
}
