// The settings backend of the desktop app: electron-store, on the same file the CLI and the
// dashboard use (<data folder>/config.json), with the same options as the conf backend so
// the three faces read and write one file the same way.
import { join } from 'node:path';
import ElectronStore from 'electron-store';
import { SETTINGS_FILE_NAME, SettingsFileError, type SettingsBackend } from '../settings/index.js';

export function openDesktopSettingsBackend(dataDir: string): SettingsBackend {
  try {
    return new ElectronStore<Record<string, unknown>>({
      cwd: dataDir,
      name: 'config',
      // Profile and key names may hold dots; the store only ever uses top-level keys anyway.
      accessPropertiesByDotNotation: false,
      // Never replace a file that could not be read: a hand-edit mistake must not cost the
      // user their profiles.
      clearInvalidConfig: false,
    });
  } catch (error) {
    // electron-store (conf) reads the file in its constructor and throws on broken JSON.
    const detail = error instanceof Error ? error.message : String(error);
    const why = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new SettingsFileError(
      join(dataDir, SETTINGS_FILE_NAME),
      `${why} (${detail})`,
      [{ field: '', message: detail }],
      { cause: error },
    );
  }
}
