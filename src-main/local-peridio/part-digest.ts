// Feeds a stored part file into a SHA-256 with large reads into one reused buffer: one
// system call per chunk instead of a stream's 64 KiB reads, so hashing runs at disk speed.
import type { Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Read size of a pass at `hashing`: few calls per part, ~3 ms of hashing per chunk. */
export const PASS_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Appends the whole file to `digest`, reading into `buffer`. Between chunks the event loop
 * runs and `signal` is checked; an abort throws and leaves `digest` holding part of the file.
 */
export async function feedPartFile(
  digest: Hash,
  file: string,
  buffer: Buffer,
  signal?: AbortSignal,
): Promise<number> {
  signal?.throwIfAborted();
  const handle = await open(file, 'r');
  try {
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      signal?.throwIfAborted();
      if (bytesRead === 0) return position;
      digest.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
