// How the upload speed reads next to the bandwidth cap: in the cap's own unit, so "7.9 of
// 8 MB/s" compares like with like (without a cap, in the binary units the jobs use).
import { formatRate, parseRate, type RateCapView } from '../../src-preload/contract.js';
import { formatSpeed } from './format.js';

/** "7.94 MB/s (cap 8 MB/s)", "12.5 MiB/s (no cap)"; nothing moving reads "—". */
export function speedWithCap(bytesPerSecond: number, cap: RateCapView | null): string {
  const moving = Number.isFinite(bytesPerSecond) && bytesPerSecond > 0;
  if (cap === null || cap.bytesPerSecond === null) {
    return `${moving ? formatSpeed(bytesPerSecond) : '—'} (no cap)`;
  }
  const parsed = parseRate(cap.text);
  const speed = moving ? formatRate(bytesPerSecond, parsed.ok ? parsed.unit : null) : '—';
  return `${speed} (cap ${cap.text})`;
}

/** Where the cap in force comes from, when it is not the preference a person can change here. */
export function capSourceNote(inForce: RateCapView & { source: string }): string | null {
  if (inForce.source !== 'command-line') return null;
  return (
    `This engine was started with --max-rate ${inForce.text}, which applies until it ` +
    'restarts; the cap set here is kept for the next start.'
  );
}
