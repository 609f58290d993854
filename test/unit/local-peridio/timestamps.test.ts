// The local server's search dates: what a person types is read as that very instant.
import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from '../../../src-main/local-peridio/clock.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-02-29T12:34:56.789012Z', '2024-02-29T12:34:56.789012Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000000Z'],
    ['2024-03-01T01:00:00+02:00', '2024-02-29T23:00:00.000000Z'],
    // Years below 100 are those years, not 1900 to 1999.
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000000Z'],
    ['0000-01-01', '0000-01-01T00:00:00.000000Z'],
  ])('reads %s as %s', (typed, instant) => {
    expect(formatTimestamp(parseTimestamp(typed)!)).toBe(instant);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-01-01T24:00:00Z', '2024-01-01T00:60', 'yesterday'])(
    'refuses %s',
    (typed) => {
      expect(parseTimestamp(typed)).toBeUndefined();
    },
  );
});
