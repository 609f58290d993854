#!/usr/bin/env node
// The installed `peridio-desk` (dist/cli/bin.cjs, CommonJS: Node starts an ES module entry
// about 20 ms slower): the bundled command beside it, run with the code cache of the command
// it was asked for (compile-cache.ts).
import path from 'node:path';
import { commandCacheName, runWithCompileCache } from './compile-cache.js';

const run = runWithCompileCache(
  path.join(import.meta.dirname, 'peridio-desk.cjs'),
  commandCacheName(process.argv[2]),
);
process.once('exit', run.saveCache);
