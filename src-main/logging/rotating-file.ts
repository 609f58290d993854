// A log file that stays small: lines are appended (synchronously, so the last lines before a
// crash are on disk) until the file would pass `maxBytes`; then engine.log becomes
// engine.log.1, .1 becomes .2, and so on, and the oldest beyond `keep` is dropped. A file
// that cannot be written (disk full, folder removed) costs lines, never the process: the
// writer says so once on stderr and tries again on the next line.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RotatingFileOptions {
  file: string;
  /** Rotate before the file would pass this size; default 5 MiB. */
  maxBytes?: number;
  /** Rotated files kept besides the current one; default 3. */
  keep?: number;
  /** Where the writer says it cannot write (stderr unless given). */
  complain?: (message: string) => void;
}

export class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private lastComplaint: string | undefined;
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(private readonly options: RotatingFileOptions) {
    this.file = options.file;
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 3;
  }

  write(line: string): boolean {
    try {
      const bytes = Buffer.byteLength(line);
      this.fd ??= this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) {
        this.rotate();
        this.fd = this.open();
      }
      writeSync(this.fd, line);
      this.size += bytes;
      this.lastComplaint = undefined;
    } catch (error) {
      this.closeFile();
      const message = `peridio-desk: cannot write the log ${this.file}: ${(error as Error).message}\n`;
      if (message !== this.lastComplaint) {
        this.lastComplaint = message;
        (this.options.complain ?? ((text) => process.stderr.write(text)))(message);
      }
    }
    return true;
  }

  close(): void {
    this.closeFile();
  }

  private open(): number {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(fd).size;
    return fd;
  }

  private rotate(): void {
    this.closeFile();
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let index = this.keep - 1; index >= 1; index--) {
      renameIfThere(`${this.file}.${index}`, `${this.file}.${index + 1}`);
    }
    if (this.keep > 0) renameIfThere(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already gone with its file system; a new one is opened on the next line.
    }
    this.fd = undefined;
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
