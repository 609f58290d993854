#!/usr/bin/env node
import { main } from './main.js';

// A command parses a few objects of each schema: zod's fast path, a function it compiles per
// object schema with `new Function` (never in V8's code cache), costs a short command more
// than it saves. zod reads its config from this global, so it is set before zod loads.
(globalThis as { __zod_globalConfig?: { jitless: boolean } }).__zod_globalConfig = {
  jitless: true,
};

// A reader that goes away (`peridio-desk queue run --json | head -1`) ends the command the way
// a closed pipe ends any Unix tool (status 128 + SIGPIPE), not with a stack trace; queued
// work stays queued and resumes on the next run.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(141);
});

// The command has closed what it opened (the queue, the database, the log). Exiting once the
// output is written spares the wait for Node to take down every module it loaded, which a
// script running one upload per file would pay per file. (No top-level await: the bundle is
// CommonJS, see scripts/bundle-cli.mjs.)
void main(process.argv.slice(2)).then((code) => {
  let unflushed = 2;
  const exitWhenFlushed = () => {
    unflushed -= 1;
    if (unflushed === 0) process.exit(code);
  };
  process.stdout.write('', exitWhenFlushed);
  process.stderr.write('', exitWhenFlushed);
});
