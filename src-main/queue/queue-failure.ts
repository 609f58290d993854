// Why the queue's database cannot be used, in words for the person who sees it: the file,
// what went wrong in plain terms, and what to do.
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import path from 'node:path';

/** Below this much free space, a failed write is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/** The queue's file cannot be used; the message names it and says what to do. */
export class QueueFileError extends Error {
  override name = 'QueueFileError';

  constructor(
    message: string,
    /** SQLite's code (SQLITE_FULL, SQLITE_READONLY…), kept for the callers that act on it. */
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** A QueueFileError for an error of SQLite or the file system; anything else as it is. */
export function explainQueueFailure(error: unknown, file: string): unknown {
  if (error instanceof QueueFileError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^(SQLITE_|E[A-Z]+$)/.test(code)) return error;
  return new QueueFileError(queueFailureReason(error, file), code, { cause: error });
}

function diskIsFull(file: string): boolean {
  try {
    const space = statfsSync(path.dirname(file));
    return space.bavail * space.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** Whether this user may not write the queue or its folder (SQLite keeps its log beside it). */
function cannotWrite(file: string): boolean {
  try {
    accessSync(path.dirname(file), constants.W_OK);
    if (existsSync(file)) accessSync(file, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** A sentence about `error`, naming the queue `file` and what to do. */
export function queueFailureReason(error: unknown, file: string): string {
  if (error instanceof QueueFileError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return `The upload queue ${file} is locked by another program (${String(code)}); uploads wait until it is free.`;
  }
  // SQLite says "disk I/O error" for most writes a full disk refuses (the log's index, a page).
  const writeFailed =
    code === 'SQLITE_FULL' ||
    code === 'ENOSPC' ||
    (typeof code === 'string' && /^SQLITE_(IOERR|CANTOPEN)/.test(code));
  if (writeFailed && diskIsFull(file)) {
    return `The disk holding the upload queue ${file} is full; free some space there and try again (nothing queued was lost).`;
  }
  if (
    (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    // SQLite says "unable to open database file" when it cannot make its log beside the queue.
    (code === 'SQLITE_CANTOPEN' && cannotWrite(file))
  ) {
    return (
      `The upload queue ${file} cannot be written by this user (${code}): it may belong to ` +
      'another user (a run with sudo?) or sit on a read-only disk. Make it and its folder ' +
      'writable by this user, or set PERIDIO_DESK_DATA_DIR to a folder that is.'
    );
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_IOERR')) {
    return `The upload queue ${file} cannot be read or written: the disk reports an error (${message}, ${code}). Check the disk.`;
  }
  return `The upload queue ${file} cannot be used: ${message}`;
}
