// How many jobs run at once. A small file's time is mostly fixed cost (requests, the server's
// hash, the signature), so several run side by side; a big file's parts already keep the link
// busy, so at most two run. When the server pushes back (429, 503, a retry, a job left waiting)
// the number halves, and grows back by one at a time while jobs end well. A fixed number (the
// `jobConcurrency` preference, `--jobs`) replaces all of that.
import { systemClock, type Clock } from '../clock/index.js';

const MiB = 1024 * 1024;

export interface AdaptiveLimits {
  /** Jobs at once, at most (before any push-back). */
  maxJobs: number;
  /** A file at least this big is big: 4 parts of 8 MiB, what one job keeps in flight itself. */
  bigFileBytes: number;
  /** Big files at once: today's fixed two, which fill a link with 8 parts in flight. */
  maxBigJobs: number;
  /**
   * The small files running together hold at most this many bytes: the 8 parts of 8 MiB two
   * big jobs keep in flight, so small jobs never load the server more than two big ones.
   */
  smallBytesInFlight: number;
  /** After a halving, more push-backs within this time are the same burst (counted once). */
  coolDownMs: number;
  /** While below `maxJobs`, one more job at once after a job ends well, at most this often. */
  growEveryMs: number;
}

export const ADAPTIVE_LIMITS: AdaptiveLimits = {
  maxJobs: 8,
  bigFileBytes: 32 * MiB,
  maxBigJobs: 2,
  smallBytesInFlight: 64 * MiB,
  coolDownMs: 2000,
  growEveryMs: 2000,
};

/** What the scheduler asks before it starts a job, and tells as jobs end. */
export class JobConcurrency {
  readonly #limits: AdaptiveLimits;
  readonly #clock: Clock;
  #fixed: number | null;
  /** Jobs at once now: `maxJobs` until the server pushes back. */
  #limit: number;
  #lastHalvedAt = -Infinity;
  #lastGrownAt = -Infinity;

  constructor(
    options: { fixed?: number | null; limits?: Partial<AdaptiveLimits>; clock?: Clock } = {},
  ) {
    this.#limits = { ...ADAPTIVE_LIMITS, ...options.limits };
    this.#clock = options.clock ?? systemClock;
    this.#fixed = options.fixed ?? null;
    this.#limit = this.#limits.maxJobs;
  }

  /** A fixed number of jobs at once, or null to adapt. */
  get fixed(): number | null {
    return this.#fixed;
  }

  setFixed(jobs: number | null): void {
    this.#fixed = jobs;
  }

  /** Jobs at once at most now (fixed, or the adaptive limit after any push-back). */
  get limit(): number {
    return this.#fixed ?? this.#limit;
  }

  /** Whether a job for a file of `size` bytes may start beside jobs for files of `running`. */
  mayStart(running: readonly number[], size: number): boolean {
    if (running.length === 0) return true;
    if (running.length >= this.limit) return false;
    if (this.#fixed !== null) return true;
    const { bigFileBytes, maxBigJobs, smallBytesInFlight } = this.#limits;
    if (size >= bigFileBytes) {
      return running.filter((bytes) => bytes >= bigFileBytes).length < maxBigJobs;
    }
    const small = running.filter((bytes) => bytes < bigFileBytes);
    return small.reduce((sum, bytes) => sum + bytes, 0) + size <= smallBytesInFlight;
  }

  /** The server asked to slow down (429, 503, a request or part retried, a job left waiting). */
  pushedBack(): void {
    const now = this.#clock.now();
    if (now - this.#lastHalvedAt < this.#limits.coolDownMs) return;
    this.#lastHalvedAt = now;
    this.#lastGrownAt = now;
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
  }

  /** A job ended well: one more at once, unless that happened too recently. */
  jobDone(): void {
    if (this.#limit >= this.#limits.maxJobs) return;
    const now = this.#clock.now();
    if (now - this.#lastGrownAt < this.#limits.growEveryMs) return;
    this.#lastGrownAt = now;
    this.#limit += 1;
  }
}
