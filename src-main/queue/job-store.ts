// The persistent queue: one SQLite file in the app's data folder, shared by every process
// of the app (the desktop app, `peridio-desk upload`, the agent). A job is on disk before
// enqueue returns; runners claim jobs with a lease, so a job whose runner died (crash,
// kill -9, power cut) is taken up again once its lease runs out.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { migrate, openSnapshot, openSqlite } from '../sqlite/index.js';
import type { BinaryState } from '../lifecycle/index.js';
import { JOB_ACTION_FROM } from './job-actions.js';
import { JournalBatch } from './journal-batch.js';
import { JOB_COLUMNS, toJob, type JobRow } from './job-row.js';
import {
  damagedQueueNotice,
  damagedQueueReadNotice,
  isDamagedDatabase,
  salvageJobs,
  setDamagedQueueAside,
} from './damaged-queue.js';
import { explainQueueFailure } from './queue-failure.js';
import type { HashedFile } from '../upload/index.js';
import type {
  FileFingerprint,
  Job,
  JobError,
  JobOrigin,
  JobStatus,
  JobStep,
  UploadRequest,
} from './job-types.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    step TEXT NOT NULL,
    request TEXT NOT NULL,
    -- The workspace (server) the job goes to; a runner takes only its own workspace's jobs.
    workspace TEXT NOT NULL,
    queued_size INTEGER NOT NULL,
    queued_mtime_ms REAL NOT NULL,
    binary_id TEXT NOT NULL,
    binary_prn TEXT,
    binary_state TEXT,
    error TEXT,
    waiting_reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- The runner holding the job and until when (ms since epoch); renewed while it runs.
    lease_owner TEXT,
    lease_until INTEGER
  ) STRICT;
  CREATE INDEX jobs_by_status ON jobs (workspace, status, seq);

  -- Each step a job took, for people and for post-mortems.
  CREATE TABLE job_log (
    id INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    step TEXT NOT NULL,
    message TEXT NOT NULL
  ) STRICT;
  CREATE INDEX job_log_by_job ON job_log (job_id, id);

  -- Each part whose PUT the server accepted, per binary revision.
  CREATE TABLE job_parts (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    binary_prn TEXT NOT NULL,
    part_index INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    done_at TEXT NOT NULL,
    PRIMARY KEY (job_id, binary_prn, part_index)
  ) STRICT;

  -- Hashes of files by path, size, mtime and workspace: an unchanged file is not hashed twice.
  CREATE TABLE file_hashes (
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    workspace TEXT NOT NULL,
    hashed TEXT NOT NULL,
    PRIMARY KEY (path, size, mtime_ms, workspace)
  ) STRICT;
  `,
  `
  -- Where a queued copy came from (a watched file spooled before upload), and the content's
  -- hash when it was known at enqueue: the watcher makes one job per content and target.
  ALTER TABLE jobs ADD COLUMN source_path TEXT;
  ALTER TABLE jobs ADD COLUMN content_sha256 TEXT;
  CREATE INDEX jobs_by_binary ON jobs (
    workspace,
    json_extract(request, '$.artifactVersionPrn'),
    json_extract(request, '$.target')
  ) WHERE content_sha256 IS NOT NULL;
  `,
  `
  -- Finished jobs by when they finished, for pruning them.
  CREATE INDEX jobs_by_update ON jobs (status, updated_at);
  `,
  `
  -- When each hash was last used (ms since epoch): the cache keeps the most recently used.
  ALTER TABLE file_hashes ADD COLUMN used_at INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX file_hashes_by_use ON file_hashes (used_at);
  `,
  `
  -- What the server told of the API key a workspace is used with (named by a digest of the
  -- key, never the key), so that a command need not ask it again. The organization the key
  -- belongs to, which is so for good:
  CREATE TABLE key_organizations (
    workspace TEXT NOT NULL,
    key_digest TEXT NOT NULL,
    organization_prn TEXT NOT NULL,
    PRIMARY KEY (workspace, key_digest)
  ) STRICT;
  -- And when it last confirmed a signing key (its PRN holds this public value), for a while.
  CREATE TABLE signing_key_confirmations (
    workspace TEXT NOT NULL,
    key_digest TEXT NOT NULL,
    signing_key_prn TEXT NOT NULL,
    public_value TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, key_digest, signing_key_prn, public_value)
  ) STRICT;
  `,
];

/**
 * Hashes kept at most: an agent that sees thousands of new build outputs a day (each with
 * its spool copy) would otherwise grow the cache without end; the least recently used go.
 */
const HASH_CACHE_ENTRIES = 10_000;
/** SQLite's own default (2 MB), not better-sqlite3's 16 MB. */
const QUEUE_PAGE_CACHE_KIB = 2000;

/** A signing key as the server confirms it: its PRN holds this public value. */
export interface ConfirmedKey {
  signingKeyPrn: string;
  /** Base64 of the raw 32-byte Ed25519 public key. */
  publicValue: string;
}

export interface JobLogEntry {
  at: string;
  step: string;
  message: string;
}

/** A job that is not where an action needs it: said to people as is. */
export class JobStateError extends Error {
  override name = 'JobStateError';
}

const FINAL: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

/** Finished for good: what the retention prunes (a failed job waits for a person). */
const PRUNABLE: readonly JobStatus[] = ['done', 'cancelled'];

/** A job that will still run (what a cancel may stop) or may run again (what a retry takes:
 * a failed or a cancelled job, until the retention prunes it): its file must stay where the
 * job will read it. */
const NEEDS_ITS_FILE: readonly JobStatus[] = [...JOB_ACTION_FROM.cancel, ...JOB_ACTION_FROM.retry];

/** How long and how many finished jobs are kept: a job goes once it is too old or too far back. */
export interface JobRetention {
  keepDays: number;
  keepLast: number;
}

/** One page of jobs, in queue order (oldest first); `nextCursor` asks for the next one. */
export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

/** A runner's name: this machine, its process, and a unique part. */
export function runnerName(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/** True when `owner` was a process on this machine that has ended (a crash or kill -9). */
function runnerIsGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The device and inode of the file at `file`; 'missing', or 'not-a-file'. */
function fileIdentity(file: string): string {
  try {
    const stats = statSync(file);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : 'not-a-file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

export interface JobStoreOptions {
  /** How long a write waits for another connection's lock before SQLITE_BUSY; default 5 s. */
  busyTimeoutMs?: number;
  /** How long a step or a part may wait to be written with others; default 100 ms. */
  journalDelayMs?: number;
  /** Told when a damaged queue file was set aside and a fresh one started (see use). */
  onRecovered?: (notice: string) => void;
  /** How many file hashes the cache keeps; default HASH_CACHE_ENTRIES. */
  hashCacheEntries?: number;
  /** For looking only (`queue list`): nothing is written, so a queue this user cannot write,
   * or one on a full disk, can still be read; a damaged one is read as far as it can be. */
  readOnly?: boolean;
}

export class JobStore {
  private fileId: string;
  private readonly journal: JournalBatch;
  /** True inside a public method: the methods it calls run unguarded (see use). */
  private inUse = false;

  private constructor(
    private connection: SqliteDatabase,
    readonly file: string,
    private readonly options: JobStoreOptions,
  ) {
    this.fileId = fileIdentity(file);
    this.journal = new JournalBatch(() => this.connection, options.journalDelayMs ?? 100);
  }

  /** The database, with the journal's pending writes written first: whatever this store reads
   * or writes next comes after them, as if they had been written at once. */
  private get db(): SqliteDatabase {
    this.journal.flush();
    return this.connection;
  }

  /** Opens the queue at `file`; a damaged one is set aside and a fresh one started. */
  static open(file: string, options: JobStoreOptions = {}): JobStore {
    if (options.readOnly) {
      try {
        return new JobStore(JobStore.connectToRead(file), file, options);
      } catch (error) {
        if (!isDamagedDatabase(error)) throw error;
        const store = new JobStore(JobStore.inMemory(), file, options);
        store.carryOver(file, error);
        return store;
      }
    }
    try {
      return new JobStore(JobStore.connect(file, options), file, options);
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      const keptAs = setDamagedQueueAside(file, new Date());
      const store = new JobStore(JobStore.connect(file, options), file, options);
      store.carryOver(keptAs, error);
      return store;
    }
  }

  /** The file as it is, read-only; else a copy in memory (SQLite could not open it here). */
  private static connectToRead(file: string): SqliteDatabase {
    if (!existsSync(file)) return JobStore.inMemory();
    let db: SqliteDatabase | undefined;
    try {
      db = openSqlite(file, { readonly: true, fileMustExist: true });
      // SQLite opens lazily: the first read is where a log index it cannot make fails.
      db.pragma('user_version');
      return db;
    } catch (error) {
      db?.close();
      if (isDamagedDatabase(error)) throw error;
      try {
        return openSnapshot(file);
      } catch {
        throw explainQueueFailure(error, file);
      }
    }
  }

  /** An empty queue in memory, with the schema. */
  private static inMemory(): SqliteDatabase {
    const db = openSqlite(':memory:', {});
    migrate(db, MIGRATIONS);
    return db;
  }

  private static connect(file: string, options: JobStoreOptions): SqliteDatabase {
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const db = openSqlite(file, { timeout: 5000 });
      try {
        db.pragma('journal_mode = WAL');
        // Journal writes (steps, parts) survive a crash or kill -9 in WAL mode without an
        // fsync each; a power cut may take back the last few, which only costs re-asking the
        // server. Enqueueing alone is made power-cut proof (see enqueue).
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        // better-sqlite3 builds with a 16 MB page cache per connection, which fills as the
        // queue grows; the working set is the active jobs, and the OS caches the rest.
        db.pragma(`cache_size = -${QUEUE_PAGE_CACHE_KIB}`);
        if (options.busyTimeoutMs !== undefined) {
          db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
        }
        migrate(db, MIGRATIONS);
      } catch (error) {
        db.close();
        throw error;
      }
      return db;
    } catch (error) {
      throw explainQueueFailure(error, file);
    }
  }

  /**
   * Runs one public method's work. SQLite's failures become a QueueFileError that names the
   * file and what to do. A damaged file (found by whatever read crossed a bad page) is set
   * aside, a fresh queue started with the jobs still readable, and the work done again there;
   * when another process did that first, its fresh file is used.
   */
  private use<T>(work: () => T): T {
    if (this.inUse) return work();
    this.inUse = true;
    try {
      try {
        return work();
      } catch (error) {
        if (!isDamagedDatabase(error)) throw error;
        this.startAfresh(error);
        return work();
      }
    } catch (error) {
      throw explainQueueFailure(error, this.file);
    } finally {
      this.inUse = false;
    }
  }

  private startAfresh(damage: unknown): void {
    // The journal's pending steps may name jobs the fresh queue lacks; the next steps say more.
    this.journal.discard();
    this.connection.close();
    if (this.options.readOnly) {
      // Read what can be read, in memory; the next command that writes sets the file aside.
      this.connection = JobStore.inMemory();
      this.carryOver(this.file, damage);
      return;
    }
    const replaced = fileIdentity(this.file) !== this.fileId;
    const keptAs = replaced ? undefined : setDamagedQueueAside(this.file, new Date());
    this.connection = JobStore.connect(this.file, this.options);
    this.fileId = fileIdentity(this.file);
    if (keptAs) this.carryOver(keptAs, damage);
  }

  /** Writes the jobs still readable in the damaged file into this (fresh) queue, and says so. */
  private carryOver(keptAs: string, damage: unknown): void {
    const rows = salvageJobs(keptAs);
    const columns = JOB_COLUMNS.join(', ');
    const insert = this.connection.prepare(
      `INSERT OR IGNORE INTO jobs (${columns}) VALUES (${JOB_COLUMNS.map(() => '?').join(', ')})`,
    );
    const note = this.connection.prepare(
      'INSERT INTO job_log (job_id, at, step, message) VALUES (?, ?, ?, ?)',
    );
    const now = new Date().toISOString();
    this.connection.pragma('synchronous = FULL');
    try {
      this.connection.transaction(() => {
        rows.forEach((row, index) => {
          insert.run(...JOB_COLUMNS.map((column) => (column === 'seq' ? index + 1 : row[column])));
          note.run(row.id, now, row.step, `carried over from the damaged queue ${keptAs}`);
        });
      })();
    } finally {
      this.connection.pragma('synchronous = NORMAL');
    }
    this.options.onRecovered?.(
      this.options.readOnly
        ? damagedQueueReadNotice(this.file, rows.length, damage)
        : damagedQueueNotice(this.file, keptAs, rows.length, damage),
    );
  }

  close(): void {
    try {
      this.journal.flush();
    } finally {
      this.connection.close();
    }
  }

  /**
   * Checks that the queue's path still holds the database open here: SQLite writes on into a
   * file removed while open, so every later job would vanish unseen. A removed file is
   * written back from the open copy (nothing is lost); a file put in its place is used from
   * now on. Answers what was done (undefined when nothing was needed); throws when it cannot
   * be done yet (something else is in the way), and is asked again on the next turn.
   */
  checkFile(): string | undefined {
    const found = fileIdentity(this.file);
    if (found === this.fileId) return undefined;
    if (found === 'not-a-file') {
      throw new Error(
        `${this.file} is not a file; move it away and the queue is written back there.`,
      );
    }
    if (found === 'missing') {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      this.db.prepare('VACUUM INTO ?').run(this.file);
    }
    // The old connection first: closing it removes the "-wal" and "-shm" files by name.
    this.connection.close();
    this.connection = JobStore.connect(this.file, this.options);
    this.fileId = fileIdentity(this.file);
    return found === 'missing'
      ? `The upload queue ${this.file} was removed while in use; it was written back from the open copy and no job was lost.`
      : `The upload queue ${this.file} was replaced while in use; the queue now uses the file found there.`;
  }

  /**
   * Stores a new job; it is on disk, synced, when this returns. The same upload asked again
   * (same file unchanged, artifact version, target, key and replace choice) while its job is
   * still queued, waiting or running (an `upload` stopped with Ctrl+C and run again) takes
   * over that job instead of queueing a second one.
   */
  enqueue(request: UploadRequest, queuedFile: FileFingerprint, origin: JobOrigin = {}): Job {
    return this.use(() => {
      let id: string = randomUUID();
      const now = new Date().toISOString();
      this.db.pragma('synchronous = FULL');
      try {
        this.db
          .transaction(() => {
            const same = this.unfinishedJobFor(request, queuedFile, origin);
            if (same) {
              id = same;
              this.log(id, 'queued', 'asked again: this job goes on rather than a second one');
            } else this.insertJob(id, now, request, queuedFile, origin);
          })
          .immediate();
      } finally {
        this.db.pragma('synchronous = NORMAL');
      }
      return this.get(id);
    });
  }

  private unfinishedJobFor(
    request: UploadRequest,
    queuedFile: FileFingerprint,
    origin: JobOrigin,
  ): string | undefined {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs
         WHERE workspace = ? AND json_extract(request, '$.path') = ?
           AND json_extract(request, '$.artifactVersionPrn') = ?
           AND json_extract(request, '$.target') = ?
           AND status IN ('queued', 'waiting', 'running')
           AND queued_size = ? AND queued_mtime_ms = ?
         ORDER BY seq DESC`,
      )
      .all(
        request.workspace,
        request.path,
        request.artifactVersionPrn,
        request.target,
        queuedFile.size,
        queuedFile.mtimeMs,
      ) as JobRow[];
    const same = rows
      .map(toJob)
      .find(
        (job) =>
          JSON.stringify(job.request.signingKey) === JSON.stringify(request.signingKey) &&
          job.request.replace === request.replace &&
          job.sourcePath === (origin.sourcePath ?? null) &&
          (origin.sha256 === undefined || job.sha256 === origin.sha256),
      );
    return same?.id;
  }

  private insertJob(
    id: string,
    now: string,
    request: UploadRequest,
    queuedFile: FileFingerprint,
    origin: JobOrigin,
  ): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, seq, created_at, updated_at, status, step, request, workspace,
           queued_size, queued_mtime_ms, binary_id, source_path, content_sha256)
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs), ?, ?, 'queued', 'queued', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        now,
        now,
        JSON.stringify(request),
        request.workspace,
        queuedFile.size,
        queuedFile.mtimeMs,
        randomUUID(),
        origin.sourcePath ?? null,
        origin.sha256 ?? null,
      );
    const from = origin.sourcePath ? ` (a copy of ${origin.sourcePath})` : '';
    this.log(id, 'queued', `queued ${request.path}${from} for ${request.target}`);
  }

  /**
   * The jobs of a workspace whose content was known at enqueue, for one artifact version and
   * target, in the given statuses, oldest first: how the watcher tells a file it already
   * queued (same hash) from new content for a target that is already taken.
   */
  jobsForBinary(query: {
    workspace: string;
    artifactVersionPrn: string;
    target: string;
    statuses: readonly JobStatus[];
  }): Job[] {
    return this.use(() => {
      const { workspace, artifactVersionPrn, target, statuses } = query;
      if (statuses.length === 0) return [];
      const rows = this.db
        .prepare(
          `SELECT * FROM jobs
           WHERE workspace = ? AND json_extract(request, '$.artifactVersionPrn') = ?
             AND json_extract(request, '$.target') = ? AND content_sha256 IS NOT NULL
             AND status IN (${statuses.map(() => '?').join(',')})
           ORDER BY seq`,
        )
        .all(workspace, artifactVersionPrn, target, ...statuses) as JobRow[];
      return rows.map(toJob);
    });
  }

  /**
   * The newest job of a workspace for a binary: by its PRN, or by artifact version and target
   * for a job that stopped before it had one. What `binaries.resumeUpload` takes up again.
   */
  latestJobForBinary(query: {
    workspace: string;
    binaryPrn: string;
    artifactVersionPrn: string;
    target: string;
  }): Job | undefined {
    return this.use(() => {
      const { workspace, binaryPrn, artifactVersionPrn, target } = query;
      const row = this.db
        .prepare(
          `SELECT * FROM jobs
           WHERE workspace = ? AND (binary_prn = ? OR (binary_prn IS NULL
             AND json_extract(request, '$.artifactVersionPrn') = ?
             AND json_extract(request, '$.target') = ?))
           ORDER BY seq DESC LIMIT 1`,
        )
        .get(workspace, binaryPrn, artifactVersionPrn, target) as JobRow | undefined;
      return row && toJob(row);
    });
  }

  /** Every path a job that may still run (or run again) uploads: what the spools keep. */
  pathsInUse(): Set<string> {
    return this.use(() => {
      const rows = this.db
        .prepare(
          `SELECT json_extract(request, '$.path') AS path FROM jobs
           WHERE status IN (${NEEDS_ITS_FILE.map(() => '?').join(',')})`,
        )
        .all(...NEEDS_ITS_FILE) as { path: string }[];
      return new Set(rows.map((r) => r.path));
    });
  }

  find(id: string): Job | undefined {
    return this.use(() => {
      const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
      return row && toJob(row);
    });
  }

  get(id: string): Job {
    const job = this.find(id);
    if (!job) throw new JobStateError(`There is no job ${id} in the queue.`);
    return job;
  }

  list(filter: { statuses?: readonly JobStatus[]; workspace?: string } = {}): Job[] {
    return this.use(() => {
      const statuses = filter.statuses ?? [];
      const clauses: string[] = [];
      const values: string[] = [];
      if (statuses.length) {
        clauses.push(`status IN (${statuses.map(() => '?').join(',')})`);
        values.push(...statuses);
      }
      if (filter.workspace !== undefined) {
        clauses.push('workspace = ?');
        values.push(filter.workspace);
      }
      const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      const rows = this.db
        .prepare(`SELECT * FROM jobs ${where} ORDER BY seq`)
        .all(...values) as JobRow[];
      return rows.map(toJob);
    });
  }

  /**
   * One page of jobs in queue order (oldest first, as they run): those in `statuses` (all
   * when none), of `workspace` (every workspace's when left out), after `cursor` (from the
   * previous page).
   */
  listPage(query: {
    statuses?: readonly JobStatus[];
    workspace?: string;
    cursor?: string;
    limit: number;
  }): JobPage {
    return this.use(() => {
      const statuses = query.statuses ?? [];
      const clauses: string[] = [];
      const values: (string | number)[] = [];
      if (statuses.length) {
        clauses.push(`status IN (${statuses.map(() => '?').join(',')})`);
        values.push(...statuses);
      }
      if (query.workspace !== undefined) {
        clauses.push('workspace = ?');
        values.push(query.workspace);
      }
      if (query.cursor !== undefined) {
        if (!/^[1-9]\d{0,15}$/.test(query.cursor)) {
          throw new JobStateError(
            'That page cursor is not one this queue gave; ask for the first page again.',
          );
        }
        clauses.push('seq > ?');
        values.push(Number(query.cursor));
      }
      const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      const rows = this.db
        .prepare(`SELECT * FROM jobs ${where} ORDER BY seq LIMIT ?`)
        .all(...values, query.limit + 1) as JobRow[];
      const more = rows.length > query.limit;
      const page = more ? rows.slice(0, query.limit) : rows;
      return {
        jobs: page.map(toJob),
        nextCursor: more ? String(page[page.length - 1]!.seq) : null,
      };
    });
  }

  /**
   * Removes finished jobs (done, cancelled) that finished more than `keepDays` ago or are
   * further back than the last `keepLast`, with their logs and parts. Answers how many went.
   */
  pruneFinished(retention: JobRetention, now: number = Date.now()): number {
    return this.use(() => {
      const before = new Date(now - retention.keepDays * 86_400_000).toISOString();
      const finished = PRUNABLE.map(() => '?').join(',');
      return this.db
        .transaction(
          () =>
            this.db
              .prepare(
                `DELETE FROM jobs WHERE status IN (${finished}) AND (
                   updated_at < ? OR id NOT IN (
                     SELECT id FROM jobs WHERE status IN (${finished})
                     ORDER BY updated_at DESC, seq DESC LIMIT ?))`,
              )
              .run(...PRUNABLE, before, ...PRUNABLE, retention.keepLast).changes,
        )
        .immediate();
    });
  }

  /** True while a job of the workspace may still need work (queued, running, waiting). */
  hasPendingWork(workspace: string): boolean {
    return this.use(() => {
      return (
        this.db
          .prepare(
            `SELECT 1 FROM jobs WHERE workspace = ? AND status IN ('queued', 'running', 'waiting') LIMIT 1`,
          )
          .get(workspace) !== undefined
      );
    });
  }

  /**
   * Claims the oldest job of `workspace` that is ready to run for `owner` until
   * `leaseUntil`: queued or waiting, or running for a runner that is gone (its lease ran
   * out, or it was a process on this machine that no longer exists). Atomic across processes.
   * A job whose binary (artifact version and target) another job is running for is passed
   * over until that one ends: two runs on one binary would send the same parts and sign it
   * at once, and one of them would fail.
   */
  claimNext(claim: {
    owner: string;
    workspace: string;
    leaseUntil: number;
    now?: number;
    onlyIds?: readonly string[] | undefined;
    /** Whether the job ready next may start now, by its file's queued size; when not, none is
     * claimed (the queue's order holds). */
    admits?: (queuedSize: number) => boolean;
  }): Job | undefined {
    return this.use(() => {
      const { owner, workspace, leaseUntil, now = Date.now(), onlyIds = [], admits } = claim;
      const only = new Set(onlyIds);
      return this.db
        .transaction(() => {
          const rows = this.db
            .prepare(
              `SELECT id, status, lease_owner, lease_until, queued_size,
                 json_extract(request, '$.artifactVersionPrn') || ' ' ||
                   json_extract(request, '$.target') AS binary_key
               FROM jobs
               WHERE workspace = ? AND status IN ('queued', 'waiting', 'running')
               ORDER BY seq`,
            )
            .all(workspace) as {
            id: string;
            status: JobStatus;
            lease_owner: string | null;
            lease_until: number | null;
            queued_size: number;
            binary_key: string;
          }[];
          const claimable = (r: (typeof rows)[number]) =>
            r.status !== 'running' ||
            (r.lease_until ?? 0) < now ||
            (r.lease_owner !== null && runnerIsGone(r.lease_owner));
          // Every runner's jobs count here, this scope's or not, this process's or another's.
          const busy = new Set(rows.filter((r) => !claimable(r)).map((r) => r.binary_key));
          const row = rows.find(
            (r) => (only.size === 0 || only.has(r.id)) && claimable(r) && !busy.has(r.binary_key),
          );
          if (!row || (admits && !admits(row.queued_size))) return undefined;
          this.db
            .prepare(
              `UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?,
                 attempts = attempts + 1, waiting_reason = NULL, updated_at = ? WHERE id = ?`,
            )
            .run(owner, leaseUntil, new Date(now).toISOString(), row.id);
          if (row.status === 'running')
            this.log(row.id, 'resumed', 'taken up again after its runner stopped');
          return this.get(row.id);
        })
        .immediate();
    });
  }

  /** Extends the leases `owner` holds; answers the ids it still holds. */
  renewLeases(owner: string, leaseUntil: number): string[] {
    return this.use(() => {
      this.db
        .prepare(`UPDATE jobs SET lease_until = ? WHERE lease_owner = ? AND status = 'running'`)
        .run(leaseUntil, owner);
      const rows = this.db
        .prepare(`SELECT id FROM jobs WHERE lease_owner = ? AND status = 'running'`)
        .all(owner) as { id: string }[];
      return rows.map((r) => r.id);
    });
  }

  /** A runner lets go of a job it holds, setting where it ends up. */
  release(
    id: string,
    owner: string,
    outcome:
      | { status: 'done' }
      | { status: 'failed'; error: JobError }
      | { status: 'waiting'; reason: string }
      | { status: 'queued' },
  ): void {
    return this.use(() => {
      const error = outcome.status === 'failed' ? JSON.stringify(outcome.error) : null;
      const reason = outcome.status === 'waiting' ? outcome.reason : null;
      // A person may have paused or cancelled it meanwhile: that decision stands.
      this.db
        .prepare(
          `UPDATE jobs SET status = ?, error = ?, waiting_reason = ?, lease_owner = NULL,
             lease_until = NULL, updated_at = ?
           WHERE id = ? AND lease_owner = ? AND status = 'running'`,
        )
        .run(outcome.status, error, reason, new Date().toISOString(), id, owner);
      if (outcome.status === 'failed') this.log(id, 'failed', outcome.error.message);
      if (outcome.status === 'waiting') this.log(id, 'waiting', outcome.reason);
      if (outcome.status === 'done') this.log(id, 'done', 'finished');
    });
  }

  /** Records the step a running job is in, and the binary it works on (with the journal's next
   * batch: see JournalBatch). */
  setStep(
    id: string,
    step: JobStep,
    message: string,
    binary?: { prn: string; state: BinaryState },
  ): void {
    const now = new Date().toISOString();
    this.journal.add(
      `UPDATE jobs SET step = ?, binary_prn = COALESCE(?, binary_prn),
         binary_state = COALESCE(?, binary_state), updated_at = ? WHERE id = ?`,
      step,
      binary?.prn ?? null,
      binary?.state ?? null,
      now,
      id,
    );
    this.journal.add(
      'INSERT INTO job_log (job_id, at, step, message) VALUES (?, ?, ?, ?)',
      id,
      now,
      step,
      message,
    );
  }

  pause(id: string): Job {
    return this.changeStatus(id, JOB_ACTION_FROM.pause, 'paused', 'paused');
  }

  resume(id: string): Job {
    return this.changeStatus(id, JOB_ACTION_FROM.resume, 'queued', 'resumed');
  }

  /** Runs a failed or cancelled job again from where its binary stands. */
  retry(id: string): Job {
    return this.changeStatus(id, JOB_ACTION_FROM.retry, 'queued', 'retried');
  }

  cancel(id: string): Job {
    return this.changeStatus(id, JOB_ACTION_FROM.cancel, 'cancelled', 'cancelled');
  }

  private changeStatus(id: string, from: readonly JobStatus[], to: JobStatus, verb: string): Job {
    return this.use(() => {
      return this.db
        .transaction(() => {
          const job = this.get(id);
          if (!from.includes(job.status)) {
            const why = FINAL.includes(job.status) ? 'it has ended' : `it is ${job.status}`;
            throw new JobStateError(`Job ${id} cannot be ${verb}: ${why} (status ${job.status}).`);
          }
          this.db
            .prepare(
              `UPDATE jobs SET status = ?, lease_owner = NULL, lease_until = NULL, waiting_reason = NULL,
                 error = CASE WHEN ? = 'queued' THEN NULL ELSE error END, updated_at = ? WHERE id = ?`,
            )
            .run(to, to, new Date().toISOString(), id);
          this.log(id, job.step, verb);
          return this.get(id);
        })
        .immediate();
    });
  }

  log(id: string, step: string, message: string): void {
    return this.use(() => {
      this.db
        .prepare('INSERT INTO job_log (job_id, at, step, message) VALUES (?, ?, ?, ?)')
        .run(id, new Date().toISOString(), step, message);
    });
  }

  history(id: string): JobLogEntry[] {
    return this.use(() => {
      return this.db
        .prepare('SELECT at, step, message FROM job_log WHERE job_id = ? ORDER BY id')
        .all(id) as JobLogEntry[];
    });
  }

  /** Journals a part the server accepted (with the journal's next batch: a part journaled late
   * is at worst sent again after a crash, since a resumed job asks the server for its parts). */
  partDone(
    id: string,
    binaryPrn: string,
    part: { index: number; sha256: string; size: number },
  ): void {
    this.journal.add(
      `INSERT INTO job_parts (job_id, binary_prn, part_index, sha256, size, done_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (job_id, binary_prn, part_index)
       DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, done_at = excluded.done_at`,
      id,
      binaryPrn,
      part.index,
      part.sha256,
      part.size,
      new Date().toISOString(),
    );
  }

  /** How many times each part was journaled as sent, and the bytes, for a job. */
  partsDone(id: string): { index: number; sha256: string; size: number }[] {
    return this.use(() => {
      return this.db
        .prepare(
          `SELECT part_index AS "index", sha256, size FROM job_parts WHERE job_id = ? ORDER BY part_index`,
        )
        .all(id) as { index: number; sha256: string; size: number }[];
    });
  }

  cachedHash(path: string, file: FileFingerprint, workspace: string): HashedFile | undefined {
    return this.use(() => {
      const key = [path, file.size, file.mtimeMs, workspace];
      const row = this.db
        .prepare(
          'SELECT hashed FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ? AND workspace = ?',
        )
        .get(...key) as { hashed: string } | undefined;
      if (!row) return undefined;
      this.journal.add(
        `UPDATE file_hashes SET used_at = ?
         WHERE path = ? AND size = ? AND mtime_ms = ? AND workspace = ?`,
        Date.now(),
        ...key,
      );
      return JSON.parse(row.hashed) as HashedFile;
    });
  }

  /** Forgets the hash of a file that is gone for good (a spool copy removed). */
  forgetHash(path: string, workspace: string): void {
    return this.use(() => {
      this.db
        .prepare('DELETE FROM file_hashes WHERE path = ? AND workspace = ?')
        .run(path, workspace);
    });
  }

  /** Keeps a file's hash: one per path (an older one is of content no longer there), and at
   * most `hashCacheEntries` in all, the least recently used going first. */
  rememberHash(hashed: HashedFile, workspace: string): void {
    return this.use(() => {
      const db = this.db;
      db.transaction(() => {
        db.prepare('DELETE FROM file_hashes WHERE path = ? AND workspace = ?').run(
          hashed.path,
          workspace,
        );
        db.prepare(
          `INSERT INTO file_hashes (path, size, mtime_ms, workspace, hashed, used_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(
          hashed.path,
          hashed.size,
          hashed.mtimeMs,
          workspace,
          JSON.stringify(hashed),
          Date.now(),
        );
        const cap = this.options.hashCacheEntries ?? HASH_CACHE_ENTRIES;
        const { count } = db.prepare('SELECT count(*) AS count FROM file_hashes').get() as {
          count: number;
        };
        if (count > cap) {
          db.prepare(
            `DELETE FROM file_hashes WHERE rowid IN
               (SELECT rowid FROM file_hashes ORDER BY used_at DESC, rowid DESC LIMIT -1 OFFSET ?)`,
          ).run(cap);
        }
      })();
    });
  }

  /** The organization the server said the key (named by its digest) belongs to, when it was
   * asked before. */
  keyOrganization(workspace: string, keyDigest: string): string | undefined {
    return this.use(() => {
      const row = this.db
        .prepare(
          'SELECT organization_prn FROM key_organizations WHERE workspace = ? AND key_digest = ?',
        )
        .get(workspace, keyDigest) as { organization_prn: string } | undefined;
      return row?.organization_prn;
    });
  }

  /** Keeps the key's organization for the next command; a read-only queue keeps nothing. */
  rememberKeyOrganization(workspace: string, keyDigest: string, organizationPrn: string): void {
    if (this.options.readOnly) return;
    return this.use(() => {
      this.db
        .prepare(
          `INSERT INTO key_organizations (workspace, key_digest, organization_prn) VALUES (?, ?, ?)
           ON CONFLICT (workspace, key_digest) DO UPDATE SET organization_prn = excluded.organization_prn`,
        )
        .run(workspace, keyDigest, organizationPrn);
    });
  }

  /** When (ms since epoch) the server last confirmed the signing key, if it did. */
  signingKeyConfirmedAt(
    workspace: string,
    keyDigest: string,
    key: ConfirmedKey,
  ): number | undefined {
    return this.use(() => {
      const row = this.db
        .prepare(
          `SELECT confirmed_at FROM signing_key_confirmations
           WHERE workspace = ? AND key_digest = ? AND signing_key_prn = ? AND public_value = ?`,
        )
        .get(workspace, keyDigest, key.signingKeyPrn, key.publicValue) as
        { confirmed_at: number } | undefined;
      return row?.confirmed_at;
    });
  }

  /** Keeps that the server confirmed the signing key at `at`; a read-only queue keeps nothing. */
  rememberSigningKeyConfirmed(
    workspace: string,
    keyDigest: string,
    key: ConfirmedKey,
    at: number,
  ): void {
    if (this.options.readOnly) return;
    return this.use(() => {
      this.db
        .prepare(
          `INSERT INTO signing_key_confirmations
             (workspace, key_digest, signing_key_prn, public_value, confirmed_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (workspace, key_digest, signing_key_prn, public_value)
             DO UPDATE SET confirmed_at = excluded.confirmed_at`,
        )
        .run(workspace, keyDigest, key.signingKeyPrn, key.publicValue, at);
    });
  }
}
