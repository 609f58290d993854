#!/usr/bin/env node
import { main } from './main.js';

// A reader that goes away (`peridio-desk queue run --json | head -1`) ends the command the way
// a closed pipe ends any Unix tool (status 128 + SIGPIPE), not with a stack trace; queued
// work stays queued and resumes on the next run.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(141);
});

process.exitCode = await main(process.argv.slice(2));
