// Why the queue's database cannot be used, in words for the person who sees the stall.

/** A sentence about `error`, naming the queue `file` and what to do. */
export function queueFailureReason(error: unknown, file: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return `The upload queue ${file} is locked by another program (${String(code)}); uploads wait until it is free.`;
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return `The disk holding the upload queue ${file} is full; free some space and uploads go on.`;
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return `The upload queue ${file} cannot be written (${code}); check the folder's permissions.`;
  }
  return `The upload queue ${file} cannot be used: ${message}`;
}
