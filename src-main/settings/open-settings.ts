// Opening the settings file, and the one explicit way out of a broken one.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { asideName } from '../files/index.js';
import { defaultDataDir } from '../app-paths/index.js';
import { openConfBackend, SETTINGS_FILE_NAME, type SettingsBackend } from './settings-backend.js';
import { SettingsFileError } from './settings-errors.js';
import { SettingsStore } from './settings-store.js';

export interface OpenSettingsOptions {
  /** The app data folder (`config.json` goes in it); defaultDataDir() unless given. */
  dataDir?: string;
  /** An electron-store (desktop app) or any backend with the same API; conf unless given. */
  backend?: SettingsBackend;
}

/**
 * Opens the settings. A file that cannot be read or does not follow the schema makes this
 * throw SettingsFileError (naming the file and each field) and nothing is written: the user
 * fixes the file or calls moveBrokenSettingsAside.
 */
export function openSettings(options: OpenSettingsOptions = {}): SettingsStore {
  if (options.backend !== undefined) return new SettingsStore(options.backend);
  return new SettingsStore(
    openBackendOrExplain(options.dataDir ?? defaultDataDir(), openConfBackend),
  );
}

/**
 * Opens the file with `open` (conf, or electron-store in the desktop app), which reads it in
 * its constructor and throws on broken JSON: that becomes a SettingsFileError naming the file.
 */
export function openBackendOrExplain(
  dataDir: string,
  open: (dataDir: string) => SettingsBackend,
): SettingsBackend {
  try {
    return open(dataDir);
  } catch (error) {
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

/**
 * Renames a broken settings file to `config.json.broken-<time>` (kept, never deleted) so the
 * app can start with fresh settings. Only on the user's explicit request. Returns the new
 * path, or null when there was no file.
 */
export function moveBrokenSettingsAside(filePath: string, now: Date = new Date()): string | null {
  if (!existsSync(filePath)) return null;
  const target = asideName(filePath, 'broken', now);
  renameSync(filePath, target);
  return target;
}

/**
 * Stands in for a settings file that cannot be used, for a command whose server comes from
 * the environment (PERIDIO_API_KEY): it reads as no settings (the preferences' defaults) and
 * refuses every write with the file's own error, so nothing is written over the file.
 */
export function brokenSettingsStandIn(broken: SettingsFileError): SettingsBackend {
  const refuse = (): never => {
    throw broken;
  };
  return {
    get: () => undefined,
    has: () => false,
    set: refuse,
    delete: refuse,
    store: {},
    path: broken.filePath,
  };
}
