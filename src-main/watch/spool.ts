// The watcher's spool: a queued file is set aside under the data folder, so a build that
// cleans or rewrites its output folder cannot break an upload that is waiting its turn.
// First a reflink (copy-on-write: free, and a later write to the file does not reach the
// copy), else a hard link (free, survives the file being deleted or replaced by a rename,
// but shares a write made in place: the job then fails as "changed" instead of uploading
// torn content), else (another file system) a plain copy.
import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class Spool {
  readonly dir: string;

  /** `<dataDir>/<folder>`: the watcher's `spool`, or another kept apart from it. */
  constructor(dataDir: string, folder = 'spool') {
    this.dir = path.join(dataDir, folder);
  }

  /** Sets `file` aside; answers the copy's path (`<spool>/<id>/<basename>`). */
  async put(file: string): Promise<string> {
    const entry = path.join(this.dir, randomUUID());
    await mkdir(entry, { recursive: true, mode: 0o700 });
    const copy = path.join(entry, path.basename(file));
    try {
      await copyFile(file, copy, constants.COPYFILE_FICLONE_FORCE);
      return copy;
    } catch {
      // No reflinks on this file system (ext4, tmpfs, NTFS) or across two of them.
    }
    try {
      await link(file, copy);
      return copy;
    } catch {
      // EXDEV (another file system), EPERM (links not allowed there) and the like.
    }
    try {
      await copyFile(file, copy);
    } catch (error) {
      await rm(entry, { recursive: true, force: true });
      throw error;
    }
    return copy;
  }

  /**
   * Writes `content` into a new entry as `<spool>/<id>/<fileName>` (a file the dashboard's
   * browser sent: it has no path of its own). A failed or aborted write leaves nothing.
   */
  async receive(content: Readable, fileName: string): Promise<string> {
    const entry = path.join(this.dir, randomUUID());
    await mkdir(entry, { recursive: true, mode: 0o700 });
    const file = path.join(entry, fileName);
    try {
      // Chunks that arrive while a write is under way go out together (one writev of up to
      // 4 MiB instead of a write per 64 KiB): a 1 GiB file dropped in the dashboard costs
      // fewer system calls, beside a browser that needs the same two cores to draw.
      await pipeline(
        content,
        createWriteStream(file, { flags: 'wx', mode: 0o600, highWaterMark: 4 * 1024 * 1024 }),
      );
    } catch (error) {
      await rm(entry, { recursive: true, force: true });
      throw error;
    }
    return file;
  }

  /** True when `file` is a copy in this spool. */
  holds(file: string): boolean {
    const relative = path.relative(this.dir, file);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  /** Deletes the spool entry of a copy (its whole `<id>` folder). */
  async remove(copy: string): Promise<void> {
    if (!this.holds(copy)) return;
    const [id] = path.relative(this.dir, copy).split(path.sep);
    if (id) await rm(path.join(this.dir, id), { recursive: true, force: true });
  }

  /**
   * Deletes every entry that holds none of `inUse` and was made at least `olderThanMs` ago
   * (a younger one may be a copy another process has not queued yet); answers how many went.
   */
  async sweep(inUse: ReadonlySet<string>, olderThanMs = 0): Promise<number> {
    const keep = new Set<string>();
    for (const file of inUse) {
      if (this.holds(file)) keep.add(path.relative(this.dir, file).split(path.sep)[0]!);
    }
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    const before = Date.now() - olderThanMs;
    for (const id of entries) {
      if (keep.has(id)) continue;
      const made = await stat(path.join(this.dir, id)).catch(() => undefined);
      if (!made || made.mtimeMs > before) continue;
      await rm(path.join(this.dir, id), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }
}
