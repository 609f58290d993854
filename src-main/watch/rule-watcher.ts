// One rule's folder under watch: a folder tree watcher reports files once their writes have
// finished, a light poll notices the folder going away (or becoming unreadable) and coming
// back. While the folder is gone the rule is paused and its watcher closed; when it is back the watcher
// starts again and reports the files that are there, which the intake reconciles.
import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { whyUnreadable } from '../files/index.js';
import { FolderTreeWatcher, type MatchVerdict } from './folder-tree-watcher.js';
import { RecentMap } from './recent-map.js';

export type { MatchVerdict } from './folder-tree-watcher.js';

export interface RuleWatcherOptions {
  name: string;
  folder: string;
  recursive: boolean;
  settleMs: number;
  /** Whether a file (absolute path) is for this rule. */
  matcher: (file: string) => MatchVerdict;
  /** Whether files in a subfolder could be for this rule (else it is not looked into). */
  folderMatcher: (folder: string) => MatchVerdict;
  /** How often to look at the folder itself; default 1 s. */
  healthPollMs?: number;
}

export interface RuleWatcherHandlers {
  /** A file appeared, changed or was found, and its size and mtime held still for the
   * settle time. */
  file(file: string, stats: Stats): void;
  /** A file the rule does not take, told once per path. */
  ignored(file: string, reason: string): void;
  paused(reason: string): void;
  resumed(): void;
  warning(message: string): void;
}

/** How many ignored paths are remembered so that each is told only once. */
const IGNORED_MEMORY = 10_000;

/** Why the folder cannot be watched now, or its identity (device and inode) when it can. */
async function lookAtFolder(folder: string): Promise<{ problem: string } | { id: string }> {
  let info: Stats;
  try {
    info = await stat(folder);
  } catch (error) {
    return { problem: whyUnreadable(error) };
  }
  if (!info.isDirectory()) return { problem: 'is not a folder' };
  try {
    // Listing needs read and search permission on the folder.
    await access(folder, constants.R_OK | constants.X_OK);
  } catch (error) {
    return { problem: whyUnreadable(error) };
  }
  return { id: `${info.dev}:${info.ino}` };
}

export class RuleWatcher {
  private watcher: FolderTreeWatcher | undefined;
  private watchedId: string | undefined;
  private state: 'idle' | 'watching' | 'paused' | 'stopped' = 'idle';
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> = Promise.resolve();
  /** Settles once the current watcher has reported the files already there (or closed). */
  private scanned: Promise<void> = Promise.resolve();
  private readonly toldIgnored = new RecentMap<string, true>(IGNORED_MEMORY);

  constructor(
    private readonly options: RuleWatcherOptions,
    private readonly handlers: RuleWatcherHandlers,
  ) {}

  /** Read through a getter: the state changes across awaits. */
  private get isStopped(): boolean {
    return this.state === 'stopped';
  }

  /** Starts watching (or pauses at once when the folder is not there); resolves once the
   * files already in the folder have been reported. */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    await this.check();
    this.schedule();
    await this.scanned;
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    await this.checking.catch(() => {});
    this.closeWatcher();
  }

  private schedule(): void {
    if (this.state === 'stopped') return;
    this.timer = setTimeout(() => {
      // A look that fails (a watcher that cannot be opened) is told and tried again at the
      // next one: the loop never ends by itself.
      void this.check()
        .catch((error: unknown) =>
          this.handlers.warning(`could not look at the folder: ${(error as Error).message}`),
        )
        .then(() => this.schedule());
    }, this.options.healthPollMs ?? 1000);
    this.timer.unref();
  }

  /** Looks at the folder and pauses or resumes the rule to match; one look at a time. */
  private check(): Promise<void> {
    // After a failed look (told by its caller), the next one runs all the same.
    this.checking = this.checking
      .catch(() => {})
      .then(async () => {
        if (this.isStopped) return;
        const look = await lookAtFolder(this.options.folder);
        if (this.isStopped) return;
        if ('problem' in look) {
          if (this.state !== 'paused') await this.pause(look.problem);
          return;
        }
        if (this.state === 'watching' && look.id !== this.watchedId) {
          // Removed and made again between two looks: the old watcher watches nothing now.
          await this.pause('was removed and created again');
        }
        if (this.state === 'idle') this.openWatcher(look.id);
        else if (this.state === 'paused') {
          this.openWatcher(look.id);
          this.handlers.resumed();
        }
      });
    return this.checking;
  }

  private async pause(reason: string): Promise<void> {
    this.state = 'paused';
    this.watchedId = undefined;
    this.closeWatcher();
    this.handlers.paused(reason);
  }

  private closeWatcher(): void {
    // Reports nothing once closed; a scan still running ends on its own.
    this.watcher?.close();
    this.watcher = undefined;
  }

  private openWatcher(id: string): void {
    const { folder, recursive, settleMs, matcher, folderMatcher } = this.options;
    const watcher = new FolderTreeWatcher(
      { folder, recursive, settleMs, matcher, folderMatcher },
      {
        file: (file, stats) => this.handlers.file(file, stats),
        ignored: (file, reason) => this.tellIgnored(file, reason),
        warning: (message) => {
          this.handlers.warning(message);
          // A watch that failed may mean the folder itself went away: look now.
          void this.check();
        },
      },
    );
    this.watcher = watcher;
    this.watchedId = id;
    this.state = 'watching';
    // Not awaited here: the scan of a large tree must not hold up the next look at the
    // folder. It ends early when the watcher is closed.
    this.scanned = watcher.ready;
  }

  private tellIgnored(file: string, reason: string): void {
    if (this.toldIgnored.has(file)) return;
    this.toldIgnored.set(file, true);
    this.handlers.ignored(file, reason);
  }
}
