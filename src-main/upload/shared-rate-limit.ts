// The engine's bandwidth cap: one token bucket for the bytes every part PUT writes, in every
// transfer worker at once. It lives in a SharedArrayBuffer that the engine hands to each
// worker it starts, so the cap holds for the sum of all uploads, and a change of the rate is
// seen by every writer within a wait step (no message to each worker, no PUT restarted).
//
// The bucket is kept as one "due" time (a generic cell rate algorithm): a writer reserves the
// time its bytes take at the cap, starting when the bytes before it are through, and writes
// when its turn comes. Writers are served in the order they asked; a writer that woke a little
// late (a busy machine) may use the time it missed, up to CATCH_UP_MS; a bucket left idle
// longer starts afresh, with no burst.

/** Slots of the shared buffer (BigInt64, so Atomics works on them). */
const CAP = 0; // bytes per second, 0 for no cap
const DUE = 1; // microseconds since the epoch at which the next reservation may start
const GENERATION = 2; // counts rate changes: a writer waiting on an old rate reserves again
const SLOTS = 3;

/** How much missed time a late writer may make up for (a busy machine can hold a thread
 * back for a few hundred milliseconds; the cap would lose that time for good). */
const CATCH_UP_MS = 500;
/** A capped write is the bytes of this long at the cap, so no writer holds a long turn. */
const SLICE_MS = 20;
const MIN_CHUNK = 1024;
/** A waiting writer looks at the rate at least this often. */
const LOOK_AGAIN_MS = 100;

/**
 * Now, in microseconds since the epoch, the same clock in every thread: a worker's
 * performance.now() starts at its own timeOrigin, which is itself taken from the epoch.
 */
function nowUs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SharedRateLimit {
  readonly buffer: SharedArrayBuffer;
  readonly #slots: BigInt64Array;

  /** A new bucket with no cap (the engine's); `attach` gives a worker the same bucket. */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
    this.#slots = new BigInt64Array(this.buffer);
  }

  static attach(buffer: SharedArrayBuffer): SharedRateLimit {
    return new SharedRateLimit(buffer);
  }

  /** The cap in bytes per second; null for none. */
  get bytesPerSecond(): number | null {
    const cap = Number(Atomics.load(this.#slots, CAP));
    return cap > 0 ? cap : null;
  }

  /** Changes the cap for every writer of every worker; null lifts it. `now` is for tests. */
  setBytesPerSecond(bytesPerSecond: number | null, now: bigint = nowUs()): void {
    const cap = bytesPerSecond === null ? 0 : Math.max(1, Math.round(bytesPerSecond));
    Atomics.store(this.#slots, CAP, BigInt(cap));
    // Reservations made at the old rate are void: the next one starts now, at the new rate.
    Atomics.store(this.#slots, DUE, now);
    Atomics.add(this.#slots, GENERATION, 1n);
  }

  /** How many bytes to write at once: all of `max` without a cap, a short slice with one. */
  chunkSize(max: number): number {
    const cap = this.bytesPerSecond;
    if (cap === null) return max;
    return Math.min(max, Math.max(MIN_CHUNK, Math.floor((cap * SLICE_MS) / 1000)));
  }

  /**
   * Reserves the time `bytes` take at the cap, and answers how many milliseconds to wait
   * before writing them (0: write now). `now` is for tests.
   */
  reserve(bytes: number, now: bigint = nowUs()): number {
    for (;;) {
      const cap = Atomics.load(this.#slots, CAP);
      if (cap <= 0n) return 0;
      const due = Atomics.load(this.#slots, DUE);
      const start = due >= now - BigInt(CATCH_UP_MS * 1000) ? due : now;
      const next = start + (BigInt(bytes) * 1_000_000n) / cap;
      if (Atomics.compareExchange(this.#slots, DUE, due, next) === due) {
        return start > now ? Number(start - now) / 1000 : 0;
      }
    }
  }

  /**
   * Waits until `bytes` may be written. Resolves at once without a cap; when the rate
   * changes meanwhile, reserves again at the new one. `stopped` ends the wait early.
   */
  async take(bytes: number, stopped: () => boolean): Promise<void> {
    for (;;) {
      const generation = Atomics.load(this.#slots, GENERATION);
      const until = performance.now() + this.reserve(bytes);
      for (let left = until - performance.now(); left > 0; left = until - performance.now()) {
        await sleep(Math.min(left, LOOK_AGAIN_MS));
        if (stopped()) return;
        if (Atomics.load(this.#slots, GENERATION) !== generation) break;
      }
      if (performance.now() >= until) return;
    }
  }
}
