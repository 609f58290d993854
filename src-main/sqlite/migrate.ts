import type { Database } from 'better-sqlite3';

/**
 * Brings a database's schema up to date: migration N runs once, when `user_version` is
 * below N + 1, all in one transaction so a crash leaves the old schema whole.
 */
export function migrate(db: Database, migrations: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `the database ${db.name} has schema version ${current}, newer than this program knows (${migrations.length}); update the program`,
    );
  }
  db.transaction(() => {
    for (let version = current; version < migrations.length; version += 1) {
      db.exec(migrations[version] ?? '');
    }
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
