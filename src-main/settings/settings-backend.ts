// The small part of conf's API the settings store uses. electron-store has the same API, so
// the desktop app passes its instance and plain Node (CLI, tests) uses conf.
import Conf from 'conf';

export interface SettingsBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
  /** The whole file's content; reading it re-reads the file and throws when it is broken. */
  readonly store: Record<string, unknown>;
  /** The file the settings live in. */
  readonly path: string;
}

export const SETTINGS_FILE_NAME = 'config.json';

/**
 * How every face opens the file (conf here, electron-store in the desktop app): the same
 * options, so the CLI, the dashboard and the desktop app read and write it alike.
 */
export const SETTINGS_STORE_OPTIONS = {
  // Profile and key names may hold dots; the store only ever uses top-level keys anyway.
  accessPropertiesByDotNotation: false,
  // Never replace a file that could not be read: a hand-edit mistake must not cost the
  // user their profiles.
  clearInvalidConfig: false,
} as const;

/** A conf store at `<dataDir>/config.json`. Throws conf's own error when the file is broken. */
export function openConfBackend(dataDir: string): SettingsBackend {
  return new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'config',
    ...SETTINGS_STORE_OPTIONS,
  });
}
