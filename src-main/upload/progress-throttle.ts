// Progress leaves the worker at most ~10 times a second per job, whatever the byte events
// underneath (one per 512 KiB write): the main thread and every face stay quiet while a fast
// disk or link moves hundreds of MiB a second. The last message always goes.
import type { TransferProgress } from './types.js';

export const PROGRESS_INTERVAL_MS = 100;
/** Speed is measured over this much recent history, so one slow second does not show as 0. */
const SPEED_WINDOW_MS = 3000;

interface Sample {
  at: number;
  bytes: number;
}

export interface ProgressThrottleOptions {
  intervalMs?: number;
  now?: () => number;
}

export class ProgressThrottle {
  readonly #phase: TransferProgress['phase'];
  readonly #bytesTotal: number;
  readonly #send: (progress: TransferProgress) => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #samples: Sample[] = [];
  #lastSentAt = -Infinity;

  constructor(
    phase: TransferProgress['phase'],
    bytesTotal: number,
    send: (progress: TransferProgress) => void,
    options: ProgressThrottleOptions = {},
  ) {
    this.#phase = phase;
    this.#bytesTotal = bytesTotal;
    this.#send = send;
    this.#intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Sends `bytesDone` unless a message went out less than the interval ago. */
  update(bytesDone: number): void {
    const at = this.#now();
    if (at - this.#lastSentAt < this.#intervalMs) return;
    this.#emit(at, bytesDone);
  }

  /** Sends `bytesDone` now: the final message of a transfer. */
  finish(bytesDone: number): void {
    this.#emit(this.#now(), bytesDone);
  }

  #emit(at: number, bytesDone: number): void {
    this.#lastSentAt = at;
    this.#samples.push({ at, bytes: bytesDone });
    while (this.#samples.length > 2 && at - this.#samples[0]!.at > SPEED_WINDOW_MS) {
      this.#samples.shift();
    }
    const first = this.#samples[0]!;
    const elapsedSeconds = (at - first.at) / 1000;
    // A retried part takes its unconfirmed bytes back, so the count can drop: never a
    // negative speed.
    const bytesPerSecond =
      elapsedSeconds > 0 ? Math.max(0, (bytesDone - first.bytes) / elapsedSeconds) : 0;
    const remaining = Math.max(0, this.#bytesTotal - bytesDone);
    this.#send({
      phase: this.#phase,
      bytesDone,
      bytesTotal: this.#bytesTotal,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds:
        remaining === 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null,
    });
  }
}
