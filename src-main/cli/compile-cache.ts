// Runs the bundled command (one CommonJS file) with V8's code cache, so a command does not
// compile the code it ran last time again: about a fifth of a short command's time. Node 22
// does this itself (module.enableCompileCache); Node 20 does not, hence this small launcher.
//
// The cache lives in the user's own cache folder (never a shared /tmp: a cache is code), one
// file per bundle build and Node version. It is written by the first run after a change, with
// what that run compiled, and V8 refuses a cache that does not fit (then it is written anew).
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

/** The cache file of one build of `file` for this Node: a new build or Node gets a new one. */
export function compileCacheFile(file: string, cacheDir: string): string {
  const { size, mtimeMs } = statSync(file);
  const build = `${size}-${Math.round(mtimeMs)}-${process.version}-${process.arch}`;
  return path.join(cacheDir, `${path.basename(file)}-${build}.v8-cache`);
}

export interface CompiledRun {
  /** Whether V8 took the cache (false: none yet, or it did not fit this build). */
  cacheUsed: boolean;
  /** Writes the cache of what has been compiled so far, when none was used. */
  saveCache(): void;
}

/**
 * Runs the CommonJS `file` as Node would, with its code cache from `cacheDir`. Call
 * `saveCache` at exit, so that the cache holds every function the command compiled.
 */
export function runWithCompileCache(file: string, cacheDir: string = userCacheDir()): CompiledRun {
  // Node strips a `#!` line from a script it runs; vm.Script does not.
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    cacheFile = compileCacheFile(file, cacheDir);
    cachedData = readFileSync(cacheFile);
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
      if (cacheUsed || !cacheFile) return;
      writeCache(cacheFile, `${path.basename(file)}-`, () => script.createCachedData());
    },
  };
}

/** Writes the cache, and removes those of earlier builds (their names start with `earlier`). */
function writeCache(file: string, earlier: string, data: () => Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written beside and renamed: a command starting meanwhile reads the old cache or the new.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, data(), { mode: 0o600 });
    renameSync(partial, file);
    const dir = path.dirname(file);
    for (const other of readdirSync(dir)) {
      const stale = other.startsWith(earlier) && other.endsWith('.v8-cache');
      if (stale && other !== path.basename(file)) rmSync(path.join(dir, other), { force: true });
    }
  } catch {
    // A read-only home or a full disk: the next run compiles again.
  }
}
