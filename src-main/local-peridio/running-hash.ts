// Running hashes: while a binary is being uploaded, a SHA-256 over the contiguous prefix of its
// valid parts (1, 2, ... without a gap) is kept up to date as parts arrive, so that at
// `hashing` only the parts after the prefix are read. Only parts the part PUT verified and
// committed are fed, read back from the just-written file (page cache) in small chunks so
// the event loop is never held for more than a few milliseconds.
//
// A part's upload id names one verified content for good (a re-sent body is checked against
// the same hash; a replaced part gets a new upload id), so the prefix is described by the
// upload ids it was fed; the hasher uses it only when those are still the binary's valid
// parts 1..k, and otherwise reads everything. Nothing survives a restart: a full pass then.
import { createHash, type Hash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { LocalPeridioLogger } from './logger.js';
import { feedPartFile } from './part-digest.js';
import type { PartStorage } from './part-storage.js';

/** Read size while feeding during uploads: ~1 ms of hashing per chunk between requests. */
const FEED_CHUNK_BYTES = 1024 * 1024;

/** Binaries with a running hash at once; the least recently fed one is dropped beyond this. */
const MAX_RUNNING = 32;

interface RunningState {
  storageId: string;
  revision: number;
  digest: Hash;
  /** Upload ids fed so far: `fed[i]` is part i + 1. */
  fed: string[];
  /** The part index being read now, if any. */
  reading: number | undefined;
  controller: AbortController;
  feeding: Promise<void> | undefined;
  /** Set when a part was stored while feeding: feed again once the current feeding ends. */
  again: boolean;
}

/** The running hash of a binary's first `parts` parts, ready for the remaining ones. */
export interface HashedPrefix {
  digest: Hash;
  parts: number;
}

export class RunningHashes {
  private readonly states = new Map<string, RunningState>();
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly storage: PartStorage,
    private readonly logger: LocalPeridioLogger,
  ) {}

  /** A part of the binary became valid: extend the prefix in the background. */
  partStored(binaryPrn: string): void {
    if (this.closed) return;
    const binary = this.db
      .prepare('SELECT storage_id, revision, state FROM binaries WHERE prn = ?')
      .get(binaryPrn) as { storage_id: string; revision: number; state: string } | undefined;
    let state = this.states.get(binaryPrn);
    if (state && (!binary || state.revision !== binary.revision)) {
      this.drop(binaryPrn);
      state = undefined;
    }
    if (!binary || (!state && binary.state !== 'uploadable')) return;
    if (state) {
      // Most recently fed last, so that the oldest is the one dropped when full.
      this.states.delete(binaryPrn);
    } else {
      state = {
        storageId: binary.storage_id,
        revision: binary.revision,
        digest: createHash('sha256'),
        fed: [],
        reading: undefined,
        controller: new AbortController(),
        feeding: undefined,
        again: false,
      };
      const oldest = this.states.keys().next();
      if (this.states.size >= MAX_RUNNING && !oldest.done) this.drop(oldest.value);
    }
    this.states.set(binaryPrn, state);
    this.schedule(binaryPrn, state);
  }

  /** A part was replaced: a prefix that holds (or is reading) that index is of no use now. */
  partReplaced(binaryPrn: string, index: number): void {
    const state = this.states.get(binaryPrn);
    if (state && (index <= state.fed.length || index === state.reading)) this.drop(binaryPrn);
  }

  /** Resolves once the binary's running hash, if any, has fed every part it can. */
  async settled(binaryPrn: string): Promise<void> {
    for (;;) {
      const feeding = this.states.get(binaryPrn)?.feeding;
      if (!feeding) return;
      await feeding;
    }
  }

  /**
   * A copy of the prefix's hash when the prefix is exactly the first of `parts` (the valid
   * parts in index order) and no part is being fed, else undefined.
   */
  prefixOf(
    binary: { prn: string; storage_id: string; revision: number },
    parts: readonly { part_index: number; upload_id: string }[],
  ): HashedPrefix | undefined {
    const state = this.states.get(binary.prn);
    if (!state || state.feeding) return undefined;
    const matches =
      state.storageId === binary.storage_id &&
      state.revision === binary.revision &&
      state.fed.length <= parts.length &&
      state.fed.every(
        (uploadId, i) => parts[i]?.part_index === i + 1 && parts[i]?.upload_id === uploadId,
      );
    return matches ? { digest: state.digest.copy(), parts: state.fed.length } : undefined;
  }

  /** Forgets a binary's running hash (hashed, reset, destroyed or replaced inside the prefix). */
  drop(binaryPrn: string): void {
    const state = this.states.get(binaryPrn);
    if (!state) return;
    state.controller.abort();
    this.states.delete(binaryPrn);
  }

  async close(): Promise<void> {
    this.closed = true;
    const states = [...this.states.values()];
    this.states.clear();
    for (const state of states) state.controller.abort();
    await Promise.all(states.map((state) => state.feeding));
  }

  /** Feeds the state in the background, or once more after the current feeding if busy. */
  private schedule(binaryPrn: string, state: RunningState): void {
    if (state.feeding) {
      state.again = true;
      return;
    }
    state.again = false;
    state.feeding = this.feed(binaryPrn, state)
      .catch((error: unknown) => {
        const dropped = state.controller.signal.aborted;
        // A half-fed part leaves the digest unusable: drop it (the hasher reads everything).
        if (this.states.get(binaryPrn) === state) this.drop(binaryPrn);
        if (!dropped) {
          this.logger.warn('a running hash was dropped', {
            binary_prn: binaryPrn,
            error: String(error),
          });
        }
      })
      .finally(() => {
        state.feeding = undefined;
        if (state.again && this.states.get(binaryPrn) === state) this.schedule(binaryPrn, state);
      });
  }

  /** Feeds the valid parts that directly follow the prefix, in order, until there is a gap. */
  private async feed(binaryPrn: string, state: RunningState): Promise<void> {
    const { signal } = state.controller;
    const buffer = Buffer.allocUnsafe(FEED_CHUNK_BYTES);
    const nextPart = this.db.prepare(
      "SELECT upload_id FROM binary_parts WHERE binary_prn = ? AND part_index = ? AND state = 'valid'",
    );
    for (;;) {
      signal.throwIfAborted();
      // Asked afresh before each part, so that a part replaced meanwhile is not read.
      const row = nextPart.get(binaryPrn, state.fed.length + 1) as
        { upload_id: string } | undefined;
      if (!row) return;
      state.reading = state.fed.length + 1;
      await feedPartFile(
        state.digest,
        this.storage.partFile(state.storageId, row.upload_id),
        buffer,
        signal,
      );
      state.fed.push(row.upload_id);
      state.reading = undefined;
    }
  }
}
