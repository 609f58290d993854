// The preferences as the faces see them: the bandwidth cap (the preference, and a process's
// `--max-rate`, which wins over it for that process; the engine applies the one in force), the
// stall timeout and the uploads at once.
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
  const {
    maxRate: maxRatePreference,
    stallTimeoutSeconds,
    jobConcurrency,
  } = settings.getPreferences();
  const maxRate = rateCapView(maxRatePreference);
  return {
    maxRate,
    maxRateInForce:
      maxRateOverride === undefined
        ? { ...maxRate, source: 'preference' }
        : { ...rateCapView(maxRateOverride), source: 'command-line' },
    stallTimeoutSeconds,
    jobConcurrency,
  };
}
