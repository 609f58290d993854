// Runs a CommonJS file the way the installed `peridio-desk` launcher does (launch.ts), with
// the cache folder the test gives, and says at exit whether V8 took the cache.
import { runWithCompileCache } from '../../../src-main/cli/compile-cache.js';

const [file, cacheDir] = process.argv.slice(2);
const run = runWithCompileCache(file!, cacheDir!);
process.once('exit', () => {
  run.saveCache();
  process.stdout.write(`${JSON.stringify({ cacheUsed: run.cacheUsed })}\n`);
});
