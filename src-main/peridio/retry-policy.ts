// The engine's one retry policy: which failures are tried again (Admin API requests, part
// PUTs to presigned URLs) and how long every waiting loop waits (request retries, part
// retries, the queue after a failed turn, connectivity probes, hash polls). One doubling,
// one jitter, one reading of `Retry-After`, so no two loops can drift apart.

/** A delay that doubles from `initialMs` on each try, up to `maxMs`. */
export interface DelayRange {
  initialMs: number;
  maxMs: number;
}

/** The nominal delay before try number `attempt` (1 for the first wait): doubling, capped. */
export function doublingDelay(attempt: number, range: DelayRange): number {
  return Math.min(range.maxMs, range.initialMs * 2 ** Math.max(0, attempt - 1));
}

/** `ms` drawn from ±`spread` of itself, so many clients (or parts) do not retry in step. */
export function jittered(ms: number, spread: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - spread + 2 * spread * random()));
}

/**
 * The growing wait of a loop that tries until something works: each `next()` is twice the
 * one before (up to the cap); `reset()` after a success starts again from the first.
 */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly range: DelayRange,
    private readonly options: { jitter?: number; random?: () => number } = {},
  ) {}

  /** The wait before the next try; the one after it will be longer. */
  next(): number {
    this.#attempt += 1;
    return this.again();
  }

  /** The last wait once more: a try made out of turn (someone asked) does not count. */
  again(): number {
    const nominal = doublingDelay(Math.max(1, this.#attempt), this.range);
    const spread = this.options.jitter ?? 0;
    return spread === 0 ? nominal : jittered(nominal, spread, this.options.random);
  }

  reset(): void {
    this.#attempt = 0;
  }
}

export interface RetryOptions {
  /** Total tries including the first; 1 turns retries off. */
  maxAttempts: number;
  /** The first backoff delay; each further retry doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` asking for longer than this is shortened to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

/**
 * 429 and the gateway answers mean "not now", so the same request may succeed later.
 * 500 is not here: it is a server bug that sending the same request again will not fix,
 * and showing it at once (with its request id) helps more than retrying it.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Statuses that mean the server did not act on the request, so even a create may be resent. */
const NOT_PROCESSED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

/** What happened to one attempt that did not succeed. */
export type AttemptFailure =
  | { kind: 'status'; status: number }
  | {
      kind: 'network';
      /** The Node error code, or `socket hang up` when Node gives none. */
      networkCode: string | undefined;
      /** The request went out on a kept-alive socket the server had already closed. */
      reusedSocket: boolean;
    }
  | { kind: 'timeout' };

/**
 * `idempotent` requests (GET, PUT, PATCH, DELETE, and creates that carry an `id`) are retried
 * on every transient failure. Other POSTs only when the server surely did not act on them.
 */
export function isRetryable(failure: AttemptFailure, idempotent: boolean): boolean {
  switch (failure.kind) {
    case 'status':
      return idempotent
        ? RETRYABLE_STATUSES.has(failure.status)
        : NOT_PROCESSED_STATUSES.has(failure.status);
    case 'timeout':
      return idempotent;
    case 'network': {
      const code = failure.networkCode;
      if (code === undefined || !RETRYABLE_NETWORK_CODES.has(code)) return false;
      if (idempotent || code === 'ECONNREFUSED') return true;
      // Node's documented pattern: a reset on a reused keep-alive socket means the server
      // closed it before reading our request.
      return failure.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
    }
  }
}

/** The wait before retry number `retry` (1 for the first retry): jittered exponential. */
export function backoffDelay(
  retry: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = doublingDelay(retry, {
    initialMs: options.baseDelayMs,
    maxMs: options.maxDelayMs,
  });
  // Half fixed, half random: spreads clients apart without ever retrying at once.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP-date; undefined if unusable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function retryDelay(
  retry: number,
  retryAfterHeader: string | undefined,
  options: RetryOptions,
): number {
  const asked = parseRetryAfter(retryAfterHeader);
  if (asked !== undefined) return Math.min(asked, options.maxRetryAfterMs);
  return backoffDelay(retry, options);
}

// ---------------------------------------------------------------------------------------
// Part PUTs to presigned URLs

// Delays follow tus-js-client's `[0, 1000, 3000, 5000]` ms, then double up to 30 s, each
// jittered so that parallel parts (and many clients) do not retry in lockstep.
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [0, 1000, 3000, 5000];
export const MAX_RETRY_DELAY_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS_PER_PART = 10;
/** Each part delay is drawn from ±25 % of its nominal value. */
const PART_JITTER = 0.25;

/**
 * The wait before a part's retry number `retry` (1 for the first). A `Retry-After` from the
 * server wins when it asks for longer, capped like the rest.
 */
export function partRetryDelayMs(
  retry: number,
  delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
  options: { retryAfter?: string | undefined; random?: () => number } = {},
): number {
  const listed = delaysMs[retry - 1];
  const last = delaysMs.at(-1) ?? 1000;
  const nominal =
    listed ??
    doublingDelay(retry - delaysMs.length, { initialMs: last * 2, maxMs: MAX_RETRY_DELAY_MS });
  const asked = parseRetryAfter(options.retryAfter) ?? 0;
  return Math.min(
    MAX_RETRY_DELAY_MS,
    Math.max(jittered(nominal, PART_JITTER, options.random), asked),
  );
}

/**
 * What to do after a presigned PUT answered `status` with `message` (S3's `Code: Message`).
 * `url_expired`: the URL's lifetime ran out before the request reached the store; a fresh
 * one fixes it and, once in a row, costs no attempt (see PartAttempts.urlExpired).
 */
export type PutVerdict = 'done' | 'renew_url' | 'url_expired' | 'retry' | 'refuse';

/**
 * How stores say a presigned URL expired: S3 and MinIO answer 403 `AccessDenied: Request has
 * expired`, Google Cloud Storage 403 `ExpiredToken`; the embedded server answers as S3 does.
 */
const EXPIRED_URL = /Request has expired|ExpiredToken/i;

export function putVerdict(status: number, message = ''): PutVerdict {
  if (status === 200 || status === 201) return 'done';
  if (status === 403 && EXPIRED_URL.test(message)) return 'url_expired';
  // 403: a refused signature, or the part was replaced; 400: the checksum failed in transit
  // (S3's BadDigest). Either way a fresh part create gives a fresh URL.
  if (status === 400 || status === 403) return 'renew_url';
  if (status === 429 || status >= 500) return 'retry';
  return 'refuse';
}
