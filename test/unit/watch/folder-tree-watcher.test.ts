// The folder tree watcher with real folders: files already there are reported at once when
// old enough, every other file once it held still for the settle time, subfolders are watched as they
// come and go, and closing it leaves nothing running.
import { spawn } from 'node:child_process';
import type * as Fs from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FolderTreeWatcher,
  type FolderTreeWatcherOptions,
} from '../../../src-main/watch/folder-tree-watcher.js';

// Lets a test make fs.watch fail the way it does when the inotify limit is reached.
const failWatch = vi.hoisted(() => ({ when: (_dir: string): string | undefined => undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const watch = ((dir: string, ...rest: unknown[]) => {
    const code = failWatch.when(dir);
    if (code) throw Object.assign(new Error(`${code}: watch ${dir}`), { code });
    return (fs.watch as (...args: unknown[]) => Fs.FSWatcher)(dir, ...rest);
  }) as typeof fs.watch;
  return { ...fs, default: { ...fs, watch }, watch };
});

const SETTLE_MS = 150;
// The engine's clock counts whole milliseconds (Date.now); the test's, fractions of one.
const CLOCK_GRAIN_MS = 1;
const WATCHER_SOURCE = path.resolve(
  import.meta.dirname,
  '../../../src-main/watch/folder-tree-watcher.ts',
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
const opened: FolderTreeWatcher[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tree-watcher-'));
});
afterEach(async () => {
  for (const watcher of opened.splice(0)) watcher.close();
  failWatch.when = () => undefined;
  await rm(dir, { recursive: true, force: true });
});

interface Reported {
  file: string;
  size: number;
  at: number;
}

/** A watcher on `dir` that takes every file but `*.tmp`, and what it told. */
function watchTree(options: Partial<FolderTreeWatcherOptions> = {}) {
  const files: Reported[] = [];
  const ignored: [string, string][] = [];
  const warnings: string[] = [];
  const watcher = new FolderTreeWatcher(
    {
      folder: dir,
      recursive: true,
      settleMs: SETTLE_MS,
      matcher: (file) =>
        file.endsWith('.tmp') ? { take: false, reason: 'temporary file' } : { take: true },
      folderMatcher: () => ({ take: true }),
      ...options,
    },
    {
      file: (file, stats) => files.push({ file, size: stats.size, at: performance.now() }),
      ignored: (file, reason) => ignored.push([file, reason]),
      warning: (message) => warnings.push(message),
    },
  );
  opened.push(watcher);
  const named = (name: string) => files.filter((f) => f.file === path.join(dir, name));
  return { watcher, files, ignored, warnings, named };
}

async function put(name: string, text = 'content'): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** A file last written a minute ago. */
async function putOld(name: string, text = 'content'): Promise<string> {
  const file = await put(name, text);
  const minuteAgo = new Date(Date.now() - 60_000);
  await utimes(file, minuteAgo, minuteAgo);
  return file;
}

describe('the folder tree watcher', () => {
  it('reports the files already there and old enough at once, and tells what it leaves out', async () => {
    await putOld('a.bin', 'aaa');
    await putOld('sub/deeper/b.bin', 'bbbbb');
    await putOld('c.tmp');
    await symlink(path.join(dir, 'a.bin'), path.join(dir, 'link.bin'));
    const tree = watchTree();
    await tree.watcher.ready;
    expect(tree.files.map(({ file, size }) => ({ file, size }))).toEqual(
      expect.arrayContaining([
        { file: path.join(dir, 'a.bin'), size: 3 },
        { file: path.join(dir, 'sub/deeper/b.bin'), size: 5 },
      ]),
    );
    expect(tree.files).toHaveLength(2);
    expect(tree.ignored.sort()).toEqual([
      [path.join(dir, 'c.tmp'), 'temporary file'],
      [path.join(dir, 'link.bin'), 'is not a regular file'],
    ]);
    expect(tree.watcher.watchedFolders).toBe(3);
  });

  it('reports a file already there but written just now once it has settled, like a new one', async () => {
    const file = await put('fresh.bin', 'fresh');
    const written = performance.now();
    const tree = watchTree();
    await tree.watcher.ready;
    expect(tree.named('fresh.bin')).toEqual([]);
    await vi.waitFor(() => expect(tree.named('fresh.bin')).toHaveLength(1));
    expect(tree.named('fresh.bin')[0]!.at - written).toBeGreaterThanOrEqual(
      SETTLE_MS - CLOCK_GRAIN_MS,
    );
    expect(tree.files.map((f) => f.file)).toEqual([file]);
  });

  it('reports a file written in chunks once, settled, after its last write and the settle time', async () => {
    const tree = watchTree();
    await tree.watcher.ready;
    const handle = await open(path.join(dir, 'slow.bin'), 'w');
    // Taken before each write: the write, and so its event, comes after it.
    let lastWrite = 0;
    for (let chunk = 0; chunk < 4; chunk += 1) {
      if (chunk > 0) await sleep(SETTLE_MS / 2);
      lastWrite = performance.now();
      await handle.write(Buffer.alloc(1000, chunk));
    }
    await handle.close();
    await vi.waitFor(() => expect(tree.named('slow.bin')).toHaveLength(1));
    const [reported] = tree.named('slow.bin');
    expect(reported).toMatchObject({ size: 4000 });
    expect(reported!.at - lastWrite).toBeGreaterThanOrEqual(SETTLE_MS - CLOCK_GRAIN_MS);
    await sleep(SETTLE_MS * 2);
    expect(tree.files).toHaveLength(1);
  });

  it('takes a file renamed into place, and leaves out its temporary name', async () => {
    const tree = watchTree();
    await tree.watcher.ready;
    const temporary = await put('out.tmp', 'build');
    await sleep(20);
    await rename(temporary, path.join(dir, 'out.bin'));
    await vi.waitFor(() => expect(tree.named('out.bin')).toHaveLength(1));
    expect(tree.ignored).toContainEqual([temporary, 'temporary file']);
  });

  it('watches a new subfolder and settles the files found in it', async () => {
    const tree = watchTree();
    await tree.watcher.ready;
    await put('new/one.bin', '1');
    await put('new/deeper/two.bin', '22');
    await vi.waitFor(() => {
      expect(tree.named('new/one.bin')).toMatchObject([{ size: 1 }]);
      expect(tree.named('new/deeper/two.bin')).toMatchObject([{ size: 2 }]);
    });
    expect(tree.watcher.watchedFolders).toBe(3);
    // Watched, not only listed: a file written later is seen too.
    await put('new/deeper/three.bin');
    await vi.waitFor(() => expect(tree.named('new/deeper/three.bin')).toHaveLength(1));
  });

  it('looks only at the folder’s own files when not recursive', async () => {
    await put('sub/old.bin');
    const tree = watchTree({ recursive: false });
    await tree.watcher.ready;
    await put('sub/new.bin');
    await put('other/new.bin');
    await put('top.bin');
    await vi.waitFor(() => expect(tree.named('top.bin')).toHaveLength(1));
    await sleep(SETTLE_MS * 2);
    expect(tree.files.map((f) => f.file)).toEqual([path.join(dir, 'top.bin')]);
    expect(tree.ignored).toEqual([]);
    expect(tree.watcher.watchedFolders).toBe(1);
  });

  it('lets go of a removed subfolder, and watches it again when it is made again', async () => {
    await put('sub/old.bin');
    const tree = watchTree();
    await tree.watcher.ready;
    expect(tree.watcher.watchedFolders).toBe(2);
    await rm(path.join(dir, 'sub'), { recursive: true });
    await vi.waitFor(() => expect(tree.watcher.watchedFolders).toBe(1));
    await put('sub/again.bin');
    await vi.waitFor(() => expect(tree.named('sub/again.bin')).toHaveLength(1));
    expect(tree.watcher.watchedFolders).toBe(2);
  });

  it('drops a file deleted while it settles', async () => {
    const tree = watchTree();
    await tree.watcher.ready;
    const gone = await put('gone.bin');
    await put('kept.bin');
    await sleep(SETTLE_MS / 3);
    await rm(gone);
    await vi.waitFor(() => expect(tree.named('kept.bin')).toHaveLength(1));
    await sleep(SETTLE_MS * 2);
    expect(tree.named('gone.bin')).toEqual([]);
  });

  it('neither lists nor watches the folders the folder matcher refuses', async () => {
    await put('node_modules/dep/old.bin');
    const asked: string[] = [];
    const tree = watchTree({
      folderMatcher: (folder) =>
        path.basename(folder) === 'node_modules'
          ? { take: false, reason: 'excluded by "node_modules"' }
          : { take: true },
      matcher: (file) => {
        asked.push(file);
        return { take: true };
      },
    });
    await tree.watcher.ready;
    await put('node_modules/dep/new.bin');
    await put('node_modules/top.bin');
    await put('wanted.bin');
    await vi.waitFor(() => expect(tree.named('wanted.bin')).toHaveLength(1));
    await sleep(SETTLE_MS * 2);
    expect(tree.files.map((f) => f.file)).toEqual([path.join(dir, 'wanted.bin')]);
    expect(asked.filter((file) => file.includes('node_modules'))).toEqual([]);
    expect(tree.watcher.watchedFolders).toBe(1);
  });

  it('says once what to do when the inotify limit is reached, and still reports the files there', async () => {
    await putOld('sub1/a.bin');
    await putOld('sub2/b.bin');
    failWatch.when = (watched) => (watched === dir ? undefined : 'ENOSPC');
    const tree = watchTree();
    await tree.watcher.ready;
    expect(tree.files).toHaveLength(2);
    expect(tree.warnings).toHaveLength(1);
    expect(tree.warnings[0]).toMatch(/^cannot watch .*sub[12]: .*inotify watches/);
    expect(tree.warnings[0]).toContain('fs.inotify.max_user_watches');
    expect(tree.watcher.watchedFolders).toBe(1);
  });

  it('closes every watch, and stops reporting', async () => {
    const watches = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'FSEventWrap').length;
    expect(watches()).toBe(0);
    await putOld('sub/a.bin');
    const tree = watchTree();
    await tree.watcher.ready;
    expect(watches()).toBe(2);
    await put('sub/b.bin');
    await sleep(SETTLE_MS / 2);
    tree.watcher.close();
    // A closed handle is gone once the event loop has run its close callbacks.
    await sleep(10);
    expect(watches()).toBe(0);
    await put('c.bin');
    await sleep(SETTLE_MS * 2);
    expect(tree.files.map((f) => f.file)).toEqual([path.join(dir, 'sub/a.bin')]);
  });

  it('leaves nothing that keeps the process alive once closed', async () => {
    // A process of its own: any watch or timer left behind would keep it from exiting.
    const script = path.join(dir, 'close.mts');
    await writeFile(
      script,
      `import { writeFile } from 'node:fs/promises';
       import { FolderTreeWatcher } from ${JSON.stringify(WATCHER_SOURCE)};
       const folder = ${JSON.stringify(dir)};
       const watcher = new FolderTreeWatcher(
         { folder, recursive: true, settleMs: 5000, matcher: () => ({ take: true }),
           folderMatcher: () => ({ take: true }) },
         { file: () => {}, ignored: () => {}, warning: () => {} },
       );
       await watcher.ready;
       await writeFile(folder + '/settling.bin', 'x');
       await new Promise((resolve) => setTimeout(resolve, 100));
       watcher.close();
       console.log('closed');`,
    );
    await put('sub/a.bin');
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exit = await new Promise<number | null>((resolve) => {
      // Well before the 5 s settle time would have let it end by itself.
      const timer = setTimeout(() => child.kill(), 4000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(out.trim()).toBe('closed');
    expect(exit).toBe(0);
  }, 15_000);
});
