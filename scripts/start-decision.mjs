// What `npm start` runs, decided from plain facts so it is tested without Electron or a
// display: the desktop app when an Electron runtime and a display are there and Chromium's
// sandbox can start, else the dashboard (the same interface in a browser), else a line saying
// what to build.
import path from 'node:path';

export const ELECTRON_MAIN = 'dist/src-main/electron/main.js';
export const DASHBOARD_BIN = 'dist/cli/bin.cjs';

/**
 * Where the Electron executable is, found the way node_modules/electron/index.js finds it
 * but without its fallback: when the binary is missing, `require('electron')` starts a
 * download, which must never happen from `npm start`.
 *
 * @param {{ electronDir: string | null, env: Record<string, string | undefined>,
 *   exists(file: string): boolean, readText(file: string): string | null }} facts
 * The version is the runtime's own (`version` in its dist folder), which the native modules
 * must be built for, else the package's.
 *
 * @returns {{ path: string, version: string } | { missing: string }}
 */
export function findElectronExecutable({ electronDir, env, exists, readText }) {
  if (electronDir === null) return { missing: 'the electron package is not installed' };
  const named = readText(path.join(electronDir, 'path.txt'))?.trim() || null;
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  const file = path.join(distDir, named ?? 'electron');
  const version = () =>
    readText(path.join(distDir, 'version'))?.trim().replace(/^v/, '') ||
    JSON.parse(readText(path.join(electronDir, 'package.json')) ?? '{}').version;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    return exists(file)
      ? { path: file, version: version() }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no ${file}` };
  }
  if (named === null) return { missing: 'the electron package has no downloaded binary' };
  return exists(file)
    ? { path: file, version: version() }
    : { missing: `the Electron binary ${file} is missing` };
}

/** Ubuntu 24.04 and later set this to 1: unprivileged user namespaces need an AppArmor grant. */
export const USERNS_RESTRICTION_FILE = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns';

/**
 * Why Chromium's sandbox cannot start here, or null. Where AppArmor refuses the user namespaces
 * Chromium sandboxes with, it falls back to the setuid helper `chrome-sandbox` beside the
 * executable; in node_modules that helper is the installing user's, not root's with the
 * setuid bit, and the process dies with SIGTRAP before any of our code runs.
 *
 * @param {{ platform: string, electronPath: string, readText(file: string): string | null,
 *   stat(file: string): { uid: number, mode: number } | null }} facts
 * @returns {string | null}
 */
export function chromeSandboxProblem({ platform, electronPath, readText, stat }) {
  if (platform !== 'linux') return null;
  if (readText(USERNS_RESTRICTION_FILE)?.trim() !== '1') return null;
  const helper = path.join(path.dirname(electronPath), 'chrome-sandbox');
  const info = stat(helper);
  const setuidRoot = info !== null && info.uid === 0 && (info.mode & 0o4755) === 0o4755;
  if (setuidRoot) return null;
  const restricted =
    'AppArmor restricts unprivileged user namespaces on this system ' +
    `(${USERNS_RESTRICTION_FILE} is 1), so Electron needs its sandbox helper`;
  if (info === null) {
    return (
      `${restricted}, and ${helper} is missing. Reinstall Electron (` +
      '`rm -rf node_modules/electron && npm install`), then make the helper setuid root.'
    );
  }
  return (
    `${restricted} ${helper} owned by root with the setuid bit; without it the desktop app ` +
    `aborts at start. Fix it once with:\n  sudo sh -c 'chown root:root "${helper}" && chmod 4755 "${helper}"'`
  );
}

/** Linux needs an X11 or Wayland display; macOS and Windows always have one. */
export function hasDisplay(platform, env) {
  if (platform !== 'linux') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * The desktop app's decision names the Electron version its native modules must be prepared
 * for (start.mjs does that before starting it); the dashboard's has nothing to prepare.
 *
 * @param {{ root: string, platform: string, env: Record<string, string | undefined>,
 *   electron: { path: string, version: string } | { missing: string },
 *   sandboxProblem: string | null, exists(file: string): boolean, nodePath: string,
 *   args: string[] }} facts
 * @returns {{ run: 'electron', command: string, args: string[], electronVersion: string }
 *   | { run: 'dashboard', command: string, args: string[], notice: string }
 *   | { run: 'nothing', message: string }}
 */
export function decideStart(facts) {
  const { root, platform, env, electron, sandboxProblem, exists, args } = facts;
  const why =
    'path' in electron
      ? hasDisplay(platform, env)
        ? sandboxProblem
        : 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)'
      : `no Electron runtime (${electron.missing})`;
  if (why === null && 'path' in electron) {
    if (!exists(path.join(root, ELECTRON_MAIN))) return notBuilt(ELECTRON_MAIN);
    return {
      run: 'electron',
      command: electron.path,
      args: [path.join(root, ELECTRON_MAIN), ...args],
      electronVersion: electron.version,
    };
  }
  return dashboardInstead(facts, why);
}

/**
 * The dashboard face, with one line saying why not the desktop app.
 *
 * @param {{ root: string, exists(file: string): boolean, nodePath: string, args: string[] }} facts
 * @param {string} why
 */
export function dashboardInstead({ root, exists, nodePath, args }, why) {
  if (!exists(path.join(root, DASHBOARD_BIN))) return notBuilt(DASHBOARD_BIN);
  return {
    run: 'dashboard',
    notice: `Peridio Desk: ${why}, so this starts the dashboard face instead (the same app in your browser).`,
    command: nodePath,
    args: [path.join(root, DASHBOARD_BIN), 'dashboard', ...args],
  };
}

function notBuilt(file) {
  return {
    run: 'nothing',
    message:
      `${file} is missing: the app is not built. Run \`npm run build\` ` +
      '(npm install runs it through "prepare"), then `npm start` again.',
  };
}
