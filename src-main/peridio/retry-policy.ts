// When a failed Admin API request is sent again, and how long to wait first.

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
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
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
