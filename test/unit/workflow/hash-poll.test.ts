// The hash poll schedule, simulated for servers that hash in 5 ms to an hour: the time lost
// between the server's finishing and the engine's next look stays under 20 % of the hashing
// time (or the shortest wait, for hashes shorter than that), with few requests.
import { describe, expect, it } from 'vitest';
import { HASH_POLL, nextHashPoll } from '../../../src-main/workflow/index.js';

/** When the engine looks, from asking the server to hash until it sees it done at `doneMs`. */
function looksUntilSeen(doneMs: number): number[] {
  const looks: number[] = [];
  let now = 0;
  do {
    now += nextHashPoll(looks.length === 0 ? null : now);
    looks.push(now);
  } while (now < doneMs);
  return looks;
}

const SECOND = 1000;

describe('the hash poll schedule', () => {
  it.each([1, 5, 50, 200, SECOND, 3.4 * SECOND, 60 * SECOND, 20 * 60 * SECOND])(
    'sees a hash that took %d ms with under 20 %% of that lost, or the shortest wait',
    (doneMs) => {
      const looks = looksUntilSeen(doneMs);
      const lost = looks.at(-1)! - doneMs;
      expect(lost).toBeLessThanOrEqual(Math.max(HASH_POLL.minMs, 0.2 * doneMs));
    },
  );

  it('looks first after 1 ms, when a small binary is often hashed already', () => {
    expect(looksUntilSeen(1)).toEqual([1]);
    expect(looksUntilSeen(5)).toEqual([1, 21]);
  });

  it('looks about 30 times for a 3.4 s hash and at most once per 5 s after a minute', () => {
    expect(looksUntilSeen(3.4 * SECOND).length).toBeLessThanOrEqual(32);
    const hour = looksUntilSeen(60 * 60 * SECOND);
    const afterAMinute = hour.filter((at) => at > 60 * SECOND);
    expect(afterAMinute.length).toBeLessThanOrEqual((59 * 60) / 5 + 1);
  });

  // Counted as if the server answered at once; a real round trip spaces the looks further.
  it('looks at most 25 times in the first second, and at most 10 in any later one', () => {
    const looks = looksUntilSeen(10 * 60 * SECOND);
    expect(looks.filter((at) => at <= SECOND).length).toBeLessThanOrEqual(25);
    for (const from of looks.filter((at) => at >= SECOND)) {
      const inSecond = looks.filter((at) => at >= from && at < from + SECOND);
      expect(inSecond.length).toBeLessThanOrEqual(10);
    }
  });
});
