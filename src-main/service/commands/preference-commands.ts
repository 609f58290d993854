// The preferences a face may read and change. A new bandwidth cap is in force at once, for the
// uploads running now too, and every face is told.
import type { HandlerMap } from './handler.js';

type PreferenceCommand = 'preferences.get' | 'preferences.set';

export const preferenceCommands: HandlerMap<PreferenceCommand> = {
  async 'preferences.get'(_input, { preferences }) {
    return preferences();
  },

  async 'preferences.set'({ maxRate }, { stores, preferencesChanged }) {
    if (maxRate !== undefined) stores.settings.updatePreferences({ maxRate });
    return preferencesChanged();
  },
};
