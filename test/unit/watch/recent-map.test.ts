// The agent's per-file memories stay within their caps however long it runs.
import { describe, expect, it } from 'vitest';
import { RecentMap } from '../../../src-main/watch/recent-map.js';

describe('RecentMap', () => {
  it('keeps the last `cap` keys set, forgetting the oldest first', () => {
    const map = new RecentMap<string, number>(3);
    for (let i = 1; i <= 100_000; i += 1) map.set(`file-${i}`, i);
    expect(map.size).toBe(3);
    expect([...map.keys()]).toEqual(['file-99998', 'file-99999', 'file-100000']);
  });

  it('counts a key set again as the newest, so it outlives older ones', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });
});
