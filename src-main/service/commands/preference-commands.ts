// The preferences a face may read and change. A new bandwidth cap is in force at once, for the
// uploads running now too; a new stall timeout for the uploads started after it. Every face is
// told.
import type { HandlerMap } from './handler.js';

type PreferenceCommand = 'preferences.get' | 'preferences.set';

export const preferenceCommands: HandlerMap<PreferenceCommand> = {
  async 'preferences.get'(_input, { preferences }) {
    return preferences();
  },

  async 'preferences.set'({ maxRate, stallTimeoutSeconds }, { stores, preferencesChanged }) {
    // One write for both, so a refused value changes neither.
    stores.settings.updatePreferences({
      ...(maxRate !== undefined ? { maxRate } : {}),
      ...(stallTimeoutSeconds !== undefined ? { stallTimeoutSeconds } : {}),
    });
    return preferencesChanged();
  },
};
