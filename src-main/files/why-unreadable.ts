import { NotARegularFileError, notAFile } from './regular-file.js';

/**
 * Why a file system call on a file failed, as the end of a sentence that names the file:
 * `The file "x" ${whyUnreadable(error)}.`
 */
export function whyUnreadable(error: unknown): string {
  if (error instanceof NotARegularFileError) return notAFile(error.kind);
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a folder, not a file';
    default:
      return `cannot be read (${(error as Error).message})`;
  }
}

/** Whether a file system call failed because this user may not read the file. */
export function permissionDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** What a person does about a file this user may not read, as a sentence. */
export function giveReadAccess(path: string): string {
  return `Give this user read access to it (e.g. chmod a+r ${shellWord(path)}), or run peridio-desk as a user who can read it.`;
}

/** `path` as one word for a POSIX shell, quoted only when it needs to be. */
function shellWord(path: string): string {
  return /^[\w./+:@%=-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
