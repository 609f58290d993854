#!/usr/bin/env node
// The installed `peridio-desk` (dist/cli/bin.js): the bundled command beside it, run with
// V8's code cache (compile-cache.ts).
import path from 'node:path';
import { runWithCompileCache } from './compile-cache.js';

const run = runWithCompileCache(path.join(import.meta.dirname, 'peridio-desk.cjs'));
process.once('exit', run.saveCache);
