// One read of a file gives its whole SHA-256 and every part's SHA-256 together: large reads,
// the next one already under way while the current chunk is hashed, the part hashes here and
// the whole-file hash in a second thread on the same shared buffers (a few 4 MiB buffers in
// all). A file of one part needs no second thread: its whole hash is its part's hash. Runs
// in the worker thread.
import { createHash, type Hash } from 'node:crypto';
import { stat, type FileHandle } from 'node:fs/promises';
import { openRegularFile } from '../files/index.js';
import { MiB, planParts } from './part-plan.js';
import type { HashedFile, HashedPart, PlannedPart } from './types.js';
import { WholeHashThread } from './whole-hash-thread.js';
import { abortedError, fileChanged, fileProblem } from './upload-error.js';

const READ_SIZE = 4 * MiB;
/**
 * Reads of a file of one part (no second thread shares its buffers): a few small buffers
 * instead of megabytes of fresh memory, whose pages cost more to fault in than the extra reads
 * of what the page cache holds.
 */
const ONE_PART_READ_SIZE = 64 * 1024;

export interface HashFileOptions {
  /** A preferred part size (see planParts); the default is 8 MiB. */
  partSize?: number;
  signal?: AbortSignal;
  /** Told the bytes hashed so far, and the file's size, after every read. */
  onBytes?: (bytesDone: number, bytesTotal: number) => void;
}

/** Feeds chunks to the current part's hash and closes each part at its boundary. */
class PartHashes {
  readonly done: HashedPart[] = [];
  #hash: Hash = createHash('sha256');
  #filled = 0;

  constructor(private readonly parts: readonly PlannedPart[]) {}

  update(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length;) {
      const part = this.parts[this.done.length];
      if (part === undefined) return;
      const take = Math.min(chunk.length - at, part.size - this.#filled);
      this.#hash.update(chunk.subarray(at, at + take));
      this.#filled += take;
      at += take;
      if (this.#filled === part.size) {
        this.done.push({ ...part, sha256: this.#hash.digest('hex') });
        this.#hash = createHash('sha256');
        this.#filled = 0;
      }
    }
  }
}

/** Read buffers in rotation: one being read, one being hashed, the others free or finishing. */
const SLOTS = 4;

export async function hashFile(path: string, options: HashFileOptions = {}): Promise<HashedFile> {
  const { signal } = options;
  if (signal?.aborted) throw abortedError(`Hashing "${path}"`);
  let handle: FileHandle;
  try {
    handle = await openRegularFile(path);
  } catch (error) {
    throw fileProblem(path, error);
  }
  let pending: Promise<number> | undefined;
  let thread: WholeHashThread | undefined;
  try {
    // A regular file (openRegularFile made sure): its size now.
    const before = await handle.stat().catch((error: unknown) => {
      throw fileProblem(path, error);
    });
    const size = before.size;
    const plan = planParts(
      size,
      options.partSize === undefined ? {} : { partSize: options.partSize },
    );
    const parts = new PartHashes(plan.parts);
    // The whole-file hash runs in a second thread on the same shared buffers, so the one read
    // costs about one hash of time instead of two. A file of one part needs no second thread
    // (nor its shared buffers): its whole hash is its part's.
    thread = plan.parts.length > 1 ? WholeHashThread.borrow(SLOTS, READ_SIZE) : undefined;
    const buffers =
      thread?.buffers ??
      Array.from({ length: SLOTS }, () => Buffer.allocUnsafe(Math.min(ONE_PART_READ_SIZE, size)));
    const readSlot = async (slot: number, position: number): Promise<number> => {
      await thread?.free(slot);
      const buffer = buffers[slot]!;
      const { bytesRead } = await handle
        .read(buffer, 0, Math.min(buffer.length, size - position), position)
        .catch((error: unknown) => {
          throw fileProblem(path, error);
        });
      return bytesRead;
    };

    let position = 0;
    let slot = 0;
    pending = size > 0 ? readSlot(0, 0) : undefined;
    while (pending !== undefined) {
      const bytesRead = await pending;
      pending = undefined;
      if (bytesRead === 0) throw fileChanged(path, 'it became shorter while it was read');
      const current = slot;
      position += bytesRead;
      slot = (slot + 1) % SLOTS;
      if (position < size) pending = readSlot(slot, position);
      thread?.hash(current, bytesRead);
      parts.update(buffers[current]!.subarray(0, bytesRead));
      options.onBytes?.(position, size);
      if (signal?.aborted) throw abortedError(`Hashing "${path}"`);
    }
    const sha256 = thread
      ? await thread.digest()
      : (parts.done[0]?.sha256 ?? createHash('sha256').digest('hex'));

    // The path, not the handle: a file replaced under the same name has changed too.
    const after = await stat(path).catch((error: unknown) => {
      throw fileProblem(path, error);
    });
    if (after.size !== size || after.mtimeMs !== before.mtimeMs) {
      throw fileChanged(path, 'its size or modification time differs from when hashing began', {
        sizeBefore: size,
        sizeAfter: after.size,
        mtimeMsBefore: before.mtimeMs,
        mtimeMsAfter: after.mtimeMs,
      });
    }
    return {
      path,
      size,
      mtimeMs: before.mtimeMs,
      sha256,
      partSize: plan.partSize,
      parts: parts.done,
    };
  } finally {
    // A read still under way must finish before the handle closes under it.
    await pending?.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await thread?.close();
  }
}
