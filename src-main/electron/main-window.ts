// The app's one window: our app:// page with every web preference on its safe side, shown
// when painted, and hidden (not closed) when the person closes it while the app keeps running
// in the tray. Navigation, new windows and permissions are handled in window-security.ts.
import { BrowserWindow } from 'electron';
import { APP_START_URL } from './app-origin.js';

export interface MainWindowOptions {
  /** dist/preload/index.cjs */
  preloadPath: string;
  /** The window icon (Linux; macOS and Windows take the app's icon). */
  iconPath: string;
  /** False once the app is quitting: then closing really closes. */
  hideOnClose(): boolean;
  onHidden?(): void;
  onLoadFailed?(error: unknown): void;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Peridio Desk',
    icon: options.iconPath,
    webPreferences: {
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK: it exposes only the contract's commands and events (src-preload/bridge.ts), never ipcRenderer
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // A middle click must not open a link in a new window (denied anyway by the open handler).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (!options.hideOnClose()) return;
    event.preventDefault();
    window.hide();
    options.onHidden?.();
  });
  window.loadURL(APP_START_URL).catch((error: unknown) => options.onLoadFailed?.(error));
  return window;
}

/** Brings the window back from the tray or from behind other windows. */
export function showWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
