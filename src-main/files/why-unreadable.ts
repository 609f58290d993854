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
