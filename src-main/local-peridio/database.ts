// The local server's SQLite database: one file in the data folder, WAL, synchronous=NORMAL,
// and held exclusively so that two servers can never share one data folder. In WAL mode
// NORMAL keeps every commit through a crash or kill -9; only a power cut may take back the
// last commits, and each of those fails safe (a part's bytes are synced before it is marked
// valid, so a lost mark means an upload again, never a valid part without its bytes). FULL
// cost an fsync per commit on the request thread, two per part, which slowed uploads.
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { migrate, openSqlite } from '../sqlite/index.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    key_sha256 TEXT NOT NULL UNIQUE,
    inserted_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    custom_metadata TEXT,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX artifacts_by_inserted_at ON artifacts (inserted_at, id);

  CREATE TABLE artifact_versions (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    artifact_prn TEXT NOT NULL REFERENCES artifacts (prn),
    version TEXT NOT NULL,
    description TEXT,
    custom_metadata TEXT,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (artifact_prn, version)
  ) STRICT;
  CREATE INDEX artifact_versions_by_inserted_at ON artifact_versions (inserted_at, id);

  CREATE TABLE binaries (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    -- Names the content folder: generated here, never taken from a request.
    storage_id TEXT NOT NULL UNIQUE,
    artifact_version_prn TEXT NOT NULL REFERENCES artifact_versions (prn),
    target TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    description TEXT,
    custom_metadata TEXT,
    state TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX binaries_by_inserted_at ON binaries (inserted_at, id);
  -- At most one not-destroyed binary per (artifact version, target).
  CREATE UNIQUE INDEX binaries_one_live_per_target
    ON binaries (artifact_version_prn, target) WHERE state <> 'destroyed';

  CREATE TABLE binary_parts (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    binary_prn TEXT NOT NULL REFERENCES binaries (prn),
    part_index INTEGER NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    -- Names the part's file and is signed into its upload URL: a replaced part gets a new one.
    upload_id TEXT NOT NULL UNIQUE,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (binary_prn, part_index)
  ) STRICT;

  CREATE TABLE signing_keys (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    keyid TEXT NOT NULL UNIQUE,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX signing_keys_by_inserted_at ON signing_keys (inserted_at, id);

  CREATE TABLE binary_signatures (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    binary_prn TEXT NOT NULL REFERENCES binaries (prn),
    -- No foreign key: a signature outlives the deletion of its signing key.
    signing_key_prn TEXT NOT NULL,
    keyid TEXT NOT NULL,
    signature TEXT NOT NULL,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (binary_prn, signing_key_prn)
  ) STRICT;
  CREATE INDEX binary_signatures_by_inserted_at ON binary_signatures (inserted_at, id);

  CREATE TABLE bundles (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    name TEXT,
    binaries TEXT NOT NULL,
    artifact_versions TEXT,
    hash TEXT,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX bundles_by_inserted_at ON bundles (inserted_at, id);

  CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    archived INTEGER NOT NULL DEFAULT 0,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX products_by_inserted_at ON products (inserted_at, id);

  CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    product_prn TEXT NOT NULL REFERENCES products (prn),
    description TEXT,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX cohorts_by_inserted_at ON cohorts (inserted_at, id);

  CREATE TABLE releases (
    id INTEGER PRIMARY KEY,
    prn TEXT NOT NULL UNIQUE,
    bundle_prn TEXT NOT NULL REFERENCES bundles (prn),
    cohort_prn TEXT NOT NULL REFERENCES cohorts (prn),
    name TEXT NOT NULL,
    required INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    schedule_date INTEGER,
    phase_value REAL,
    version TEXT,
    version_requirement TEXT,
    description TEXT,
    next_release_prn TEXT,
    previous_release_prn TEXT,
    inserted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX releases_by_inserted_at ON releases (inserted_at, id);
  `,
  // Keys the server generated (none was given): each new one replaces the last, so a key
  // printed by an earlier start stops working. Keys given to the server stay.
  `
  ALTER TABLE api_keys ADD COLUMN generated INTEGER NOT NULL DEFAULT 0;
  `,
];

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/** Opens (creating and migrating as needed) the database file. */
export function openDatabase(file: string): SqliteDatabase {
  const db = openSqlite(file, { timeout: 1000 });
  try {
    // Exclusive before WAL: the first write takes the lock and keeps it until close (or the
    // process dies, when the OS releases it), so a second server fails fast here.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS);
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new DataDirInUseError(
        `The database ${file} is in use by another local Peridio server; stop it or pick another data folder.`,
      );
    }
    throw error;
  }
  return db;
}

export function readMeta(db: SqliteDatabase, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: SqliteDatabase, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
