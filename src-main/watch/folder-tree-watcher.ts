// A folder (and, when recursive, the folders below it) under watch with one non-recursive
// fs.watch per folder: the system reports changes to the files inside a watched folder, so
// files need no watcher of their own (chokidar put one on every file: 521 MiB of memory for
// 50,000 files). Every file is reported once settled, its size and mtime held still for the
// settle time: the one settle path (SettlingFiles) for new, changed and recently written
// files found at start; files found older than that are settled already. Links inside it
// are never followed.
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { whyUnreadable } from '../files/index.js';
import { atMost, eachAtMost } from './at-most.js';
import { SettlingFiles } from './settling-files.js';

export type MatchVerdict = { take: true } | { take: false; reason: string };

export interface FolderTreeWatcherOptions {
  folder: string;
  /** The folders below too, or only the folder's own files. */
  recursive: boolean;
  settleMs: number;
  /** Whether a file (absolute path) is wanted. */
  matcher: (file: string) => MatchVerdict;
  /** Whether files in a subfolder could be wanted (else it is neither watched nor listed). */
  folderMatcher: (folder: string) => MatchVerdict;
}

export interface FolderTreeHandlers {
  /** A wanted regular file whose size and mtime held still for the settle time. */
  file(file: string, stats: Stats): void;
  /** A file left out, and why; told each time it is seen (the caller tells people once). */
  ignored(file: string, reason: string): void;
  warning(message: string): void;
}

/** Folders listed at once, and files looked at (stat) at once per folder listed. */
const FOLDERS_AT_ONCE = 4;
const FILES_AT_ONCE = 8;
const NOT_REGULAR = 'is not a regular file';

/** Files already there are reported once settled (at once when old enough); those of a
 * folder that just appeared may still be being written, so they settle first. */
type Found = 'existing' | 'new';

function idOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

export class FolderTreeWatcher {
  /** Resolves once the files already in the tree have been reported (or on close). */
  readonly ready: Promise<void>;
  /** Each watched folder with its identity, to notice one removed and made again. */
  private readonly folders = new Map<string, { watcher: FSWatcher; id: string }>();
  private readonly settling: SettlingFiles;
  /** Paths being looked at after an event, and whether another event came meanwhile. */
  private readonly looking = new Map<string, boolean>();
  private readonly listing = atMost(FOLDERS_AT_ONCE);
  private closed = false;
  private toldLimit = false;

  constructor(
    private readonly options: FolderTreeWatcherOptions,
    private readonly handlers: FolderTreeHandlers,
  ) {
    this.settling = new SettlingFiles(options.settleMs, {
      settled: (file, stats) => handlers.file(file, stats),
      notAFile: (file) => this.onEvent(path.dirname(file), path.basename(file)),
    });
    this.ready = this.start();
  }

  /** How many folders have a watch: one inotify watch each on Linux. */
  get watchedFolders(): number {
    return this.folders.size;
  }

  close(): void {
    this.closed = true;
    for (const { watcher } of this.folders.values()) watcher.close();
    this.folders.clear();
    this.settling.close();
  }

  private async start(): Promise<void> {
    const { folder } = this.options;
    // The folder itself may be a link to a folder: a rule says which folder, it is followed.
    const stats = await stat(folder).catch((error: unknown) => {
      this.warnUnreadable(folder, error);
      return undefined;
    });
    if (stats && this.watchFolder(folder, stats)) await this.scan(folder, 'existing');
  }

  /** Watches `dir` (its own entries, not deeper); false when it is not there to list. */
  private watchFolder(dir: string, stats: Stats): boolean {
    if (this.closed || !stats.isDirectory()) return false;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true, recursive: false }, (_event, name) => {
        // Linux, macOS and Windows always name the entry for a watched folder.
        if (name) this.onEvent(dir, name);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      this.warnCannotWatch(dir, error);
      // Still listed: the files already there are reported, only new ones are missed.
      return true;
    }
    watcher.on('error', (error) => {
      // Node has closed the watch already.
      if (this.folders.get(dir)?.watcher === watcher) this.folders.delete(dir);
      this.handlers.warning(
        `${dir} can no longer be watched, new files in it will be missed: ${error.message}`,
      );
    });
    this.folders.set(dir, { watcher, id: idOf(stats) });
    return true;
  }

  /** Closes the watches of `dir` and the folders below it, and forgets their files. */
  private forget(dir: string): void {
    const prefix = dir + path.sep;
    for (const [folder, { watcher }] of this.folders) {
      if (folder !== dir && !folder.startsWith(prefix)) continue;
      watcher.close();
      this.folders.delete(folder);
    }
    this.settling.forgetIn(dir);
  }

  private onEvent(dir: string, name: string): void {
    if (this.closed) return;
    const entry = path.join(dir, name);
    if (this.settling.has(entry)) {
      // Written to again: it settles from now. Its next look also notices it gone.
      this.settling.changed(entry);
      return;
    }
    if (this.looking.has(entry)) {
      // One look at a time per path: a burst of events makes one more look, not one each.
      this.looking.set(entry, true);
      return;
    }
    this.looking.set(entry, false);
    void this.lookAt(dir, entry).finally(() => {
      const again = this.looking.get(entry);
      this.looking.delete(entry);
      if (again) this.onEvent(dir, name);
    });
  }

  /** After an event in `dir`: what `entry` is now. */
  private async lookAt(dir: string, entry: string): Promise<void> {
    const stats = await lstat(entry).catch(() => undefined);
    // Closed, or its folder was removed meanwhile.
    if (this.closed || !this.folders.has(dir)) return;
    const watched = this.folders.get(entry);
    if (watched && !(stats?.isDirectory() && idOf(stats) === watched.id)) this.forget(entry);
    if (!stats) return;
    if (stats.isDirectory()) {
      if (this.folders.has(entry) || !this.descendsInto(entry)) return;
      if (this.watchFolder(entry, stats)) void this.scan(entry, 'new');
    } else if (!stats.isFile()) this.handlers.ignored(entry, NOT_REGULAR);
    else if (this.takes(entry)) this.settling.changed(entry);
  }

  /** Lists `dir` and, a few at a time, the folders below it. Never rejects. */
  private async scan(dir: string, found: Found): Promise<void> {
    const subfolders = await this.listing(() => this.list(dir, found));
    await Promise.all(subfolders.map((sub) => this.scan(sub, found)));
  }

  /** Reports the files in `dir` and watches its subfolders; answers those to list next. */
  private async list(dir: string, found: Found): Promise<string[]> {
    const subfolders: string[] = [];
    if (this.closed) return subfolders;
    try {
      // opendir reads the folder in small batches: a folder of 100,000 files is never
      // held in memory as a whole.
      await eachAtMost(FILES_AT_ONCE, await opendir(dir), async (dirent) => {
        if (this.closed) return;
        const entry = path.join(dir, dirent.name);
        if (dirent.isDirectory()) {
          if (await this.watchSubfolder(entry)) subfolders.push(entry);
        } else if (!dirent.isFile()) this.handlers.ignored(entry, NOT_REGULAR);
        else if (this.takes(entry)) await this.foundFile(entry, found);
      });
    } catch (error) {
      if (!this.closed) this.warnUnreadable(dir, error);
    }
    return subfolders;
  }

  private async watchSubfolder(dir: string): Promise<boolean> {
    if (this.folders.has(dir) || !this.descendsInto(dir)) return false;
    const stats = await lstat(dir).catch(() => undefined);
    // An event may have found it first: then that event lists it.
    if (!stats || this.folders.has(dir)) return false;
    return this.watchFolder(dir, stats);
  }

  private async foundFile(file: string, found: Found): Promise<void> {
    if (found === 'new') return this.settling.changed(file);
    const stats = await lstat(file).catch(() => undefined);
    if (!stats?.isFile() || this.closed) return;
    // Not written to for the settle time: settled. Written to lately (or an mtime in the
    // future): it may still be being written, so it settles first.
    const age = Date.now() - stats.mtimeMs;
    if (age >= this.options.settleMs) this.handlers.file(file, stats);
    else this.settling.changed(file);
  }

  private descendsInto(dir: string): boolean {
    return this.options.recursive && this.options.folderMatcher(dir).take;
  }

  private takes(file: string): boolean {
    const verdict = this.options.matcher(file);
    if (!verdict.take) this.handlers.ignored(file, verdict.reason);
    return verdict.take;
  }

  private warnUnreadable(dir: string, error: unknown): void {
    // Gone meanwhile: the parent's event (or, for the folder itself, its owner) tells.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    this.handlers.warning(`${dir} ${whyUnreadable(error)}: the files in it are left out`);
  }

  private warnCannotWatch(dir: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EMFILE') {
      const reason = error instanceof Error ? error.message : String(error);
      this.handlers.warning(`cannot watch ${dir}, new files in it will be missed: ${reason}`);
      return;
    }
    // Every folder after it fails the same way: told once.
    if (this.toldLimit) return;
    this.toldLimit = true;
    const missed = `new files in it and in other folders of ${this.options.folder} will be missed`;
    this.handlers.warning(
      code === 'ENOSPC'
        ? `cannot watch ${dir}: the system's limit on inotify watches (one per folder) is ` +
            `reached (ENOSPC), so ${missed}. Raise fs.inotify.max_user_watches (for example ` +
            '`sudo sysctl fs.inotify.max_user_watches=524288`) and restart the agent.'
        : `cannot watch ${dir}: too many open files or inotify instances (EMFILE), so ` +
            `${missed}. Raise the open-file limit (ulimit -n) or fs.inotify.max_user_instances ` +
            'and restart the agent.',
    );
  }
}
