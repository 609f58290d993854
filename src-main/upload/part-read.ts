// Reads one part into memory for its PUT. The file's size and modification time are checked
// again after every read; readPart also hashes the bytes again against the part's hash, so a
// file changed since hashing fails the job instead of uploading mixed content.
import { createHash } from 'node:crypto';
import { stat, type FileHandle } from 'node:fs/promises';
import { openRegularFile } from '../files/index.js';
import type { FileFingerprint, HashedPart, PlannedPart } from './types.js';
import { fileChanged, fileProblem } from './upload-error.js';

/** Throws file_changed when the size or modification time moved, file_missing when it is gone. */
export async function checkUnchanged(file: FileFingerprint): Promise<void> {
  const now = await stat(file.path).catch((error: unknown) => {
    throw fileProblem(file.path, error);
  });
  if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) {
    throw fileChanged(file.path, 'its size or modification time is not what it was', {
      size: file.size,
      sizeNow: now.size,
      mtimeMs: file.mtimeMs,
      mtimeMsNow: now.mtimeMs,
    });
  }
}

/** The part's bytes, in `buffer` (which must be at least the part's size), file unchanged. */
export async function readPartBytes(
  file: FileFingerprint,
  part: PlannedPart,
  buffer: Buffer,
): Promise<Buffer> {
  const bytes = buffer.subarray(0, part.size);
  let handle: FileHandle;
  try {
    handle = await openRegularFile(file.path);
  } catch (error) {
    throw fileProblem(file.path, error);
  }
  try {
    for (let filled = 0; filled < part.size;) {
      const { bytesRead } = await handle
        .read(bytes, filled, part.size - filled, part.offset + filled)
        .catch((error: unknown) => {
          throw fileProblem(file.path, error);
        });
      if (bytesRead === 0) throw fileChanged(file.path, `it ends before part ${part.index}`);
      filled += bytesRead;
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  await checkUnchanged(file);
  return bytes;
}

/** The part's bytes, in `buffer`, proven to be the bytes that were hashed. */
export async function readPart(
  file: FileFingerprint,
  part: HashedPart,
  buffer: Buffer,
): Promise<Buffer> {
  const bytes = await readPartBytes(file, part, buffer);
  // Hashed here, not with WebCrypto on the thread pool: WebCrypto's digest measured about
  // three times the CPU for the same bytes, which a 2-core machine running the server too
  // pays for in upload speed; 8 MiB takes ~5 ms, a short pause for the other parts' sockets.
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== part.sha256) {
    throw fileChanged(file.path, `part ${part.index} no longer holds the bytes that were hashed`, {
      partIndex: part.index,
      expectedSha256: part.sha256,
      actualSha256: digest,
    });
  }
  return bytes;
}
