import { describe, expect, it } from 'vitest';
import {
  Backoff,
  DEFAULT_RETRY,
  backoffDelay,
  parseRetryAfter,
} from '../../../src-main/peridio/index.js';

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP-date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, up to the maximum', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
    expect(backoffDelay(10, options, () => 1)).toBe(1000);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
  });

  it('grows a loop’s wait to its cap, repeats it for a try out of turn, and starts over after a success', () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 4000 });
    expect([
      backoff.next(),
      backoff.next(),
      backoff.again(),
      backoff.next(),
      backoff.next(),
    ]).toEqual([1000, 2000, 2000, 4000, 4000]);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
    expect(new Backoff({ initialMs: 1000, maxMs: 4000 }).again()).toBe(1000);
  });

  it('spreads a jittered wait over ±the spread, never outside it', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 8000 }, { jitter: 0.25, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 8000 }, { jitter: 0.25, random: () => 1 });
    expect([low.next(), low.next()]).toEqual([750, 1500]);
    expect([high.next(), high.next()]).toEqual([1250, 2500]);
  });
});
