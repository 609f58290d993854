// The one way the engine opens a SQLite file, so every database loads the native build that
// fits this process (plain Node or Electron: native-binding.ts).
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Options } from 'better-sqlite3';
import { betterSqlitePackageDir, sqliteNativeBinding } from './native-binding.js';

let binding: string | undefined | null = null;

function nativeBinding(): string | undefined {
  binding ??= sqliteNativeBinding({
    versions: process.versions,
    platform: process.platform,
    arch: process.arch,
    // Found only inside Electron, the one case that needs it: a resolve less per start.
    get packageDir() {
      return betterSqlitePackageDir();
    },
    exists: existsSync,
  });
  return binding;
}

export function openSqlite(file: string, options: Omit<Options, 'nativeBinding'>): SqliteDatabase {
  const chosen = nativeBinding();
  return new Database(file, chosen === undefined ? options : { ...options, nativeBinding: chosen });
}

/**
 * A copy in memory of the database at `file`, for reading where SQLite cannot open the file
 * itself (a write-ahead-log database needs its shared-memory file, which a read-only folder or
 * a full disk cannot hold). Pages still only in the log are not seen.
 */
export function openSnapshot(file: string): SqliteDatabase {
  const bytes = readFileSync(file);
  // The header's read and write versions say "WAL"; a database in memory cannot be one.
  if (bytes.length >= 20) bytes.fill(1, 18, 20);
  const chosen = nativeBinding();
  return new Database(bytes, chosen === undefined ? {} : { nativeBinding: chosen });
}
