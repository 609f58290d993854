// What the faces see of each rule while the agent runs: its status (starting, watching, or
// stopped because its folder is gone), counters since the engine started, and the last
// thing that happened, all read off the agent's events. The settings say which rules exist
// and which a person paused; the board only remembers what the events told.
import type {
  WatchCountersView,
  WatchFileKind,
  WatchFileView,
  WatchMessageView,
  WatchRuleStatus,
} from '../../src-preload/contract.js';
import type { WatchEvent } from './watch-events.js';
import { RecentMap } from './recent-map.js';

export interface RuleBoardEntry {
  status: Extract<WatchRuleStatus, 'starting' | 'watching' | 'stopped'>;
  reason: string | null;
  counters: WatchCountersView;
  lastMessage: WatchMessageView | null;
}

export interface BoardUpdate {
  /** A rule's status changed. */
  statusChanged: boolean;
  /** A file event for the faces. */
  file?: WatchFileView;
}

/** How many queued jobs are remembered to tell which rule a finished upload belongs to. */
const JOB_MEMORY = 10_000;

const zero = (): WatchCountersView => ({
  seen: 0,
  queued: 0,
  skipped: 0,
  duplicates: 0,
  conflicts: 0,
  uploaded: 0,
  failed: 0,
});

/** A skip because the content is already queued or on the server (file-intake's words). */
function isDuplicate(reason: string): boolean {
  return reason.startsWith('duplicate') || reason.startsWith('already uploaded');
}

export class WatchBoard {
  private readonly entries = new Map<string, RuleBoardEntry>();
  private readonly jobs = new RecentMap<string, { rule: string; path: string; signs: boolean }>(
    JOB_MEMORY,
  );

  constructor(private readonly now: () => Date = () => new Date()) {}

  entry(rule: string): RuleBoardEntry {
    let entry = this.entries.get(rule);
    if (!entry) {
      entry = { status: 'starting', reason: null, counters: zero(), lastMessage: null };
      this.entries.set(rule, entry);
    }
    return entry;
  }

  /** Forgets the rules that no longer exist (removed or renamed). */
  keepOnly(rules: readonly string[]): void {
    const kept = new Set(rules);
    for (const name of this.entries.keys()) if (!kept.has(name)) this.entries.delete(name);
  }

  /** Sets a rule's status; answers whether it changed. */
  setStatus(rule: string, status: RuleBoardEntry['status'], reason: string | null): boolean {
    const entry = this.entry(rule);
    if (entry.status === status && entry.reason === reason) return false;
    entry.status = status;
    entry.reason = reason;
    return true;
  }

  /** Takes one event of the agent. `statusEvents`: false for an agent being replaced,
   * whose watchers' last words are no longer true. */
  take(event: WatchEvent, statusEvents = true): BoardUpdate {
    switch (event.type) {
      case 'file:seen':
        return this.file(event.rule, event.path, 'seen', `seen (${event.size} bytes)`, 'seen');
      case 'file:ignored': {
        const duplicate = isDuplicate(event.reason);
        return this.file(
          event.rule,
          event.path,
          duplicate ? 'duplicate' : 'skipped',
          event.reason,
          duplicate ? 'duplicates' : 'skipped',
        );
      }
      case 'file:conflict':
        return this.file(event.rule, event.path, 'conflict', event.message, 'conflicts');
      case 'job:queued':
        this.remember(event.jobId, event.rule, event.path, event.addsSignature !== undefined);
        return this.file(
          event.rule,
          event.path,
          'queued',
          `queued as job ${event.jobId} (${event.target}: ${event.targetEvidence})` +
            (event.addsSignature ? `: ${event.addsSignature}` : ''),
          'queued',
          event.jobId,
        );
      case 'job:done': {
        const job = this.jobs.get(event.jobId);
        if (!job) return { statusChanged: false };
        this.jobs.delete(event.jobId);
        const how = event.state ? ` (${event.state})` : '';
        const what = job.signs ? 'signature added' : 'uploaded';
        return this.file(job.rule, job.path, 'uploaded', `${what}${how}`, 'uploaded', event.jobId);
      }
      case 'job:failed': {
        const job = this.jobs.get(event.jobId);
        if (!job) return { statusChanged: false };
        return this.file(
          job.rule,
          job.path,
          'failed',
          `failed: ${event.error.message}`,
          'failed',
          event.jobId,
        );
      }
      case 'rule:paused': {
        if (!statusEvents) return { statusChanged: false };
        const reason = `${event.folder} ${event.reason}`;
        this.tell(event.rule, `stopped: ${reason}`);
        return { statusChanged: this.setStatus(event.rule, 'stopped', reason) };
      }
      case 'rule:resumed':
        if (!statusEvents) return { statusChanged: false };
        this.tell(event.rule, `watching ${event.folder} again`);
        return { statusChanged: this.setStatus(event.rule, 'watching', null) };
      case 'rule:warning':
        this.tell(event.rule, event.message);
        return { statusChanged: false };
      case 'job:progress':
      case 'connectivity:changed':
        // The service tells these to the faces itself.
        return { statusChanged: false };
    }
  }

  private file(
    rule: string,
    path: string,
    kind: WatchFileKind,
    message: string,
    counter: keyof WatchCountersView,
    jobId: string | null = null,
  ): BoardUpdate {
    const entry = this.entry(rule);
    entry.counters[counter] += 1;
    const at = this.tell(rule, `${path}: ${message}`);
    return { statusChanged: false, file: { rule, path, kind, message, jobId, at } };
  }

  /** A message about the rule that is not an agent's event (a check done on saving). */
  note(rule: string, text: string): void {
    this.tell(rule, text);
  }

  private tell(rule: string, text: string): string {
    const at = this.now().toISOString();
    this.entry(rule).lastMessage = { at, text };
    return at;
  }

  private remember(jobId: string, rule: string, path: string, signs: boolean): void {
    this.jobs.set(jobId, { rule, path, signs });
  }
}
