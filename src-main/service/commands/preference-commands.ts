// The preferences a face may read and change. A new bandwidth cap is in force at once, for the
// uploads running now too; a new stall timeout for the uploads started after it; a new number of
// uploads at once from the next upload to start. Every face is told.
import type { HandlerMap } from './handler.js';

type PreferenceCommand = 'preferences.get' | 'preferences.set';

export const preferenceCommands: HandlerMap<PreferenceCommand> = {
  async 'preferences.get'(_input, { preferences }) {
    return preferences();
  },

  async 'preferences.set'(
    { maxRate, stallTimeoutSeconds, jobConcurrency },
    { stores, preferencesChanged },
  ) {
    // One write for all, so a refused value changes none.
    stores.settings.updatePreferences({
      ...(maxRate !== undefined ? { maxRate } : {}),
      ...(stallTimeoutSeconds !== undefined ? { stallTimeoutSeconds } : {}),
      ...(jobConcurrency !== undefined ? { jobConcurrency } : {}),
    });
    return preferencesChanged();
  },
};
