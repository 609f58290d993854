// The desktop face's own preferences (how its window and tray behave), in desktop.json in the
// data folder. Not in config.json: that file is the engine's, and two processes writing one
// file through separate stores could undo each other's changes.
import ElectronStore from 'electron-store';
import { resolveCloseToTray } from './close-behaviour.js';

interface DesktopPreferencesFile {
  closeToTray?: boolean;
  sandboxNoticeShown?: boolean;
}

export class DesktopPreferences {
  readonly #store: ElectronStore<DesktopPreferencesFile>;

  constructor(dataDir: string) {
    this.#store = new ElectronStore<DesktopPreferencesFile>({
      cwd: dataDir,
      name: 'desktop',
      // A damaged file is not worth a start failure: these are a few booleans.
      clearInvalidConfig: true,
    });
  }

  get closeToTray(): boolean {
    return resolveCloseToTray(this.#store.get('closeToTray'), process.platform);
  }

  set closeToTray(value: boolean) {
    this.#store.set('closeToTray', value);
  }

  /** True the first time only: the AppImage's sandbox notice is shown once. */
  takeSandboxNotice(): boolean {
    if (this.#store.get('sandboxNoticeShown') === true) return false;
    this.#store.set('sandboxNoticeShown', true);
    return true;
  }
}
