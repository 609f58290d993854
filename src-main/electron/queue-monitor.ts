// Keeps a QueueProgress current for the tray and the taskbar: reads `jobs.list` when jobs come
// and go (debounced; pause and resume send no event of their own), folds progress events in
// as they arrive, and reports at most a few times a second. Plain Node: no Electron here.
import type { DeskEvent, JobOutcomeView, JobView, PageOf } from '../../src-preload/contract.js';
import type { BridgeService } from './ipc-bridge.js';
import { QueueProgress, type QueueSnapshot } from './queue-progress.js';

export interface QueueMonitorOptions {
  service: BridgeService;
  onChange(snapshot: QueueSnapshot): void;
  onJobEnded?(job: JobView, outcome: JobOutcomeView): void;
  /** How often at most onChange runs (ms). */
  reportEveryMs?: number;
}

export class QueueMonitor {
  readonly #progress = new QueueProgress();
  readonly #options: QueueMonitorOptions;
  readonly #unsubscribe: () => void;
  #reportTimer: NodeJS.Timeout | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: QueueMonitorOptions) {
    this.#options = options;
    this.#unsubscribe = options.service.subscribe((event) => this.#onEvent(event));
  }

  get snapshot(): QueueSnapshot {
    return this.#progress.snapshot();
  }

  /** Reads the queue again now (after pause/resume, and at start). */
  async refresh(): Promise<void> {
    const jobs: JobView[] = [];
    let cursor: string | null = null;
    do {
      const reply = await this.#options.service.reply('jobs.list', {
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      if (this.#closed || !reply.ok) return;
      const page = reply.result as PageOf<JobView>;
      jobs.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    this.#progress.setJobs(jobs);
    this.#report();
  }

  /** Runs `command` ('jobs.pause' or 'jobs.resume') on each id; a job that moved on is skipped. */
  async applyToAll(command: 'jobs.pause' | 'jobs.resume', ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.#options.service.reply(command, { id });
    await this.refresh();
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearTimeout(this.#reportTimer);
    clearTimeout(this.#refreshTimer);
  }

  #onEvent(event: DeskEvent): void {
    if (event.name === 'job:ended') {
      this.#options.onJobEnded?.(event.payload.job, event.payload.outcome);
    }
    if (event.name === 'workspace:changed' || event.name === 'job:ended') this.#refreshSoon();
    if (this.#progress.onEvent(event)) this.#report();
  }

  #refreshSoon(): void {
    if (this.#refreshTimer) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      void this.refresh();
    }, 250);
  }

  #report(): void {
    if (this.#reportTimer || this.#closed) return;
    this.#reportTimer = setTimeout(() => {
      this.#reportTimer = undefined;
      if (!this.#closed) this.#options.onChange(this.#progress.snapshot());
    }, this.#options.reportEveryMs ?? 250);
  }
}
