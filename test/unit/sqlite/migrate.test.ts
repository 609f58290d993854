// Migrations on a real SQLite file: each runs once, an up-to-date database is opened without
// a write (no commit, so no wait for the disk on every command), and a database newer than
// the program is refused with what to do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openSqlite } from '../../../src-main/sqlite/index.js';

const MIGRATIONS = [
  'CREATE TABLE jobs (id TEXT PRIMARY KEY)',
  'ALTER TABLE jobs ADD COLUMN state TEXT',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'migrate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Opens the file, migrates it, and answers what changed on disk (SQLite's data_version seen from another connection). */
function openAndMigrate(file: string, migrations: readonly string[]): { wrote: boolean } {
  const watcher = openSqlite(file, {});
  const before = watcher.pragma('data_version', { simple: true });
  const db = openSqlite(file, {});
  try {
    migrate(db, migrations);
  } finally {
    db.close();
  }
  const wrote = watcher.pragma('data_version', { simple: true }) !== before;
  watcher.close();
  return { wrote };
}

describe('migrate', () => {
  it('runs each migration once and writes nothing when the database is up to date', () => {
    const file = path.join(dir, 'queue.sqlite');
    expect(openAndMigrate(file, MIGRATIONS.slice(0, 1))).toEqual({ wrote: true });
    expect(openAndMigrate(file, MIGRATIONS)).toEqual({ wrote: true });
    expect(openAndMigrate(file, MIGRATIONS)).toEqual({ wrote: false });
    const db = openSqlite(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('jobs')).toEqual([
      'id',
      'state',
    ]);
    db.close();
  });

  it('refuses a database newer than the program, saying to update it', () => {
    const file = path.join(dir, 'newer.sqlite');
    openAndMigrate(file, MIGRATIONS);
    const db = openSqlite(file, {});
    expect(() => migrate(db, MIGRATIONS.slice(0, 1))).toThrow(
      /has schema version 2, newer than this program knows \(1\); update the program/,
    );
    db.close();
  });
});
