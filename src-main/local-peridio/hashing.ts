// The background hasher: when a binary enters `hashing`, the server computes the SHA-256 of
// its stored content in part order off the request path, then moves it to `signable` (match)
// or back to `hashable` (mismatch) as the lifecycle machine says. The parts already covered by
// the binary's running hash (running-hash.ts, fed during the upload) are not read again. A
// binary left in `hashing` by a crash or a stop is picked up again at start, with a full pass.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { isBinaryState, transitionFor } from '../lifecycle/index.js';
import { nowMicros } from './clock.js';
import type { LocalPeridioLogger } from './logger.js';
import { PASS_CHUNK_BYTES, feedPartFile } from './part-digest.js';
import type { PartStorage } from './part-storage.js';
import { RunningHashes } from './running-hash.js';

interface HashingBinary {
  prn: string;
  storage_id: string;
  hash: string;
  revision: number;
  state: string;
}

interface Job {
  controller: AbortController;
  done: Promise<void>;
}

export class BackgroundHasher {
  private readonly jobs = new Map<string, Job>();
  private readonly running: RunningHashes;

  constructor(
    private readonly db: Database,
    private readonly storage: PartStorage,
    private readonly logger: LocalPeridioLogger,
    private readonly delayPerPartMs: number,
  ) {
    this.running = new RunningHashes(db, storage, logger);
  }

  /** A part of the binary was verified and stored: extend its running hash. */
  partStored(binaryPrn: string): void {
    this.running.partStored(binaryPrn);
  }

  /** A part was replaced by a new one at the same index. */
  partReplaced(binaryPrn: string, index: number): void {
    this.running.partReplaced(binaryPrn, index);
  }

  /** Starts hashing a binary that is in `hashing` (replacing any earlier run for it). */
  start(binaryPrn: string): void {
    this.stopJob(binaryPrn);
    const controller = new AbortController();
    const job: Job = {
      controller,
      done: this.run(binaryPrn, controller.signal)
        .catch((error: unknown) => {
          if (!controller.signal.aborted) {
            this.logger.error('hashing failed', { binary_prn: binaryPrn, error: String(error) });
          }
        })
        .finally(() => {
          if (this.jobs.get(binaryPrn) === job) this.jobs.delete(binaryPrn);
        }),
    };
    this.jobs.set(binaryPrn, job);
  }

  /** Stops hashing a binary (it was reset or destroyed); its result would be stale anyway. */
  cancel(binaryPrn: string): void {
    this.running.drop(binaryPrn);
    this.stopJob(binaryPrn);
  }

  private stopJob(binaryPrn: string): void {
    const job = this.jobs.get(binaryPrn);
    if (!job) return;
    job.controller.abort();
    this.jobs.delete(binaryPrn);
  }

  /** Resumes every binary a previous run left in `hashing`. */
  resumeAll(): number {
    const rows = this.db.prepare("SELECT prn FROM binaries WHERE state = 'hashing'").all() as {
      prn: string;
    }[];
    for (const row of rows) this.start(row.prn);
    return rows.length;
  }

  /** Stops all hashing; binaries stay in `hashing` and resume at the next start. */
  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.controller.abort();
    await Promise.all([...jobs.map((job) => job.done), this.running.close()]);
  }

  private async run(binaryPrn: string, signal: AbortSignal): Promise<void> {
    const binary = this.db
      .prepare('SELECT prn, storage_id, hash, revision, state FROM binaries WHERE prn = ?')
      .get(binaryPrn) as HashingBinary | undefined;
    if (!binary || binary.state !== 'hashing') return;
    await this.running.settled(binaryPrn);
    if (signal.aborted) return;
    const parts = this.db
      .prepare(
        "SELECT part_index, upload_id FROM binary_parts WHERE binary_prn = ? AND state = 'valid' ORDER BY part_index",
      )
      .all(binaryPrn) as { part_index: number; upload_id: string }[];
    const prefix = this.running.prefixOf(binary, parts);
    const digest = prefix?.digest ?? createHash('sha256');
    const buffer = Buffer.allocUnsafe(PASS_CHUNK_BYTES);
    let readable = true;
    try {
      for (const [position, part] of parts.entries()) {
        // The fault knob simulates slow hashing for every part, read now or fed earlier.
        if (this.delayPerPartMs > 0) await sleep(this.delayPerPartMs, undefined, { signal });
        if (prefix && position < prefix.parts) continue;
        const file = this.storage.partFile(binary.storage_id, part.upload_id);
        await feedPartFile(digest, file, buffer, signal);
      }
    } catch (error) {
      if (signal.aborted) return;
      // Content that cannot be read does not match any hash: the binary goes back to
      // `hashable`, from where it can be reset and uploaded again.
      this.logger.error('the stored content of a binary could not be read', {
        binary_prn: binaryPrn,
        error: String(error),
      });
      readable = false;
    }
    if (signal.aborted) return;
    const actual = readable ? digest.digest('hex') : undefined;
    this.running.drop(binaryPrn);
    this.finish(binary, actual, prefix?.parts ?? 0);
  }

  private finish(started: HashingBinary, actual: string | undefined, reusedParts: number): void {
    this.db
      .transaction(() => {
        const current = this.db
          .prepare('SELECT state, revision FROM binaries WHERE prn = ?')
          .get(started.prn) as { state: string; revision: number } | undefined;
        // A reset (or anything else) since the start makes this result stale.
        if (!current || current.state !== 'hashing' || current.revision !== started.revision)
          return;
        const from = current.state;
        if (!isBinaryState(from)) return;
        const event = actual === started.hash ? 'HASH_MATCHED' : 'HASH_MISMATCHED';
        const move = transitionFor(from, event, 'server');
        if (!move) {
          this.logger.error('the hasher could not change the state', {
            binary_prn: started.prn,
            message: `the lifecycle allows no ${event} in ${from}`,
          });
          return;
        }
        const to = move.to;
        this.db
          .prepare('UPDATE binaries SET state = ?, updated_at = ? WHERE prn = ?')
          .run(to, nowMicros(), started.prn);
        this.logger.info('hashing finished', {
          binary_prn: started.prn,
          state: to,
          parts_from_running_hash: reusedParts,
          ...(to === 'hashable' ? { expected: started.hash, actual: actual ?? null } : {}),
        });
      })
      .immediate();
  }
}
