// One read of a file gives its whole SHA-256 and every part's SHA-256 together: large reads,
// the next one already under way while the current chunk is hashed, and never more than two
// read buffers in memory. Runs in the worker thread.
import { createHash, type Hash } from 'node:crypto';
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

/** Feeds chunks to the current part's hash and closes each part at its boundary. */
class PartHasher {
  readonly done: HashedPart[] = [];
  #hash: Hash = createHash('sha256');
  #filled = 0;

  constructor(private readonly parts: readonly PlannedPart[]) {}

  update(chunk: Buffer): void {
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
    const parts = new PartHasher(plan.parts);
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
      whole.update(chunk);
      parts.update(chunk);
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
      parts: parts.done,
    };
  } finally {
    // A read still under way must finish before the handle closes under it.
    await pending?.catch(() => undefined);
    await handle.close().catch(() => undefined);
  }
}
