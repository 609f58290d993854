// The one way the engine opens a SQLite file, so every database loads the native build that
// fits this process (plain Node or Electron: native-binding.ts).
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Options } from 'better-sqlite3';
import { betterSqlitePackageDir, sqliteNativeBinding } from './native-binding.js';

let binding: string | undefined | null = null;

function nativeBinding(): string | undefined {
  binding ??= sqliteNativeBinding({
    versions: process.versions,
    platform: process.platform,
    arch: process.arch,
    packageDir: betterSqlitePackageDir(),
    exists: existsSync,
  });
  return binding;
}

export function openSqlite(file: string, options: Omit<Options, 'nativeBinding'>): SqliteDatabase {
  const chosen = nativeBinding();
  return new Database(file, chosen === undefined ? options : { ...options, nativeBinding: chosen });
}
