// Where the desktop app keeps Chromium's profile and what it is called by the OS. Plain logic,
// tested without Electron.
import path from 'node:path';

/**
 * Chromium's profile (caches, local storage, the single-instance lock) inside the app's data
 * folder, so an app on another PERIDIO_DESK_DATA_DIR is another instance with its own lock,
 * and on macOS and Windows Chromium's files do not land beside config.json and queue.sqlite.
 */
export function chromiumUserDataDir(dataDir: string): string {
  return path.join(dataDir, 'chromium');
}

export const APP_ID = 'com.peridio.desk';

/**
 * Windows shows a notification only for an app the Start menu knows: the installer registers
 * APP_ID; started from the sources, only Electron's own executable is known.
 */
export function appUserModelId(isPackaged: boolean, execPath: string): string {
  return isPackaged ? APP_ID : execPath;
}

/** macOS draws template images (black and alpha) in the menu bar's own colours. */
export function trayIconFile(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
}
