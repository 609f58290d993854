// The upload speed beside the bandwidth cap reads in the cap's unit, and a cap given on the
// command line says why changing the preference does not change it now.
import { describe, expect, it } from 'vitest';
import { capSourceNote, speedWithCap } from '../../../src-renderer/lib/bandwidth-words.js';

describe('speedWithCap', () => {
  it('shows the speed in the unit of the cap', () => {
    const cap = (bytesPerSecond: number, text: string) => ({ bytesPerSecond, text });
    expect(speedWithCap(7_940_000, cap(8_000_000, '8 MB/s'))).toBe('7.94 MB/s (cap 8 MB/s)');
    expect(speedWithCap(4_900_000, cap(5_000_000, '40 Mbit/s'))).toBe(
      '39.2 Mbit/s (cap 40 Mbit/s)',
    );
    expect(speedWithCap(0, cap(5_000_000, '40 Mbit/s'))).toBe('— (cap 40 Mbit/s)');
  });

  it('says there is no cap, in the units the jobs show', () => {
    expect(speedWithCap(12.5 * 1024 * 1024, { bytesPerSecond: null, text: 'unlimited' })).toBe(
      '12.5 MiB/s (no cap)',
    );
    expect(speedWithCap(0, null)).toBe('— (no cap)');
  });
});

describe('capSourceNote', () => {
  it('explains a cap from the command line, and says nothing of the preference', () => {
    expect(
      capSourceNote({ bytesPerSecond: 1_000_000, text: '1 MB/s', source: 'command-line' }),
    ).toMatch(/^This engine was started with --max-rate 1 MB\/s, which applies until it restarts/);
    expect(
      capSourceNote({ bytesPerSecond: null, text: 'unlimited', source: 'preference' }),
    ).toBeNull();
  });
});
