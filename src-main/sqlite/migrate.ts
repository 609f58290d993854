import type { Database } from 'better-sqlite3';

/**
 * Brings a database's schema up to date: migration N runs once, when `user_version` is
 * below N + 1, all in one transaction so a crash leaves the old schema whole.
 */
export function migrate(db: Database, migrations: readonly string[]): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const current = version();
  if (current > migrations.length) {
    throw new Error(
      `the database ${db.name} has schema version ${current}, newer than this program knows (${migrations.length}); update the program`,
    );
  }
  // Up to date, as on every open but the first: no write, so no wait for the disk.
  if (current === migrations.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated it meanwhile.
    const from = version();
    if (from >= migrations.length) return;
    for (let at = from; at < migrations.length; at += 1) db.exec(migrations[at] ?? '');
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
