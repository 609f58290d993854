// The bandwidth cap's bucket: writers reserve their turn in order at the cap, a late writer
// makes up for a little missed time, an idle bucket gives no burst, and a change of the rate
// (or lifting it) reaches a writer that is already waiting.
import { describe, expect, it } from 'vitest';
import { SharedRateLimit } from '../../../src-main/upload/index.js';

const MS = 1000n; // microseconds
const nowUs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

function capped(bytesPerSecond: number): { limit: SharedRateLimit; t: bigint } {
  const limit = new SharedRateLimit();
  const t = nowUs();
  limit.setBytesPerSecond(bytesPerSecond, t);
  return { limit, t };
}

describe('SharedRateLimit', () => {
  it('lets everything through at once without a cap', () => {
    const limit = new SharedRateLimit();
    expect(limit.bytesPerSecond).toBeNull();
    expect(limit.chunkSize(512 * 1024)).toBe(512 * 1024);
    for (let i = 0; i < 10; i++) expect(limit.reserve(10_000_000)).toBe(0);
  });

  it('writes in slices of 20 ms at the cap, at least 1 KiB and at most the chunk asked for', () => {
    expect(capped(1_000_000).limit.chunkSize(512 * 1024)).toBe(20_000);
    expect(capped(10_000).limit.chunkSize(512 * 1024)).toBe(1024);
    expect(capped(1e9).limit.chunkSize(512 * 1024)).toBe(512 * 1024);
  });

  it('gives writers their turns one after the other, at the cap', () => {
    const { limit, t } = capped(1_000_000);
    expect(limit.reserve(100_000, t)).toBe(0);
    // Each 100 kB takes 100 ms at 1 MB/s: the next writers wait their turn behind it.
    expect(limit.reserve(100_000, t)).toBeCloseTo(100, 0);
    expect(limit.reserve(50_000, t)).toBeCloseTo(200, 0);
    expect(limit.reserve(1, t + 150n * MS)).toBeCloseTo(100, 0);
  });

  it('lets a late writer make up for missed time, but gives an idle bucket no burst', () => {
    const { limit, t } = capped(1_000_000);
    limit.reserve(100_000, t);
    // Its turn was due 100 ms ago: it goes now, and the turn after it is still at the cap.
    expect(limit.reserve(100_000, t + 200n * MS)).toBe(0);
    expect(limit.reserve(100_000, t + 200n * MS)).toBeCloseTo(0, 0);
    expect(limit.reserve(100_000, t + 200n * MS)).toBeCloseTo(100, 0);
    // Idle for a second: it starts afresh instead of sending a second's worth at once.
    const later = t + 1500n * MS;
    expect(limit.reserve(100_000, later)).toBe(0);
    expect(limit.reserve(100_000, later)).toBeCloseTo(100, 0);
  });

  it('is one bucket for every view of its buffer (every worker thread)', () => {
    const { limit, t } = capped(1_000_000);
    const inWorker = SharedRateLimit.attach(limit.buffer);
    expect(inWorker.bytesPerSecond).toBe(1_000_000);
    limit.reserve(300_000, t);
    expect(inWorker.reserve(1000, t)).toBeCloseTo(300, 0);
    inWorker.setBytesPerSecond(null);
    expect(limit.bytesPerSecond).toBeNull();
  });

  it('voids the turns reserved at the old rate when the rate changes', () => {
    const { limit, t } = capped(1_000_000);
    limit.reserve(2_000_000, t);
    expect(limit.reserve(1000, t)).toBeGreaterThan(1900);
    const change = t + 50n * MS;
    limit.setBytesPerSecond(8_000_000, change);
    expect(limit.reserve(80_000, change)).toBe(0);
    expect(limit.reserve(80_000, change)).toBeCloseTo(10, 0);
  });

  it('ends a wait soon after the rate is raised or lifted', async () => {
    for (const next of [null, 100_000_000]) {
      const { limit } = capped(10_000);
      limit.reserve(50_000); // five seconds of turns ahead of the next writer
      const started = performance.now();
      const taken = limit.take(1024, () => false);
      setTimeout(() => limit.setBytesPerSecond(next), 200);
      await taken;
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('ends a wait when the writer stops', async () => {
    const { limit } = capped(10_000);
    limit.reserve(50_000);
    let stopped = false;
    setTimeout(() => (stopped = true), 150);
    const started = performance.now();
    await limit.take(1024, () => stopped);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
