import { describe, expect, it } from 'vitest';
import { paced } from '../../../src-renderer/lib/paced.js';

describe('paced', () => {
  it('shows the first value at once, then at most one per interval', () => {
    const shown: number[] = [];
    const show = paced(250, (value: number) => shown.push(value));
    // Chromium's upload progress: an event every 50 ms.
    for (let at = 1000; at <= 2000; at += 50) show(at, at);
    expect(shown).toEqual([1000, 1250, 1500, 1750, 2000]);
  });

  it('shows a value that comes after a longer quiet spell at once', () => {
    const shown: string[] = [];
    const show = paced(250, (value: string) => shown.push(value));
    show('a', 0);
    show('b', 100);
    show('c', 5000);
    expect(shown).toEqual(['a', 'c']);
  });
});
