// One read of a file gives its whole SHA-256 and every part's SHA-256 together: large reads,
// the next one already under way while the current chunk is hashed, and never more than two
// read buffers in memory. Runs in the worker thread.
import { createHash, webcrypto, type Hash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { MiB, planParts } from './part-plan.js';
import type { HashedFile, HashedPart, PlannedPart } from './types.js';
import { UploadError, abortedError, fileChanged, fileProblem } from './upload-error.js';

const READ_SIZE = 4 * MiB;

export interface HashFileOptions {
  /** A preferred part size (see planParts); the default is 8 MiB. */
  partSize?: number;
  signal?: AbortSignal;
  /** Told the bytes hashed so far, and the file's size, after every read. */
  onBytes?: (bytesDone: number, bytesTotal: number) => void;
}

interface PartHashes {
  /** Takes the next chunk; when a promise is answered, the chunk may be reused once it settles. */
  add(chunk: Buffer): void | Promise<void>;
  /** Every part's hash, in order, once the last chunk was given. */
  finish(): Promise<HashedPart[]>;
}

/** Feeds chunks to the current part's hash and closes each part at its boundary. */
class StreamingPartHashes implements PartHashes {
  readonly #done: HashedPart[] = [];
  #hash: Hash = createHash('sha256');
  #filled = 0;

  constructor(private readonly parts: readonly PlannedPart[]) {}

  add(chunk: Buffer): void {
    for (let at = 0; at < chunk.length;) {
      const part = this.parts[this.#done.length];
      if (part === undefined) return;
      const take = Math.min(chunk.length - at, part.size - this.#filled);
      this.#hash.update(chunk.subarray(at, at + take));
      this.#filled += take;
      at += take;
      if (this.#filled === part.size) {
        this.#done.push({ ...part, sha256: this.#hash.digest('hex') });
        this.#hash = createHash('sha256');
        this.#filled = 0;
      }
    }
  }

  async finish(): Promise<HashedPart[]> {
    return this.#done;
  }
}

/** Parts up to this size are hashed on the thread pool, beside the whole-file hash. */
const POOLED_PART_LIMIT = 32 * MiB;
/** Part buffers in use at once: one filling, the others being hashed. */
const POOLED_BUFFERS = 3;

/**
 * Collects each part into a buffer and hashes it on libuv's thread pool while this thread
 * goes on with the whole-file hash: on two cores the two hashes run side by side, so the one
 * read costs about one hash instead of two.
 */
class PooledPartHashes implements PartHashes {
  readonly #free: Buffer[];
  readonly #pending: Promise<HashedPart>[] = [];
  readonly #inFlight = new Set<Promise<unknown>>();
  #current: Buffer | undefined;
  #filled = 0;

  constructor(
    private readonly parts: readonly PlannedPart[],
    partSize: number,
  ) {
    this.#free = Array.from({ length: POOLED_BUFFERS }, () => Buffer.allocUnsafeSlow(partSize));
  }

  /** Waits until a buffer is free (a hash under way finished). */
  async #take(): Promise<Buffer> {
    while (this.#free.length === 0) await Promise.race(this.#inFlight);
    return this.#free.pop()!;
  }

  async add(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length;) {
      const part = this.parts[this.#pending.length];
      if (part === undefined) return;
      this.#current ??= await this.#take();
      const take = Math.min(chunk.length - at, part.size - this.#filled);
      chunk.copy(this.#current, this.#filled, at, at + take);
      this.#filled += take;
      at += take;
      if (this.#filled === part.size) this.#hashCurrent(part);
    }
  }

  #hashCurrent(part: PlannedPart): void {
    const buffer = this.#current!;
    this.#current = undefined;
    this.#filled = 0;
    const hashed = webcrypto.subtle
      .digest('SHA-256', buffer.subarray(0, part.size))
      .then((digest) => ({ ...part, sha256: Buffer.from(digest).toString('hex') }));
    const settled = hashed.finally(() => {
      this.#inFlight.delete(settled);
      this.#free.push(buffer);
    });
    this.#inFlight.add(settled);
    this.#pending.push(hashed);
  }

  async finish(): Promise<HashedPart[]> {
    return Promise.all(this.#pending);
  }
}

export async function hashFile(path: string, options: HashFileOptions = {}): Promise<HashedFile> {
  const { signal } = options;
  if (signal?.aborted) throw abortedError(`Hashing "${path}"`);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileProblem(path, error);
  }
  let pending: Promise<number> | undefined;
  try {
    const before = await handle.stat().catch((error: unknown) => {
      throw fileProblem(path, error);
    });
    if (!before.isFile()) {
      const what = before.isDirectory() ? 'is a folder, not a file' : 'is not a regular file';
      throw new UploadError('file_missing', `"${path}" ${what}; only files can be uploaded.`, {
        details: { path, reason: what },
      });
    }
    const size = before.size;
    const plan = planParts(
      size,
      options.partSize === undefined ? {} : { partSize: options.partSize },
    );
    const whole = createHash('sha256');
    const pooled = plan.partSize <= POOLED_PART_LIMIT && plan.parts.length > 1;
    const parts: PartHashes = pooled
      ? new PooledPartHashes(plan.parts, plan.partSize)
      : new StreamingPartHashes(plan.parts);
    const buffers = [Buffer.allocUnsafeSlow(READ_SIZE), Buffer.allocUnsafeSlow(READ_SIZE)];
    const readInto = (buffer: Buffer, position: number): Promise<number> =>
      handle
        .read(buffer, 0, Math.min(buffer.length, size - position), position)
        .then((result) => result.bytesRead);

    let position = 0;
    let turn = 0;
    pending = size > 0 ? readInto(buffers[turn]!, 0) : undefined;
    while (pending !== undefined) {
      const bytesRead = await pending.catch((error: unknown) => {
        throw fileProblem(path, error);
      });
      pending = undefined;
      if (bytesRead === 0) throw fileChanged(path, 'it became shorter while it was read');
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      position += bytesRead;
      turn = 1 - turn;
      if (position < size) pending = readInto(buffers[turn]!, position);
      const copied = parts.add(chunk);
      whole.update(chunk);
      // The parts must be done with this read buffer before it is read into again.
      await copied;
      options.onBytes?.(position, size);
      if (signal?.aborted) throw abortedError(`Hashing "${path}"`);
    }

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
      sha256: whole.digest('hex'),
      partSize: plan.partSize,
      parts: await parts.finish(),
    };
  } finally {
    // A read still under way must finish before the handle closes under it.
    await pending?.catch(() => undefined);
    await handle.close().catch(() => undefined);
  }
}
