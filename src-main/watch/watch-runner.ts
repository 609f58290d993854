// The watch folders of one open workspace, for the desk service: a WatchAgent over the
// workspace's own engine, fed the rules kept in the settings, and started again whenever a
// rule is saved, removed, paused or resumed. The agent takes its rules once, at start, so a
// change restarts it as a whole; that is cheap: the files being taken in are queued first,
// and hashes are cached in the queue, so the files already there are only checked again.
// Statuses and counters are read off the agent's events by the board and told to the faces:
// `changed` with every rule on a status change, file events in bounded batches. Rules are
// kept for every workspace alike; one whose artifact belongs to another organization than
// the workspace's is held back (stopped, with the reason) instead of failing every upload.
import type { EventPayloads, WatchRuleView } from '../../src-preload/contract.js';
import { silentLogger, type EngineLogger } from '../logging/index.js';
import { parsePrn } from '../peridio/index.js';
import type { EngineEvent } from '../queue/index.js';
import type { WatchRule } from '../settings/index.js';
import { WatchAgent, type WatchAgentOptions } from './watch-agent.js';
import { WatchBoard } from './watch-board.js';
import type { WatchEngine } from './watch-engine.js';
import type { WatchEvent } from './watch-events.js';
import { FileBatches } from './watch-file-batches.js';

export type WatchFilesPayload = EventPayloads['watch:files'];

export interface WatchRunnerOptions {
  engine: WatchEngine;
  /** The app's data folder (the agent's spool is in it). */
  dataDir: string;
  /** The rules as the settings hold them now. */
  rules: () => WatchRule[];
  /** False when the engine runs no queue: nothing is watched and every rule is `off`. */
  active: boolean;
  /** The workspace's organization PRN. Rules are kept for every workspace alike, so a rule
   * whose artifact belongs to another organization is not watched here (its every upload
   * would fail). When it cannot be asked (offline), no rule is held back. */
  organizationPrn?: () => Promise<string>;
  onChanged(rules: WatchRuleView[]): void;
  onFiles(batch: WatchFilesPayload): void;
  /** Every event of the current agent, as it happens (the CLI agent prints each). */
  onEvent?(event: WatchEvent): void;
  logger?: EngineLogger;
  /** Test knobs for the agent, and for the file batches. */
  agent?: Pick<WatchAgentOptions, 'healthPollMs' | 'intakeConcurrency' | 'hashConcurrency'>;
  batchMs?: number;
}

/** How long a command waits for the agent to have looked at the folders before it answers. */
const ANSWER_WITHIN_MS = 2000;
/** How long the workspace's organization is asked for before watching goes on without it. */
const ORGANIZATION_WITHIN_MS = 3000;

function organizationIdOf(prn: string | undefined): string | undefined {
  const parsed = parsePrn(prn);
  return parsed.ok ? parsed.prn.organizationId : undefined;
}

/** The organization of the artifact (version) a rule's files go to. */
function ruleOrganization(rule: WatchRule): string | undefined {
  return organizationIdOf(rule.artifactVersionPrn ?? rule.artifactVersion?.artifactPrn);
}

const OFF_REASON =
  'this engine runs no upload queue (it only answers commands), so no folder is watched';

export class WatchRunner {
  private readonly board = new WatchBoard();
  private readonly batches: FileBatches;
  private agent: WatchAgent | undefined;
  /** The agent that told the last events; finished jobs are told to it even after a stop. */
  private lastAgent: WatchAgent | undefined;
  private started: Promise<void> = Promise.resolve();
  private generation = 0;
  private organizationId: string | undefined;
  private turn: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly log: EngineLogger;

  constructor(private readonly options: WatchRunnerOptions) {
    this.log = (options.logger ?? silentLogger()).child({ module: 'watch' });
    this.batches = new FileBatches({
      send: (batch) =>
        options.onFiles({
          files: batch.files,
          omitted: batch.omitted,
          counters: batch.rules.map((rule) => ({
            rule,
            counters: { ...this.board.entry(rule).counters },
          })),
        }),
      ...(options.batchMs !== undefined ? { intervalMs: options.batchMs } : {}),
    });
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Every rule in the settings, with its status. */
  list(): WatchRuleView[] {
    return this.options.rules().map((rule) => this.viewOf(rule));
  }

  view(name: string): WatchRuleView | undefined {
    const rule = this.options.rules().find((candidate) => candidate.name === name);
    return rule && this.viewOf(rule);
  }

  /**
   * Watches the rules the settings hold now, replacing the agent that watched the previous
   * ones. Resolves once the new agent has looked at every folder (or after 2 s, when a big
   * folder takes longer; `watch:changed` tells the rest).
   */
  async reload(): Promise<void> {
    const restart = this.turn.then(() => this.restart());
    this.turn = restart.catch(() => {});
    await restart;
    await Promise.race([
      this.started,
      new Promise((resolve) => setTimeout(resolve, ANSWER_WITHIN_MS).unref()),
    ]);
  }

  /** A word about a rule for the faces, shown as its last message (a check that waits). */
  note(rule: string, text: string): void {
    this.board.note(rule, text);
    this.log.info({ rule }, text);
    this.tellChanged();
  }

  /** Pass every engine event here: the agent cleans its spool after finished jobs. */
  engineEvent(event: EngineEvent): void {
    this.lastAgent?.engineEvent(event);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.turn;
    await this.stopAgent();
    this.batches.flush();
  }

  private viewOf(rule: WatchRule): WatchRuleView {
    const entry = this.board.entry(rule.name);
    const [status, reason] = !this.options.active
      ? (['off', OFF_REASON] as const)
      : rule.paused
        ? (['paused', 'paused by a person; resume the rule to watch its folder again'] as const)
        : ([entry.status, entry.reason] as const);
    return {
      // A copy: a face in the same process cannot change the rule being watched.
      settings: structuredClone(rule),
      status,
      reason,
      counters: { ...entry.counters },
      lastMessage: entry.lastMessage && { ...entry.lastMessage },
    };
  }

  private async stopAgent(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    if (!agent) return;
    // An agent stopped halfway through its start would go on to open its watchers.
    await this.started.catch(() => {});
    await agent.stop();
  }

  private async restart(): Promise<void> {
    if (this.closed) return;
    if (!this.options.active) {
      this.tellChanged();
      return;
    }
    await this.stopAgent();
    const generation = ++this.generation;
    const rules = this.options.rules();
    this.board.keepOnly(rules.map((rule) => rule.name));
    const organization = await this.workspaceOrganization();
    const watched: WatchRule[] = [];
    for (const rule of rules) {
      if (rule.paused) continue;
      const other = ruleOrganization(rule);
      if (organization !== undefined && other !== undefined && other !== organization) {
        this.board.setStatus(
          rule.name,
          'stopped',
          `its artifact belongs to organization ${other}, not to this workspace’s (${organization}); ` +
            'switch to that workspace, or edit the rule',
        );
        continue;
      }
      watched.push(rule);
      this.board.setStatus(rule.name, 'starting', null);
    }
    if (watched.length === 0) {
      this.started = Promise.resolve();
      this.tellChanged();
      return;
    }
    const agent = new WatchAgent({
      engine: this.options.engine,
      rules: watched,
      dataDir: this.options.dataDir,
      onEvent: (event) => this.agentEvent(event, generation),
      ...this.options.agent,
    });
    this.agent = agent;
    this.lastAgent = agent;
    this.tellChanged();
    this.started = agent.start().then(
      () => this.settle(generation, watched, null),
      (error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        this.log.error({ err: error }, `could not start watching: ${why}`);
        this.settle(generation, watched, `could not start watching: ${why}`);
      },
    );
  }

  /** The workspace's organization id, asked once (a workspace keeps its organization). */
  private async workspaceOrganization(): Promise<string | undefined> {
    const ask = this.options.organizationPrn;
    if (this.organizationId !== undefined || !ask) return this.organizationId;
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      ask().catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ORGANIZATION_WITHIN_MS);
      }),
    ]);
    clearTimeout(timer);
    this.organizationId = organizationIdOf(answer);
    return this.organizationId;
  }

  /** The agent has looked at every folder: those not reported stopped are watched. */
  private settle(generation: number, rules: WatchRule[], failure: string | null): void {
    if (generation !== this.generation) return;
    let changed = false;
    for (const rule of rules) {
      if (this.board.entry(rule.name).status !== 'starting') continue;
      changed =
        this.board.setStatus(rule.name, failure ? 'stopped' : 'watching', failure) || changed;
    }
    if (changed) this.tellChanged();
  }

  private agentEvent(event: WatchEvent, generation: number): void {
    this.logEvent(event);
    if (generation === this.generation) this.options.onEvent?.(event);
    const update = this.board.take(event, generation === this.generation && !this.closed);
    if (update.file) this.batches.add(update.file);
    if (update.statusChanged) this.tellChanged();
  }

  /** What a person reading the log after the fact needs: rules paused, warnings, failures. */
  private logEvent(event: WatchEvent): void {
    switch (event.type) {
      case 'rule:warning':
        this.log.warn({ rule: event.rule, folder: event.folder }, event.message);
        break;
      case 'rule:paused':
        this.log.warn({ rule: event.rule, folder: event.folder }, `paused: ${event.reason}`);
        break;
      case 'rule:resumed':
        this.log.info({ rule: event.rule, folder: event.folder }, 'resumed');
        break;
      case 'job:failed':
        this.log.warn({ jobId: event.jobId, path: event.path, err: event.error }, 'upload failed');
        break;
      default:
        break;
    }
  }

  private tellChanged(): void {
    let rules: WatchRuleView[];
    try {
      rules = this.list();
    } catch {
      // The settings file cannot be read now; the command that reads it says why.
      return;
    }
    this.options.onChanged(rules);
  }
}
