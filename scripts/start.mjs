#!/usr/bin/env node
// `npm start [-- args]`: the desktop app when this machine can show it, else the dashboard
// with the args (e.g. `npm start -- --port 8080`), saying why in one line. Before the desktop
// app's first start it builds the Electron copy of the database module (once; the plain Node
// build stays for the CLI and the tests). Runs the chosen process with this terminal, hands it
// SIGINT/SIGTERM, and exits with its exit code.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { prepareElectronSqlite } from './electron-sqlite.mjs';
import {
  chromeSandboxProblem,
  dashboardInstead,
  decideStart,
  findElectronExecutable,
} from './start-decision.mjs';

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

function stat(file) {
  try {
    const { uid, mode } = statSync(file);
    return { uid, mode };
  } catch {
    return null;
  }
}

const electron = findElectronExecutable({
  electronDir: electronDir(),
  env: process.env,
  exists: existsSync,
  readText,
});
const facts = {
  root,
  platform: process.platform,
  env: process.env,
  electron,
  sandboxProblem:
    'path' in electron
      ? chromeSandboxProblem({
          platform: process.platform,
          electronPath: electron.path,
          readText,
          stat,
        })
      : null,
  exists: existsSync,
  nodePath: process.execPath,
  args: process.argv.slice(2),
};
let decision = decideStart(facts);

if (decision.run === 'electron') {
  const { electronVersion } = decision;
  try {
    const prepared = await prepareElectronSqlite({
      electronVersion,
      platform: process.platform,
      arch: process.arch,
      onOutput: 'inherit',
      onBuildStart: () =>
        console.error(
          `Peridio Desk: first start with Electron ${electronVersion}: building its copy of the ` +
            'database module (once; the command line keeps its own).',
        ),
    });
    if (prepared.built) console.error(`Peridio Desk: built ${prepared.file}`);
  } catch (error) {
    decision = dashboardInstead(
      facts,
      `the desktop app needs the database module built for Electron ${electronVersion}, and ${error.message}`,
    );
  }
}

if (decision.run === 'nothing') {
  console.error(decision.message);
  process.exit(1);
}
if (decision.run === 'dashboard') console.error(decision.notice);

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
