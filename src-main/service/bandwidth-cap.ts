// The bandwidth cap: the preference, and a process's `--max-rate`, which wins over it for that
// process. The engine applies the one in force; the faces show both.
import { parseRate, type PreferencesView, type RateCapView } from '../../src-preload/contract.js';
import type { SettingsStore } from '../settings/index.js';

/** A rate the settings schema or the command line has already checked. */
export function rateCapView(text: string): RateCapView {
  const parsed = parseRate(text);
  if (!parsed.ok) throw new TypeError(`not a checked rate: ${parsed.message}`);
  return { bytesPerSecond: parsed.bytesPerSecond, text: parsed.text };
}

export function preferencesView(
  settings: SettingsStore,
  maxRateOverride: string | undefined,
): PreferencesView {
  const maxRate = rateCapView(settings.getPreferences().maxRate);
  return {
    maxRate,
    maxRateInForce:
      maxRateOverride === undefined
        ? { ...maxRate, source: 'preference' }
        : { ...rateCapView(maxRateOverride), source: 'command-line' },
  };
}
