// The bandwidth cap's grammar: every form people write, what each means in bytes per second,
// and a refusal for anything else that says what was wrong and shows how to write it.
import { describe, expect, it } from 'vitest';
import { formatRate, parseRate, RATE_EXAMPLES } from '../../../src-preload/contract.js';

function accepted(text: string) {
  const parsed = parseRate(text);
  if (!parsed.ok) throw new Error(`refused ${JSON.stringify(text)}: ${parsed.message}`);
  return parsed;
}

function refusal(text: string): string {
  const parsed = parseRate(text);
  if (parsed.ok) throw new Error(`accepted ${JSON.stringify(text)} as ${parsed.text}`);
  expect(parsed.message).toContain(RATE_EXAMPLES);
  return parsed.message;
}

describe('parseRate', () => {
  it.each([
    ['5MB/s', 5_000_000, 'MB/s', '5 MB/s'],
    ['5 MB/s', 5_000_000, 'MB/s', '5 MB/s'],
    ['5mB/s', 5_000_000, 'MB/s', '5 MB/s'],
    ['5MiB/s', 5 * 1024 * 1024, 'MiB/s', '5 MiB/s'],
    ['500kB/s', 500_000, 'kB/s', '500 kB/s'],
    ['500KB/s', 500_000, 'kB/s', '500 kB/s'],
    ['64KiB/s', 65_536, 'KiB/s', '64 KiB/s'],
    ['1.5MB/s', 1_500_000, 'MB/s', '1.5 MB/s'],
    ['1.50MB/s', 1_500_000, 'MB/s', '1.5 MB/s'],
    ['.5MB/s', 500_000, 'MB/s', '0.5 MB/s'],
    ['2GB/s', 2e9, 'GB/s', '2 GB/s'],
    ['1GiB/s', 1024 ** 3, 'GiB/s', '1 GiB/s'],
    ['250000B/s', 250_000, 'B/s', '250000 B/s'],
    ['40Mbit/s', 5_000_000, 'Mbit/s', '40 Mbit/s'],
    ['40 Mbit/s', 5_000_000, 'Mbit/s', '40 Mbit/s'],
    ['40Mbps', 5_000_000, 'Mbit/s', '40 Mbit/s'],
    ['40mbps', 5_000_000, 'Mbit/s', '40 Mbit/s'],
    ['100kbit/s', 12_500, 'kbit/s', '100 kbit/s'],
    ['512kbps', 64_000, 'kbit/s', '512 kbit/s'],
    ['1Gbit/s', 125_000_000, 'Gbit/s', '1 Gbit/s'],
    ['1Gbps', 125_000_000, 'Gbit/s', '1 Gbit/s'],
    ['80000bit/s', 10_000, 'bit/s', '80000 bit/s'],
    ['  8 MB/s  ', 8_000_000, 'MB/s', '8 MB/s'],
  ])('reads %j as %d bytes/s', (text, bytesPerSecond, unit, shown) => {
    expect(accepted(text)).toEqual({ ok: true, bytesPerSecond, unit, text: shown });
  });

  it.each(['0', '0.0', '00', 'off', 'OFF', 'unlimited', 'Unlimited', 'none', '0MB/s', '0 Mbit/s'])(
    'reads %j as no cap',
    (text) => {
      expect(accepted(text)).toEqual({
        ok: true,
        bytesPerSecond: null,
        unit: null,
        text: 'unlimited',
      });
    },
  );

  it('reads its own writing back to the same cap', () => {
    for (const text of ['5MB/s', '5MiB/s', '40Mbps', '1.5MB/s', '512kbps', 'off']) {
      const once = accepted(text);
      expect(accepted(once.text)).toEqual(once);
    }
  });

  it('refuses nothing at all', () => {
    expect(refusal('')).toMatch(/^No rate was given/);
    expect(refusal('   ')).toMatch(/^No rate was given/);
  });

  it('refuses a number without a unit, showing both readings', () => {
    expect(refusal('5')).toMatch(/"5" has no unit: write 5MB\/s for megabytes, or 5Mbit\/s/);
  });

  it('refuses bits-or-bytes spellings instead of guessing', () => {
    expect(refusal('5Mb/s')).toMatch(/ambiguous.*write 5MB\/s for bytes or 5Mbit\/s for bits/);
    expect(refusal('5mb/s')).toMatch(/ambiguous/);
    expect(refusal('5MBps')).toMatch(/ambiguous.*5MB\/s.*5Mbit\/s/);
  });

  it('refuses an amount that is not per second', () => {
    expect(refusal('5MB')).toMatch(/"5MB" is an amount, not a rate: add "\/s", as in 5MB\/s/);
    expect(refusal('5M')).toMatch(/amount/);
    expect(refusal('40Mbit')).toMatch(/amount/);
  });

  it('refuses what is not a rate, naming it', () => {
    expect(refusal('fast')).toMatch(/"fast" is not a rate: it does not start with a number/);
    expect(refusal('-5MB/s')).toMatch(/cannot be negative/);
    expect(refusal('5,5MB/s')).toMatch(/comma: write decimals with a point, as in 5\.5MB\/s/);
    expect(refusal('5 furlongs/fortnight')).toMatch(
      /unit this app does not know \("furlongs\/fortnight"\)/,
    );
    expect(refusal('5TB/s')).toMatch(/unit this app does not know/);
    expect(refusal('1e6B/s')).toMatch(/unit this app does not know/);
    expect(refusal('5MB/s please')).toMatch(/unit this app does not know/);
  });

  it('refuses caps too slow to finish a part, or larger than any link', () => {
    expect(refusal('999B/s')).toMatch(/too slow.*at least 1kB\/s/);
    expect(refusal('1kbit/s')).toMatch(/too slow/);
    expect(accepted('1kB/s').bytesPerSecond).toBe(1000);
    expect(refusal('2000GB/s')).toMatch(/more than any link carries/);
  });

  it('keeps a long input short in its message', () => {
    const message = refusal(`${'9'.repeat(500)}XB/s`);
    expect(message.length).toBeLessThan(400);
  });
});

describe('formatRate', () => {
  it('shows a rate in the unit asked for', () => {
    expect(formatRate(7_940_000, 'MB/s')).toBe('7.94 MB/s');
    expect(formatRate(5_000_000, 'Mbit/s')).toBe('40 Mbit/s');
    expect(formatRate(4_900_000, 'Mbit/s')).toBe('39.2 Mbit/s');
    expect(formatRate(5 * 1024 * 1024, 'MiB/s')).toBe('5 MiB/s');
    expect(formatRate(123_456_789, 'kB/s')).toBe('123457 kB/s');
  });

  it('picks a decimal unit by itself', () => {
    expect(formatRate(950)).toBe('950 B/s');
    expect(formatRate(12_500)).toBe('12.5 kB/s');
    expect(formatRate(8_000_000)).toBe('8 MB/s');
    expect(formatRate(1_250_000_000)).toBe('1.25 GB/s');
  });

  it('calls no cap "unlimited"', () => {
    expect(formatRate(null)).toBe('unlimited');
    expect(formatRate(null, 'MB/s')).toBe('unlimited');
  });
});
