// What detection reads from: a regular file or a buffer (a test's header, the inflated start
// of a gzip file), read in small pieces at offsets the caller has checked against `size`.
import type { FileHandle } from 'node:fs/promises';

/** The most one read may ask for: headers are small, and a file's offsets are not trusted. */
export const MAX_READ = 64 * 1024;

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `at`; fewer at the end of the source, none past it. */
  read(at: number, length: number): Promise<Buffer>;
}

function bounded(size: number, at: number, length: number): number {
  if (!Number.isSafeInteger(at) || at < 0 || at >= size) return 0;
  return Math.min(length, MAX_READ, size - at);
}

export function bufferSource(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    read: async (at, length) => bytes.subarray(at, at + bounded(bytes.length, at, length)),
  };
}

export function fileSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    async read(at, length) {
      const buffer = Buffer.alloc(bounded(size, at, length));
      if (buffer.length === 0) return buffer;
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      return buffer.subarray(0, bytesRead);
    },
  };
}

/** The part of `source` from `start` on (a U-Boot image's payload). */
export function sourceFrom(source: ByteSource, start: number): ByteSource {
  const size = Math.max(0, source.size - start);
  return {
    size,
    read: (at, length) => source.read(start + at, bounded(size, at, length)),
  };
}
