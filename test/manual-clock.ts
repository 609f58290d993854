// A clock that moves only when a test says so: loops that take a Clock run their timers
// in order as `advance` passes them, and each timer's work settles before the next (a
// callback that returns a promise, such as a look at files on disk, is awaited).
import type { Clock, ClockTimer } from '../src-main/clock/index.js';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<ClockTimer, Pending>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Every delay asked for, in order: what a test reads a backoff from. */
  readonly delays: number[] = [];

  setTimeout(callback: () => void, ms: number): ClockTimer {
    this.delays.push(ms);
    const timer: ClockTimer = { id: ++this.seq };
    this.timers.set(timer, { at: this.time + Math.max(0, ms), seq: this.seq, callback });
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer) this.timers.delete(timer);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `ms`, firing each timer that comes due, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const next = [...this.timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      const [timer, pending] = next;
      this.timers.delete(timer);
      this.time = pending.at;
      const result = pending.callback() as unknown;
      if (result instanceof Promise) await result;
    }
    this.time = until;
    await settle();
  }
}

/** Moves `clock` on `stepMs` at a time until `promise` settles (at most `maxSteps` steps). */
export async function advanceUntil<T>(
  clock: ManualClock,
  promise: Promise<T>,
  stepMs: number,
  maxSteps = 1000,
): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  for (let step = 0; !settled && step < maxSteps; step++) await clock.advance(stepMs);
  if (!settled) throw new Error(`still not settled after ${maxSteps} steps of ${stepMs} ms`);
  return watched;
}

/** Lets promise callbacks (and a few rounds of the event loop) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
