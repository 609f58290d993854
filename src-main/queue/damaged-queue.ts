// A queue file SQLite calls damaged (pages overwritten by a failing disk or a bad copy) is
// kept aside under a name that says so, never deleted, and the jobs that can still be read
// off its pages go on in a fresh queue: uploads keep working, and nothing readable is lost.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { asideName } from '../files/index.js';
import { salvageRows } from '../sqlite/index.js';
import { jobRowOf, type JobRow } from './job-row.js';
import { QueueFileError } from './queue-failure.js';

/** SQLite's word for a file whose pages are not what it wrote: SQLITE_CORRUPT*, SQLITE_NOTADB. */
export function isDamagedDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
  );
}

/**
 * Renames the damaged queue (with its write-ahead log, which may hold its newest pages) to
 * `<file>.damaged-<time>`; the shared-memory index is only derived from them and goes.
 * Answers the name it is kept under.
 */
export function setDamagedQueueAside(file: string, now: Date): string {
  const keptAs = asideName(file, 'damaged', now);
  renameSync(file, keptAs);
  if (existsSync(`${file}-wal`)) renameSync(`${file}-wal`, `${keptAs}-wal`);
  rmSync(`${file}-shm`, { force: true });
  return keptAs;
}

/**
 * The jobs that can still be read off a damaged queue file, oldest first. A job found in
 * several versions (pages the log rewrote) is taken in its newest.
 */
export function salvageJobs(keptAs: string): JobRow[] {
  const newest = new Map<string, JobRow>();
  for (const values of salvageRows(keptAs)) {
    const row = jobRowOf(values);
    if (!row) continue;
    const known = newest.get(row.id);
    if (!known || known.updated_at <= row.updated_at) newest.set(row.id, row);
  }
  return [...newest.values()].sort(
    (a, b) => a.seq - b.seq || a.created_at.localeCompare(b.created_at),
  );
}

/** SQLite's own words for the damage, under any wording of ours. */
function damageWords(cause: unknown): string {
  const root = cause instanceof QueueFileError ? cause.cause : cause;
  return root instanceof Error ? root.message : String(root);
}

function jobCount(count: number): string {
  return count === 1 ? '1 job' : `${count} jobs`;
}

/** What the person is told: the file, where it is kept, and what went on. */
export function damagedQueueNotice(
  file: string,
  keptAs: string,
  carried: number,
  cause: unknown,
): string {
  return (
    `The upload queue ${file} was damaged (${damageWords(cause)}). It is kept as ${keptAs}, ` +
    `and a fresh queue goes on with the ${jobCount(carried)} that could still be read. Upload ` +
    'again any job missing from the list: the server keeps what it already holds. The ' +
    'damaged copy may go once you no longer need it.'
  );
}

/** The same, when the queue was only being read (nothing was moved). */
export function damagedQueueReadNotice(file: string, readable: number, cause: unknown): string {
  return (
    `The upload queue ${file} is damaged (${damageWords(cause)}); shown are the ` +
    `${jobCount(readable)} that could still be read. The next command that uploads or runs the ` +
    'queue keeps the damaged file aside and goes on with them.'
  );
}
