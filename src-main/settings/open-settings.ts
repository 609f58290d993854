// Opening the settings file, and the one explicit way out of a broken one.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from './app-paths.js';
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

function timestamp(now: Date): string {
  // No colons: the name must be valid on Windows too.
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Renames a broken settings file to `config.json.broken-<time>` (kept, never deleted) so the
 * app can start with fresh settings. Only on the user's explicit request. Returns the new
 * path, or null when there was no file.
 */
export function moveBrokenSettingsAside(filePath: string, now: Date = new Date()): string | null {
  if (!existsSync(filePath)) return null;
  const base = `${filePath}.broken-${timestamp(now)}`;
  let target = base;
  for (let attempt = 2; existsSync(target); attempt += 1) target = `${base}-${attempt}`;
  renameSync(filePath, target);
  return target;
}
