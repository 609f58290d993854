// The content folder: one directory per binary (named by its server-generated storage id)
// holding one file per valid part (named by the part's server-generated upload id). No
// name on disk ever comes from a request, and every path is checked to stay inside.
// Uploads land in `tmp/` first and are renamed into place only when complete and synced.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../peridio/index.js';

/** Makes a rename or a new file in `dir` durable (a no-op where directories cannot be synced). */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Windows cannot open or sync a directory; its renames are journaled by NTFS instead.
    if (process.platform !== 'win32' || (code !== 'EISDIR' && code !== 'EPERM')) throw error;
  } finally {
    await handle?.close();
  }
}

export interface StoredPart {
  uploadId: string;
  size: number;
}

export interface TempFile {
  path: string;
  handle: FileHandle;
}

export class PartStorage {
  readonly contentDir: string;
  readonly tmpDir: string;

  private constructor(dataDir: string) {
    this.contentDir = path.join(dataDir, 'content');
    this.tmpDir = path.join(dataDir, 'tmp');
  }

  static async open(dataDir: string): Promise<PartStorage> {
    const storage = new PartStorage(path.resolve(dataDir));
    await mkdir(storage.contentDir, { recursive: true, mode: 0o700 });
    await mkdir(storage.tmpDir, { recursive: true, mode: 0o700 });
    return storage;
  }

  /** A path in the content folder made of server-generated ids only; anything else is refused. */
  private contentPath(storageId: string, uploadId?: string): string {
    for (const id of [storageId, uploadId]) {
      if (id !== undefined && !isUuid(id)) {
        throw new Error(`refusing a storage path segment that is not a UUID: ${id}`);
      }
    }
    const resolved =
      uploadId === undefined
        ? path.resolve(this.contentDir, storageId)
        : path.resolve(this.contentDir, storageId, `${uploadId}.part`);
    if (!resolved.startsWith(this.contentDir + path.sep)) {
      throw new Error(`refusing a path outside ${this.contentDir}`);
    }
    return resolved;
  }

  binaryDir(storageId: string): string {
    return this.contentPath(storageId);
  }

  partFile(storageId: string, uploadId: string): string {
    return this.contentPath(storageId, uploadId);
  }

  async createTempFile(): Promise<TempFile> {
    const file = path.join(this.tmpDir, `${randomUUID()}.upload`);
    return { path: file, handle: await open(file, 'wx', 0o600) };
  }

  async discardTempFile(file: string): Promise<void> {
    await rm(file, { force: true });
  }

  /** Moves a complete, synced temp file into place durably (the rename and its directory). */
  async commitPart(tempFile: string, storageId: string, uploadId: string): Promise<void> {
    const dir = this.binaryDir(storageId);
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined) await fsyncDirectory(this.contentDir);
    await rename(tempFile, this.partFile(storageId, uploadId));
    await fsyncDirectory(dir);
  }

  async removePart(storageId: string, uploadId: string): Promise<void> {
    try {
      await unlink(this.partFile(storageId, uploadId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async removeBinary(storageId: string): Promise<void> {
    await rm(this.binaryDir(storageId), { recursive: true, force: true });
  }

  /**
   * Start-up cleanup after a crash: deletes every temp file, every binary folder that no live
   * binary owns, and every file that is not the content of a `valid` part.
   */
  async removeStale(validUploads: (storageId: string) => Set<string> | undefined): Promise<number> {
    let removed = 0;
    for (const entry of await readdir(this.tmpDir)) {
      await rm(path.join(this.tmpDir, entry), { recursive: true, force: true });
      removed += 1;
    }
    for (const entry of await readdir(this.contentDir)) {
      const keep = isUuid(entry) ? validUploads(entry) : undefined;
      if (!keep) {
        await rm(path.join(this.contentDir, entry), { recursive: true, force: true });
        removed += 1;
        continue;
      }
      for (const file of await readdir(path.join(this.contentDir, entry))) {
        const uploadId = file.endsWith('.part') ? file.slice(0, -'.part'.length) : '';
        if (!keep.has(uploadId)) {
          await rm(path.join(this.contentDir, entry, file), { recursive: true, force: true });
          removed += 1;
        }
      }
    }
    return removed;
  }

  /**
   * The joined content of a binary's parts (in index order), or the byte range
   * [start, end] of it, streamed part by part.
   */
  async *readJoined(
    storageId: string,
    parts: readonly StoredPart[],
    range?: { start: number; end: number },
    signal?: AbortSignal,
  ): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const part of parts) {
      const partStart = offset;
      const partEnd = offset + part.size - 1;
      offset += part.size;
      if (part.size === 0) continue;
      if (range && (partEnd < range.start || partStart > range.end)) continue;
      const start = range ? Math.max(range.start - partStart, 0) : 0;
      const end = range ? Math.min(range.end, partEnd) - partStart : part.size - 1;
      const stream = createReadStream(this.partFile(storageId, part.uploadId), {
        start,
        end,
        ...(signal ? { signal } : {}),
      });
      for await (const chunk of stream) yield chunk as Buffer;
    }
  }
}
