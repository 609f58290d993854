#!/usr/bin/env node
// `npm start [-- args]`: the desktop app when this machine can show it, else the dashboard
// with the args (e.g. `npm start -- --port 8080`), saying why in one line. Runs the chosen
// process with this terminal, hands it SIGINT/SIGTERM, and exits with its exit code.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { decideStart, findElectronExecutable } from './start-decision.mjs';

const root = path.resolve(import.meta.dirname, '..');

function electronDir() {
  try {
    // The package's folder only: requiring 'electron' itself would start a download.
    return path.dirname(
      createRequire(path.join(root, 'package.json')).resolve('electron/package.json'),
    );
  } catch {
    return null;
  }
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const decision = decideStart({
  root,
  platform: process.platform,
  env: process.env,
  electron: findElectronExecutable({
    electronDir: electronDir(),
    env: process.env,
    exists: existsSync,
    readText,
  }),
  exists: existsSync,
  nodePath: process.execPath,
  args: process.argv.slice(2),
});

if (decision.run === 'nothing') {
  console.error(decision.message);
  process.exit(1);
}
if (decision.notice) console.error(decision.notice);

// Its own process group (POSIX): a terminal's Ctrl+C then reaches the child once, through us,
// instead of twice (directly and forwarded), and a second SIGINT would skip its clean close.
const child = spawn(decision.command, decision.args, {
  cwd: root,
  stdio: 'inherit',
  detached: process.platform !== 'win32',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
process.on('exit', () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});
child.on('error', (error) => {
  console.error(`Could not start ${decision.command}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
