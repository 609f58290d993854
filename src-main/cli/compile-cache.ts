// Runs the bundled command (one CommonJS file) with V8's code cache, so a command does not
// compile the code it ran last time again: about a fifth of a short command's time. Node 22
// does this itself (module.enableCompileCache); Node 20 does not, hence this small launcher.
//
// The cache lives in the user's own cache folder (never a shared /tmp: a cache is code), one
// file per bundle build, Node version and command: each is written by that command's first
// run after a change, with what it compiled (a cache written by `--help` would hold little of
// what `upload` runs). V8 refuses a cache that does not fit (then it is written anew).
// Anything wrong with the folder only costs the speed-up, never the command.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';

/** Where this user's caches go, per the platform's convention. */
export function userCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32')
    return path.join(
      env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'),
      'peridio-desk',
      'Cache',
    );
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'peridio-desk');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'peridio-desk');
}

/** Caches kept per build: a cache per command word typed, up to this many. */
const MAX_CACHES_PER_BUILD = 24;

/** The cache's name for the command `word` (argv[2]); any other word shares one cache. */
export function commandCacheName(word: string | undefined): string {
  return word !== undefined && /^[a-z]+(-[a-z]+)*$/.test(word) && word.length <= 24
    ? word
    : 'other';
}

/**
 * The start of the cache files' names of this build of `file` for this Node: a new build or
 * Node gets new ones.
 */
function buildPrefix(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return `${path.basename(file)}-${size}-${Math.round(mtimeMs)}-${process.version}-${process.arch}-`;
}

export interface CompiledRun {
  /** Whether V8 took the cache (false: none yet, or it did not fit this build). */
  cacheUsed: boolean;
  /** Writes the cache of what has been compiled so far, when none was used. */
  saveCache(): void;
}

/**
 * Runs the CommonJS `file` (ASCII only) as Node would, with the code cache of `command` from
 * `cacheDir`. Call `saveCache` at exit, so that the cache holds every function the command
 * compiled.
 */
export function runWithCompileCache(
  file: string,
  command: string,
  cacheDir: string = userCacheDir(),
): CompiledRun {
  // The bundle is ASCII (bundle-cli.mjs makes sure), so latin1 reads it right, and faster
  // than utf8, which decodes. Node strips a `#!` line from a script it runs; vm.Script does not.
  const source = readFileSync(file, 'latin1').replace(/^#!.*/, '');
  let build: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    build = buildPrefix(file);
    cachedData = readFileSync(path.join(cacheDir, `${build}${command}.v8-cache`));
  } catch {
    // No cache yet (or no folder for one): this run compiles, and writes one if it can.
  }
  // CommonJS's own wrapper, as Node puts it around a module it loads.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    cacheUsed,
    saveCache: () => {
      if (cacheUsed || !build) return;
      writeCache({ cacheDir, bundle: `${path.basename(file)}-`, build, command }, () =>
        script.createCachedData(),
      );
    },
  };
}

/**
 * Writes the cache of `command`, and removes those of other builds of the bundle; writes none
 * past MAX_CACHES_PER_BUILD for this build.
 */
function writeCache(
  names: { cacheDir: string; bundle: string; build: string; command: string },
  data: () => Buffer,
): void {
  const { cacheDir, bundle, build, command } = names;
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const caches = readdirSync(cacheDir).filter((name) => name.endsWith('.v8-cache'));
    for (const other of caches.filter((name) => name.startsWith(bundle))) {
      if (!other.startsWith(build)) rmSync(path.join(cacheDir, other), { force: true });
    }
    const name = `${build}${command}.v8-cache`;
    const ofBuild = caches.filter((other) => other.startsWith(build));
    if (!ofBuild.includes(name) && ofBuild.length >= MAX_CACHES_PER_BUILD) return;
    // Written beside and renamed: a command starting meanwhile reads the old cache or the new.
    const file = path.join(cacheDir, name);
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, data(), { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // A read-only home or a full disk: the next run compiles again.
  }
}
