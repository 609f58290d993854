// When a part is tried again, and after how long. Delays follow tus-js-client's
// `[0, 1000, 3000, 5000]` ms, then double up to 30 s; each is jittered so that parallel parts
// (and many clients) do not retry in lockstep. The count behind them resets after progress,
// so a long upload over a flaky link never runs out of attempts while it moves.
import { parseRetryAfter } from '../peridio/index.js';

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [0, 1000, 3000, 5000];
export const MAX_RETRY_DELAY_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS_PER_PART = 10;
/** Each delay is drawn from ±25 % of its nominal value. */
const JITTER = 0.25;

/**
 * The wait before retry number `retry` (1 for the first). A `Retry-After` from the server
 * wins when it asks for longer, capped like the rest.
 */
export function partRetryDelayMs(
  retry: number,
  delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
  options: { retryAfter?: string | undefined; random?: () => number } = {},
): number {
  const random = options.random ?? Math.random;
  const listed = delaysMs[retry - 1];
  const last = delaysMs.at(-1) ?? 1000;
  const nominal = listed ?? Math.min(MAX_RETRY_DELAY_MS, last * 2 ** (retry - delaysMs.length));
  const jittered = Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
  const asked = parseRetryAfter(options.retryAfter) ?? 0;
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(jittered, asked));
}

/**
 * Counts one part's consecutive failed attempts. Progress starts the count again: an attempt
 * that got further into the part than any before it, or another part of the upload finishing
 * meanwhile (the link works). "Further than ever" rather than "any bytes", so that a server
 * that swallows the same few MiB every time and never answers still runs out of attempts.
 */
export class PartAttempts {
  #failures = 0;
  #furthest = 0;
  #finishedSeen: number;

  constructor(finishedParts: number) {
    this.#finishedSeen = finishedParts;
  }

  /** Records a failed attempt; answers how many failures in a row now count. */
  failed(bytesSent: number, finishedParts: number): number {
    const progressed = bytesSent > this.#furthest || finishedParts !== this.#finishedSeen;
    this.#furthest = Math.max(this.#furthest, bytesSent);
    this.#finishedSeen = finishedParts;
    this.#failures = progressed ? 1 : this.#failures + 1;
    return this.#failures;
  }
}

/** What to do after a presigned PUT answered `status`. */
export type PutVerdict = 'done' | 'renew_url' | 'retry' | 'refuse';

export function putVerdict(status: number): PutVerdict {
  if (status === 200 || status === 201) return 'done';
  // 403: the URL expired (or the part was replaced); 400: the checksum failed in transit
  // (S3's BadDigest). Either way a fresh part create gives a fresh URL.
  if (status === 400 || status === 403) return 'renew_url';
  if (status === 429 || status >= 500) return 'retry';
  return 'refuse';
}
