import { describe, expect, it } from 'vitest';
import {
  countOf,
  formatBytes,
  formatEta,
  formatFullTime,
  formatRelativeTime,
  formatSpeed,
  percentOf,
  shortHash,
} from '../../../src-renderer/lib/format.js';

describe('formatting numbers for people', () => {
  it('writes sizes in binary units with sensible precision', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12.0 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1.00 GiB');
    expect(formatBytes(300 * 1024 ** 3)).toBe('300 GiB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('writes speed per second and hides a speed not known yet', () => {
    expect(formatSpeed(5 * 1024 * 1024)).toBe('5.00 MiB/s');
    expect(formatSpeed(0)).toBe('—');
  });

  it('writes the time left in seconds, minutes and hours', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(0.2)).toBe('1 s');
    expect(formatEta(45)).toBe('45 s');
    expect(formatEta(60)).toBe('1 min');
    expect(formatEta(185)).toBe('3 min 5 s');
    expect(formatEta(2 * 3600 + 10 * 60)).toBe('2 h 10 min');
  });

  it('gives a whole percent that never passes 100 and is 0 for an unknown total', () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 4)).toBe(100);
  });

  it('shortens a hash to its first 12 characters', () => {
    expect(shortHash('0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortHash('')).toBe('');
  });

  it('counts in plain digits, singular for one', () => {
    expect(countOf(1000, 'binary', 'binaries')).toBe('1000 binaries');
    expect(countOf(1, 'binary', 'binaries')).toBe('1 binary');
  });
});

describe('times in the binaries table', () => {
  const now = new Date(2026, 10, 27, 18, 30, 0);
  const at = (month: number, day: number, hour: number, minute: number, second = 0) =>
    new Date(2026, month, day, hour, minute, second).toISOString();

  it('says how long ago, in minutes and hours today', () => {
    expect(formatRelativeTime(at(10, 27, 18, 29, 20), now)).toBe('just now');
    expect(formatRelativeTime(at(10, 27, 18, 27), now)).toBe('3 min ago');
    expect(formatRelativeTime(at(10, 27, 15, 10), now)).toBe('3 h ago');
  });

  it('says yesterday and days ago by calendar day, then the date', () => {
    expect(formatRelativeTime(at(10, 26, 23, 50), now)).toBe('yesterday');
    expect(formatRelativeTime(at(10, 23, 9, 0), now)).toBe('4 days ago');
    const older = formatRelativeTime(at(9, 3, 9, 0), now);
    expect(older).toMatch(/3/);
    expect(older).not.toMatch(/2026|ago/);
    expect(formatRelativeTime(new Date(2025, 9, 3).toISOString(), now)).toMatch(/2025/);
  });

  it('reads a server clock a little ahead as now, and a missing time as a dash', () => {
    expect(formatRelativeTime(at(10, 27, 18, 30, 20), now)).toBe('just now');
    expect(formatRelativeTime(null, now)).toBe('—');
    expect(formatFullTime(null)).toBe('');
    expect(formatFullTime(at(10, 27, 18, 27))).toMatch(/2026/);
  });
});
