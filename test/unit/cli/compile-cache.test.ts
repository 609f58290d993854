// The launcher's code cache with real files and real processes: a command runs the same with
// or without a cache; the first run writes one (for this user only) and the next uses it;
// each command word has its own; a new build gets new caches and the old ones go; a broken
// cache or a cache folder that cannot be made costs only the speed-up.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userCacheDir } from '../../../src-main/cli/compile-cache.js';

const CHILD = path.join(import.meta.dirname, 'compile-cache-child.ts');

let dir: string;
let command: string;
let cacheDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'compile-cache-'));
  command = path.join(dir, 'command.cjs');
  cacheDir = path.join(dir, 'cache');
  await writeCommand('first');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A CommonJS command with a `#!` line, as the bundle has, that uses require and __dirname. */
async function writeCommand(says: string): Promise<void> {
  await writeFile(
    command,
    `#!/usr/bin/env node
const path = require('node:path');
function answer(words) { return words.map((w) => w.toUpperCase()).join(' '); }
console.log(JSON.stringify({ says: answer([${JSON.stringify(says)}]), dir: path.basename(__dirname) }));
`,
  );
}

function run(cache = cacheDir, word = 'upload'): { printed: unknown; cacheUsed: boolean } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, command, cache, word], {
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  const [printed, said] = child.stdout.trim().split('\n');
  return { printed: JSON.parse(printed!), cacheUsed: JSON.parse(said!).cacheUsed };
}

// Each test starts up to 26 processes under tsx, a few seconds each on a busy 2-core machine.
describe('the compile cache', { timeout: 60_000 }, () => {
  it('is written by the first run, for this user only, and used by the next', async () => {
    const expected = { says: 'FIRST', dir: path.basename(dir) };
    expect(run()).toEqual({ printed: expected, cacheUsed: false });
    const [cache] = await readdir(cacheDir);
    expect(cache).toMatch(/^command\.cjs-.*-upload\.v8-cache$/);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(cacheDir, cache!))).mode & 0o777).toBe(0o600);
    expect(run()).toEqual({ printed: expected, cacheUsed: true });
  });

  it('keeps a cache per command word, and one for any other argument', async () => {
    expect(run(cacheDir, 'upload').cacheUsed).toBe(false);
    expect(run(cacheDir, 'queue').cacheUsed).toBe(false);
    expect(run(cacheDir, '--help').cacheUsed).toBe(false);
    expect(run(cacheDir, '../../etc/passwd').cacheUsed).toBe(true);
    expect(run(cacheDir, 'upload').cacheUsed).toBe(true);
    const words = (await readdir(cacheDir)).map((name) => /-(\w+)\.v8-cache$/.exec(name)?.[1]);
    expect(words.sort()).toEqual(['other', 'queue', 'upload']);
  });

  it('keeps at most 24 caches of a build, whatever words are typed', async () => {
    run(cacheDir, 'upload');
    const [first] = await readdir(cacheDir);
    const build = first!.slice(0, -'upload.v8-cache'.length);
    for (const letter of 'abcdefghijklmnopqrstuvw') {
      await copyFile(
        path.join(cacheDir, first!),
        path.join(cacheDir, `${build}${letter}.v8-cache`),
      );
    }
    expect(run(cacheDir, 'w').cacheUsed).toBe(true);
    expect(run(cacheDir, 'another').cacheUsed).toBe(false);
    expect(run(cacheDir, 'another').cacheUsed).toBe(false);
    expect(await readdir(cacheDir)).toHaveLength(24);
  });

  it('gives a new build new caches and removes the old ones', async () => {
    run(cacheDir, 'upload');
    run(cacheDir, 'queue');
    const old = await readdir(cacheDir);
    await writeCommand('second build');
    expect(run()).toEqual({
      printed: { says: 'SECOND BUILD', dir: path.basename(dir) },
      cacheUsed: false,
    });
    const caches = await readdir(cacheDir);
    expect(caches).toHaveLength(1);
    expect(old).not.toContain(caches[0]);
    expect(run().cacheUsed).toBe(true);
  });

  it('runs the command when the cache is broken, and writes a good one', async () => {
    run();
    const [cache] = await readdir(cacheDir);
    await writeFile(path.join(cacheDir, cache!), 'not a code cache');
    expect(run()).toEqual({
      printed: { says: 'FIRST', dir: path.basename(dir) },
      cacheUsed: false,
    });
    expect(run().cacheUsed).toBe(true);
  });

  it('runs the command when no cache folder can be made', async () => {
    const blocked = path.join(dir, 'a-file');
    await writeFile(blocked, '');
    const cacheInsideAFile = path.join(blocked, 'cache');
    expect(run(cacheInsideAFile)).toEqual({
      printed: { says: 'FIRST', dir: path.basename(dir) },
      cacheUsed: false,
    });
    expect(await readFile(blocked, 'utf8')).toBe('');
  });

  it("lives in the platform's per-user cache folder", () => {
    expect(userCacheDir({}, 'linux', '/home/ada')).toBe('/home/ada/.cache/peridio-desk');
    expect(userCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', '/home/ada')).toBe(
      '/var/cache/ada/peridio-desk',
    );
    expect(userCacheDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Caches/peridio-desk');
    expect(
      userCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada'),
    ).toBe(path.join('C:\\Users\\ada\\AppData\\Local', 'peridio-desk', 'Cache'));
  });
});
