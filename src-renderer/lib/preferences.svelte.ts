// The preferences as the UI shows them: the bandwidth cap, and the one in force (a dashboard
// started with `--max-rate` keeps its own). Kept current by `preferences:changed`, so a change
// made in one window shows in every other.
import type { DeskError, PreferencesView } from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';
import { facade } from './facade.js';

class PreferencesState {
  view = $state.raw<PreferencesView | null>(null);
  error = $state<DeskError | null>(null);

  start(): void {
    const desk = facade();
    desk.on('preferences:changed', ({ preferences }) => {
      this.view = preferences;
    });
    desk.onReconnect(() => void this.load());
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.view = await facade().call('preferences.get');
      this.error = null;
    } catch (error) {
      this.error = toDeskError(error);
    }
  }

  /** Sets the cap (`5MB/s`, `off`); it applies to the uploads running now too. */
  async setMaxRate(maxRate: string): Promise<void> {
    this.view = await facade().call('preferences.set', { maxRate });
  }
}

export const preferences = new PreferencesState();
