#!/usr/bin/env node
// `npm test`: everything, in order, stopping at the first failing step.
// Prepares what the tests need (a D-Bus session with a throwaway unlocked gnome-keyring on
// Linux, Chromium once there are e2e tests) or says exactly what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = mkdtempSync(join(tmpdir(), 'peridio-desk-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };

function hasFiles(dir, suffix) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(suffix));
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Debian packages the tests need that are not installed yet. */
function missingPackages() {
  const needs = [];
  if (process.platform === 'linux') {
    if (!onPath('dbus-run-session')) needs.push('dbus');
    if (!onPath('gnome-keyring-daemon')) needs.push('gnome-keyring');
  }
  if (hasFiles(join(root, 'test/e2e'), '.e2e.ts') && !existsSync('/usr/bin/chromium')) {
    needs.push('chromium');
  }
  return needs;
}

function prepare() {
  const needs = missingPackages();
  if (needs.length === 0) return;
  const command = `apt-get install -y ${needs.join(' ')}`;
  const canInstall = existsSync('/etc/debian_version') && process.getuid?.() === 0;
  if (!canInstall) {
    console.error(`npm test needs: ${needs.join(', ')}. Install them, then run npm test again:`);
    console.error(`  sudo apt-get update && sudo ${command}`);
    process.exit(1);
  }
  console.log(`Installing what the tests need: ${needs.join(' ')}`);
  run('apt-get update', 'apt-get', ['update', '-qq']);
  run(command, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...needs]);
}

function run(label, command, args, env = process.env) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n✖ ${label} failed (exit ${result.status ?? result.signal}).`);
    summary();
    process.exit(result.status || 1);
  }
}

/**
 * Installs this folder the way a user does (`npm install -g .`, into a throwaway prefix so
 * npm links the bin afresh; `npx` would reuse a link cached by an older build) and runs the
 * installed `peridio-desk --help`.
 */
function installedCommandRuns() {
  const prefix = mkdtempSync(join(tmpdir(), 'peridio-desk-prefix-'));
  try {
    run('install this folder as a user does (npm install -g, throwaway prefix)', 'npm', [
      ...['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts'],
      ...['--no-audit', '--no-fund', '--loglevel=error', root],
    ]);
    run('peridio-desk --help (the installed command)', join(prefix, 'bin/peridio-desk'), [
      '--help',
    ]);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

/**
 * Runs `command` (a shell line); on Linux inside a private session bus with an unlocked
 * throwaway keyring (its password must not be empty), in a throwaway HOME so the user's own
 * keyring is never touched.
 */
function runWithKeyring(label, command, env = process.env) {
  if (process.platform !== 'linux') {
    run(label, 'sh', ['-c', command], env);
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'peridio-desk-keyring-'));
  const script =
    'printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ' +
    `exec ${command}`;
  try {
    run(
      `${label} (private D-Bus session, throwaway keyring)`,
      'dbus-run-session',
      ['--', 'sh', '-c', script],
      {
        ...env,
        HOME: home,
        XDG_DATA_HOME: join(home, '.local/share'),
      },
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const quoted = (args) => args.map((a) => `'${a}'`).join(' ');

/** Runs one vitest project, keeping its JSON report for the totals. */
function vitest(project, { inKeyringSession = false } = {}) {
  const report = join(reports, `${project}.json`);
  const args = ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json'];
  args.push(`--outputFile.json=${report}`);
  const command = `npx ${quoted(args)}`;
  try {
    if (inKeyringSession) runWithKeyring(`vitest ${project}`, command);
    else run(`vitest ${project}`, 'sh', ['-c', command]);
  } finally {
    countVitest(report);
  }
}

/** The Playwright end-to-end tests in Chromium, against the dashboard face. */
function e2e() {
  const report = join(reports, 'e2e.json');
  const command = `npx ${quoted(['playwright', 'test', '-c', 'test/e2e/playwright.config.ts'])}`;
  try {
    runWithKeyring('playwright e2e (Chromium, dashboard face)', command, {
      ...process.env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: report,
    });
  } finally {
    countPlaywright(report);
  }
}

function countVitest(report) {
  if (!existsSync(report)) return;
  const json = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests ?? 0;
  totals.failed += json.numFailedTests ?? 0;
  totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
}

function countPlaywright(report) {
  if (!existsSync(report)) return;
  const { stats } = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += (stats?.expected ?? 0) + (stats?.flaky ?? 0);
  totals.failed += stats?.unexpected ?? 0;
  totals.skipped += stats?.skipped ?? 0;
}

function summary() {
  // The plain closing line CI reads.
  console.log(
    `\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
  );
}

prepare();
run('build', 'npm', ['run', '--silent', 'build']);
run('typecheck', 'npm', ['run', '--silent', 'typecheck']);
run('lint (eslint + prettier)', 'npm', ['run', '--silent', 'lint']);
installedCommandRuns();
run('electronegativity (the built main, preload and renderer)', 'node', [
  'scripts/electronegativity.mjs',
]);
vitest('unit');
vitest('integration', { inKeyringSession: true });
if (hasFiles(join(root, 'test/e2e'), '.e2e.ts')) e2e();
summary();
rmSync(reports, { recursive: true, force: true });
