// How many jobs run at once: the decision alone, with a manual clock for the push-backs.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADAPTIVE_LIMITS, JobConcurrency } from '../../../src-main/queue/index.js';
import { ManualClock } from '../../manual-clock.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock();
});

/** How many jobs of `size` bytes start one after another before one is refused. */
function startable(concurrency: JobConcurrency, size: number, upTo = 20): number {
  const running: number[] = [];
  while (running.length < upTo && concurrency.mayStart(running, size)) running.push(size);
  return running.length;
}

describe('JobConcurrency, adaptive', () => {
  it('runs up to eight small files at once, and at most two big ones', () => {
    const concurrency = new JobConcurrency({ clock });
    expect(startable(concurrency, 1 * MiB)).toBe(8);
    expect(startable(concurrency, 16 * MiB)).toBe(4);
    expect(startable(concurrency, 100 * MiB)).toBe(2);
    expect(startable(concurrency, 4 * GiB)).toBe(2);
  });

  it('keeps the small files in flight under 64 MiB together', () => {
    const concurrency = new JobConcurrency({ clock });
    const running = [20 * MiB, 20 * MiB, 20 * MiB];
    expect(concurrency.mayStart(running, 4 * MiB)).toBe(true);
    expect(concurrency.mayStart(running, 5 * MiB)).toBe(false);
  });

  it('lets small files run beside two big ones, which count only against each other', () => {
    const concurrency = new JobConcurrency({ clock });
    const big = [1 * GiB, 1 * GiB];
    expect(concurrency.mayStart(big, 1 * GiB)).toBe(false);
    expect(concurrency.mayStart(big, 1 * MiB)).toBe(true);
    expect(concurrency.mayStart([1 * GiB], 1 * GiB)).toBe(true);
  });

  it('always starts one job, however big, when none runs', async () => {
    const concurrency = new JobConcurrency({ clock, limits: { smallBytesInFlight: 1 } });
    expect(concurrency.mayStart([], 64 * GiB)).toBe(true);
    expect(concurrency.mayStart([], 1 * MiB)).toBe(true);
    for (let i = 0; i < 10; i++) {
      concurrency.pushedBack();
      await clock.advance(60_000);
    }
    expect(concurrency.limit).toBe(1);
    expect(concurrency.mayStart([], 1 * MiB)).toBe(true);
    expect(concurrency.mayStart([1], 1)).toBe(false);
  });

  it('halves when the server pushes back, once per burst, down to one', async () => {
    const concurrency = new JobConcurrency({ clock });
    expect(concurrency.limit).toBe(8);
    concurrency.pushedBack();
    expect(concurrency.limit).toBe(4);
    expect(startable(concurrency, 1 * MiB)).toBe(4);
    // Every job of the burst saw the same 429: counted once.
    await clock.advance(ADAPTIVE_LIMITS.coolDownMs - 1);
    concurrency.pushedBack();
    expect(concurrency.limit).toBe(4);
    await clock.advance(1);
    concurrency.pushedBack();
    expect(concurrency.limit).toBe(2);
    await clock.advance(ADAPTIVE_LIMITS.coolDownMs);
    concurrency.pushedBack();
    await clock.advance(ADAPTIVE_LIMITS.coolDownMs);
    concurrency.pushedBack();
    expect(concurrency.limit).toBe(1);
  });

  it('grows back by one at a time as jobs end well, at most every two seconds, up to eight', async () => {
    const concurrency = new JobConcurrency({ clock });
    concurrency.pushedBack();
    concurrency.jobDone();
    expect(concurrency.limit).toBe(4);
    await clock.advance(ADAPTIVE_LIMITS.growEveryMs);
    concurrency.jobDone();
    concurrency.jobDone();
    expect(concurrency.limit).toBe(5);
    for (let i = 0; i < 10; i++) {
      await clock.advance(ADAPTIVE_LIMITS.growEveryMs);
      concurrency.jobDone();
    }
    expect(concurrency.limit).toBe(8);
  });
});

describe('JobConcurrency, fixed (the preference, --jobs)', () => {
  it('runs exactly that many at once, whatever the sizes, and ignores push-backs', () => {
    const one = new JobConcurrency({ fixed: 1, clock });
    expect(startable(one, 1)).toBe(1);
    const three = new JobConcurrency({ fixed: 3, clock });
    expect(startable(three, 4 * GiB)).toBe(3);
    expect(startable(three, 1)).toBe(3);
    three.pushedBack();
    expect(three.limit).toBe(3);
    const twelve = new JobConcurrency({ fixed: 12, clock });
    expect(startable(twelve, 1 * MiB)).toBe(12);
  });

  it('goes back to adapting when the number is taken away', () => {
    const concurrency = new JobConcurrency({ fixed: 1, clock });
    concurrency.setFixed(null);
    expect(concurrency.fixed).toBeNull();
    expect(startable(concurrency, 1 * MiB)).toBe(8);
    concurrency.setFixed(2);
    expect(startable(concurrency, 1 * MiB)).toBe(2);
  });
});
