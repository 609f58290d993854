// What `npm start` runs, decided from plain facts so it is tested without Electron or a
// display: the desktop app when an Electron runtime and a display are there, else the
// dashboard (the same interface in a browser), else a line saying what to build.
import path from 'node:path';

export const ELECTRON_MAIN = 'dist/src-main/electron/main.js';
export const DASHBOARD_BIN = 'dist/src-main/cli/bin.js';

/**
 * Where the Electron executable is, found the way node_modules/electron/index.js finds it
 * but without its fallback: when the binary is missing, `require('electron')` starts a
 * download, which must never happen from `npm start`.
 *
 * @param {{ electronDir: string | null, env: Record<string, string | undefined>,
 *   exists(file: string): boolean, readText(file: string): string | null }} facts
 * @returns {{ path: string } | { missing: string }}
 */
export function findElectronExecutable({ electronDir, env, exists, readText }) {
  if (electronDir === null) return { missing: 'the electron package is not installed' };
  const named = readText(path.join(electronDir, 'path.txt'))?.trim() || null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const file = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, named ?? 'electron');
    return exists(file)
      ? { path: file }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no ${file}` };
  }
  if (named === null) return { missing: 'the electron package has no downloaded binary' };
  const file = path.join(electronDir, 'dist', named);
  return exists(file) ? { path: file } : { missing: `the Electron binary ${file} is missing` };
}

/** Linux needs an X11 or Wayland display; macOS and Windows always have one. */
export function hasDisplay(platform, env) {
  if (platform !== 'linux') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * @param {{ root: string, platform: string, env: Record<string, string | undefined>,
 *   electron: { path: string } | { missing: string }, exists(file: string): boolean,
 *   nodePath: string, args: string[] }} facts
 * @returns {{ run: 'electron' | 'dashboard', command: string, args: string[], notice?: string }
 *   | { run: 'nothing', message: string }}
 */
export function decideStart({ root, platform, env, electron, exists, nodePath, args }) {
  const notBuilt = (file) => ({
    run: 'nothing',
    message:
      `${file} is missing: the app is not built. Run \`npm run build\` ` +
      '(npm install runs it through "prepare"), then `npm start` again.',
  });
  const why =
    'path' in electron
      ? hasDisplay(platform, env)
        ? null
        : 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)'
      : `no Electron runtime (${electron.missing})`;
  if (why === null && 'path' in electron) {
    if (!exists(path.join(root, ELECTRON_MAIN))) return notBuilt(ELECTRON_MAIN);
    return {
      run: 'electron',
      command: electron.path,
      args: [path.join(root, ELECTRON_MAIN), ...args],
    };
  }
  if (!exists(path.join(root, DASHBOARD_BIN))) return notBuilt(DASHBOARD_BIN);
  return {
    run: 'dashboard',
    notice: `Peridio Desk: ${why}, so this starts the dashboard face instead (the same app in your browser).`,
    command: nodePath,
    args: [path.join(root, DASHBOARD_BIN), 'dashboard', ...args],
  };
}
