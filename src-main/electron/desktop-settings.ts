// The settings backend of the desktop app: electron-store, on the same file the CLI and the
// dashboard use (<data folder>/config.json), with the same options as the conf backend so
// the three faces read and write one file the same way.
import ElectronStore from 'electron-store';
import {
  SETTINGS_STORE_OPTIONS,
  openBackendOrExplain,
  type SettingsBackend,
} from '../settings/index.js';

export function openDesktopSettingsBackend(dataDir: string): SettingsBackend {
  return openBackendOrExplain(
    dataDir,
    (cwd) =>
      new ElectronStore<Record<string, unknown>>({
        cwd,
        name: 'config',
        ...SETTINGS_STORE_OPTIONS,
      }),
  );
}
