// Files seen being written, looked at every poll until their size and mtime have held still
// for the settle time, then reported once. One shared timer for all of them: a burst of
// thousands of files costs a small Map entry each, not a timer or a handle each. A file is
// also looked at the moment its settle time is up, so it is not reported up to a poll late.
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock, type ClockTimer } from '../clock/index.js';
import { eachAtMost } from './at-most.js';

interface Settling {
  /** Size and mtime at the last look; undefined before the first. */
  size?: number;
  mtimeMs?: number;
  /** When the file last changed (an event about it, or a look that found it changed). */
  changedAt: number;
  /** When the last look began, and when to look next. */
  lookedAt?: number;
  lookAt: number;
}

export interface SettlingHandlers {
  settled(file: string, stats: Stats): void;
  /** The path is now something other than a regular file (a folder, a link). */
  notAFile(file: string): void;
}

/** Files looked at (stat) at once in one tick. */
const LOOKS_AT_ONCE = 16;
/** The least time between two looks at a file, when its settle time is (nearly) up. */
const MIN_GAP_MS = 5;
/** A timer may fire a little before the time it was set for. */
const TIMER_SLACK_MS = 1;

export class SettlingFiles {
  private readonly files = new Map<string, Settling>();
  private readonly pollMs: number;
  private timer: ClockTimer | undefined;
  private ticking = false;
  private closed = false;

  constructor(
    private readonly settleMs: number,
    private readonly handlers: SettlingHandlers,
    private readonly clock: Clock = systemClock,
  ) {
    // A quarter of the settle time, 10 to 100 ms: a stopped write is seen soon, and thousands
    // of files settling at once cost little.
    this.pollMs = Math.max(10, Math.min(100, Math.floor(settleMs / 4)));
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** `file` appeared or was written to: it settles again from now. */
  changed(file: string): void {
    if (this.closed) return;
    const now = this.clock.now();
    const known = this.files.get(file);
    if (known) known.changedAt = now;
    else this.files.set(file, { changedAt: now, lookAt: now + this.pollMs });
    this.schedule();
  }

  /** Forgets the files inside `folder` (it was removed or moved away). */
  forgetIn(folder: string): void {
    const prefix = folder + path.sep;
    for (const file of this.files.keys()) {
      if (file.startsWith(prefix)) this.files.delete(file);
    }
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.files.clear();
  }

  /** Sets the timer for the first look due. Only walks the files when no timer is set: after
   * a tick, or for the first file. */
  private schedule(): void {
    if (this.closed || this.ticking || this.timer || this.files.size === 0) return;
    let next = Infinity;
    for (const entry of this.files.values()) next = Math.min(next, entry.lookAt);
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, next - this.clock.now()));
  }

  /** Looks at the files that are due; the next tick is scheduled when this one is done, so a
   * slow look (a burst, a busy disk) never piles ticks up. */
  private async tick(): Promise<void> {
    this.timer = undefined;
    this.ticking = true;
    try {
      await eachAtMost(LOOKS_AT_ONCE, this.due(this.clock.now()), ([file, entry]) =>
        this.look(file, entry),
      );
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private *due(now: number): Generator<[string, Settling]> {
    for (const item of this.files) if (item[1].lookAt <= now + TIMER_SLACK_MS) yield item;
  }

  private async look(file: string, entry: Settling): Promise<void> {
    const started = this.clock.now();
    const stats = await lstat(file).catch(() => undefined);
    // Forgotten, or forgotten and seen again, while it was being looked at.
    if (this.files.get(file) !== entry) return;
    if (!stats?.isFile()) {
      // Gone (deleted while written, renamed away): nothing to report.
      this.files.delete(file);
      if (stats) this.handlers.notAFile(file);
      return;
    }
    const now = this.clock.now();
    if (stats.size !== entry.size || stats.mtimeMs !== entry.mtimeMs) {
      // It changed since the last look (or this is the first). An event about it since then
      // said when; without one (no event for that write), count from now.
      if (entry.lookedAt !== undefined && entry.changedAt < entry.lookedAt) entry.changedAt = now;
      entry.size = stats.size;
      entry.mtimeMs = stats.mtimeMs;
    } else if (now - entry.changedAt >= this.settleMs) {
      this.files.delete(file);
      this.handlers.settled(file, stats);
      return;
    }
    entry.lookedAt = started;
    // The next poll, or sooner when the settle time is up before it.
    const untilSettled = entry.changedAt + this.settleMs - now;
    entry.lookAt = now + Math.min(this.pollMs, Math.max(MIN_GAP_MS, untilSettled));
  }
}
