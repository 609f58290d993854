// Runs a CommonJS file the way the installed `peridio-desk` launcher does (launch.ts), for the
// command word and with the cache folder the test gives, and says at exit whether V8 took the
// cache.
import { commandCacheName, runWithCompileCache } from '../../../src-main/cli/compile-cache.js';

const [file, cacheDir, word] = process.argv.slice(2);
const run = runWithCompileCache(file!, commandCacheName(word), cacheDir!);
process.once('exit', () => {
  run.saveCache();
  process.stdout.write(`${JSON.stringify({ cacheUsed: run.cacheUsed })}\n`);
});
