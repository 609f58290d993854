// Every file the engine reads for the user must be a regular file, checked before it is
// opened: reading a named pipe waits until something writes to it (four such reads hold the
// whole libuv pool, and the dashboard stops answering), and opening a device may do anything.
// A symbolic link to a regular file is fine. The open itself never waits (O_NONBLOCK) and the
// open file is checked again, so a pipe put in the file's place in between is refused too.
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  statSync,
  type Stats,
} from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** Windows has no O_NONBLOCK (nor named pipes in the file system). */
const OPEN_FOR_READING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export class NotARegularFileError extends Error {
  readonly code = 'not_a_regular_file';

  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} ${notAFile(kind)}; give the path of a file.`);
    this.name = 'NotARegularFileError';
  }
}

/** `is a folder, not a file`, `is a named pipe (FIFO), not a regular file`, ... */
export function notAFile(kind: string): string {
  return kind === 'a folder' ? 'is a folder, not a file' : `is ${kind}, not a regular file`;
}

/** What `stats` is, in words, when it is not a regular file. */
function otherKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'something other than a file';
}

function checkKind(path: string, stats: Stats): void {
  const kind = otherKind(stats);
  if (kind !== undefined) throw new NotARegularFileError(path, kind);
}

/** Opens `path` for reading; refuses anything but a regular file (NotARegularFileError). */
export async function openRegularFile(path: string): Promise<FileHandle> {
  checkKind(path, await stat(path));
  const handle = await open(path, OPEN_FOR_READING);
  try {
    checkKind(path, await handle.stat());
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The stats of a regular file this user can read, found by opening it (a look alone says
 * nothing of read access): checked before anything is queued or created for the file.
 */
export async function statReadableFile(path: string): Promise<Stats> {
  const handle = await openRegularFile(path);
  try {
    return await handle.stat();
  } finally {
    await handle.close();
  }
}

/** The whole of a regular file (readFile, refusing anything else). */
export async function readRegularFile(path: string): Promise<Buffer> {
  const handle = await openRegularFile(path);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** readRegularFile for the few reads that must be synchronous (the CA at a client's start). */
export function readRegularFileSync(path: string): Buffer {
  checkKind(path, statSync(path));
  const fd = openSync(path, OPEN_FOR_READING);
  try {
    checkKind(path, fstatSync(fd));
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
