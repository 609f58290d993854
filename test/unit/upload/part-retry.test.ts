// When a part is tried again and how long it waits first.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_DELAYS_MS,
  MAX_RETRY_DELAY_MS,
  partRetryDelayMs,
  putVerdict,
} from '../../../src-main/peridio/index.js';
import { PartAttempts } from '../../../src-main/upload/index.js';

const middle = () => 0.5;

describe('partRetryDelayMs', () => {
  it('waits 0, 1, 3, 5 s, then doubles up to 30 s', () => {
    const delays = Array.from({ length: 9 }, (_, i) =>
      partRetryDelayMs(i + 1, DEFAULT_RETRY_DELAYS_MS, { random: middle }),
    );
    expect(delays).toEqual([0, 1000, 3000, 5000, 10_000, 20_000, 30_000, 30_000, 30_000]);
  });

  it('jitters each wait within ±25 % and never past the cap', () => {
    expect(partRetryDelayMs(2, DEFAULT_RETRY_DELAYS_MS, { random: () => 0 })).toBe(750);
    expect(partRetryDelayMs(2, DEFAULT_RETRY_DELAYS_MS, { random: () => 1 })).toBe(1250);
    expect(partRetryDelayMs(1, DEFAULT_RETRY_DELAYS_MS, { random: () => 1 })).toBe(0);
    expect(partRetryDelayMs(20, DEFAULT_RETRY_DELAYS_MS, { random: () => 1 })).toBe(
      MAX_RETRY_DELAY_MS,
    );
    const spread = new Set(Array.from({ length: 50 }, () => partRetryDelayMs(3)));
    expect(spread.size).toBeGreaterThan(1);
    for (const delay of spread) {
      expect(delay).toBeGreaterThanOrEqual(2250);
      expect(delay).toBeLessThanOrEqual(3750);
    }
  });

  it('waits at least what Retry-After asks, capped at 30 s', () => {
    expect(partRetryDelayMs(1, DEFAULT_RETRY_DELAYS_MS, { retryAfter: '7', random: middle })).toBe(
      7000,
    );
    expect(partRetryDelayMs(4, DEFAULT_RETRY_DELAYS_MS, { retryAfter: '1', random: middle })).toBe(
      5000,
    );
    expect(partRetryDelayMs(1, DEFAULT_RETRY_DELAYS_MS, { retryAfter: '600' })).toBe(
      MAX_RETRY_DELAY_MS,
    );
  });

  it('continues a shorter list by doubling its last delay', () => {
    const fast = [0, 50, 100];
    expect([4, 5].map((retry) => partRetryDelayMs(retry, fast, { random: middle }))).toEqual([
      200, 400,
    ]);
  });
});

describe('putVerdict', () => {
  it('finishes on 200 and 201', () => {
    expect(putVerdict(200)).toBe('done');
    expect(putVerdict(201)).toBe('done');
  });

  it('asks for a new URL on 403 (a refused signature, a replaced part) and 400 (BadDigest)', () => {
    expect(putVerdict(403)).toBe('renew_url');
    expect(putVerdict(403, 'AccessDenied: The request signature does not match.')).toBe(
      'renew_url',
    );
    expect(putVerdict(400, 'BadDigest: The Content-MD5 you specified did not match')).toBe(
      'renew_url',
    );
  });

  it('tells an expired URL apart, as S3, MinIO, Google Cloud Storage and our server word it', () => {
    for (const message of [
      'AccessDenied: Request has expired',
      'AccessDenied: Request has expired: create the part again for a new URL.',
      'ExpiredToken: The provided token has expired.',
    ]) {
      expect(putVerdict(403, message)).toBe('url_expired');
    }
    // Only a refusal means the URL is spent: the words in any other answer decide nothing.
    expect(putVerdict(500, 'InternalError: Request has expired')).toBe('retry');
  });

  it('retries the same URL on 429 and 5xx', () => {
    for (const status of [429, 500, 502, 503, 504]) expect(putVerdict(status)).toBe('retry');
  });

  it('gives up on any other answer', () => {
    for (const status of [301, 404, 405, 411, 413]) expect(putVerdict(status)).toBe('refuse');
  });
});

describe('PartAttempts', () => {
  it('counts failures in a row while nothing moves', () => {
    const attempts = new PartAttempts(0);
    expect([0, 0, 0].map((sent) => attempts.failed(sent, 0))).toEqual([1, 2, 3]);
  });

  it('starts again when an attempt got further into the part than ever', () => {
    const attempts = new PartAttempts(0);
    expect(attempts.failed(1000, 0)).toBe(1);
    expect(attempts.failed(1000, 0)).toBe(2);
    expect(attempts.failed(500, 0)).toBe(3);
    expect(attempts.failed(4000, 0)).toBe(1);
  });

  it('starts again when another part finished meanwhile', () => {
    const attempts = new PartAttempts(2);
    expect(attempts.failed(0, 2)).toBe(1);
    expect(attempts.failed(0, 2)).toBe(2);
    expect(attempts.failed(0, 3)).toBe(1);
    expect(attempts.failed(0, 3)).toBe(2);
  });
});

describe('PartAttempts with expired URLs', () => {
  it('renews a URL that expired while the part waited without counting it', () => {
    const attempts = new PartAttempts(0);
    expect(attempts.failed(0, 0)).toBe(1);
    expect(attempts.failed(0, 0)).toBe(2);
    expect(attempts.urlExpired(0)).toBe('free');
    expect(attempts.failures).toBe(2);
    expect(attempts.failed(0, 0)).toBe(3);
  });

  it('counts a fresh URL that has expired too: URLs dead on arrival still run out', () => {
    const attempts = new PartAttempts(0);
    const maxAttempts = 5;
    const outcomes: ('free' | number)[] = [];
    let outcome: 'free' | number;
    do {
      outcome = attempts.urlExpired(0);
      outcomes.push(outcome);
    } while (outcome === 'free' || outcome < maxAttempts);
    expect(outcomes).toEqual(['free', 1, 2, 3, 4, 5]);
  });

  it('frees one expiry again once something else happened in between', () => {
    const attempts = new PartAttempts(0);
    expect(attempts.urlExpired(0)).toBe('free');
    expect(attempts.failed(0, 0)).toBe(1); // the link went down while the new URL waited
    expect(attempts.urlExpired(0)).toBe('free');
    expect(attempts.urlExpired(0)).toBe(2);
  });

  it('never takes the bytes sent before an expired answer as progress', () => {
    const attempts = new PartAttempts(0);
    expect(attempts.failed(1000, 0)).toBe(1);
    expect(attempts.urlExpired(0)).toBe('free');
    expect(attempts.urlExpired(0)).toBe(2);
    expect(attempts.urlExpired(1)).toBe(1); // another part finished: the link works
  });
});
