// The desktop app's main process: one instance, the engine (DeskService) opened on the same
// data folder as the CLI and the dashboard, the renderer served from app://desk, the contract
// over IPC to our own windows only, a tray icon that keeps the queue running after the window
// closes, and a Quit that closes the engine cleanly. Security rules: window-security.ts.
import path from 'node:path';
import {
  app,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type BrowserWindow,
  type IpcMainInvokeEvent,
} from 'electron';
import { openDeskService, type DeskService } from '../service/index.js';
import { SettingsFileError, defaultDataDir, moveBrokenSettingsAside } from '../settings/index.js';
import { DOCS_URL, installAppMenu } from './app-menu.js';
import { APP_SCHEME } from './app-origin.js';
import { APP_SCHEME_PRIVILEGES, appProtocolResponse } from './app-protocol.js';
import { openDesktopSettingsBackend } from './desktop-settings.js';
import { forwardEvents, handleCommands } from './ipc-bridge.js';
import { jobEndNotice } from './job-notice.js';
import { createMainWindow, showWindow } from './main-window.js';
import { STILL_RUNNING_NOTICE, showNotice } from './notifications.js';
import { QueueMonitor } from './queue-monitor.js';
import { externalUrlToOpen } from './security-policy.js';
import { startFailureMessage } from './start-failure.js';
import { DeskTray } from './tray.js';
import { isTrustedSender, senderFactsOf } from './trusted-sender.js';
import { hardenSession, hardenWebContents } from './window-security.js';

// dist/src-main/electron/main.js -> the package root (the project, or app.asar when packaged).
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const paths = {
  renderer: path.join(root, 'dist', 'renderer'),
  preload: path.join(root, 'dist', 'preload', 'index.cjs'),
  windowIcon: path.join(root, 'resources', 'icon.png'),
  trayIcon: path.join(root, 'resources', 'tray.png'),
};

/** Structured lines on stderr, for a person watching a terminal; never a secret in them. */
function log(level: 'info' | 'warn' | 'error', message: string, fields?: object): void {
  const line = { time: new Date().toISOString(), level, module: 'desktop', message, ...fields };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The one way out to the person's browser: parsed, https, allow-listed, or nothing. */
function openExternal(url: string): void {
  const allowed = externalUrlToOpen(url);
  if (allowed === null) {
    log('warn', 'refused to open a link outside the allow-list', { url: url.slice(0, 200) });
    return;
  }
  const opened = shell.openExternal(allowed); // eng-disable OPEN_EXTERNAL_JS_CHECK: only a parsed https URL on the allow-list gets here (externalUrlToOpen above)
  opened.catch((error: unknown) => {
    log('warn', 'could not open a link in the browser', { error: describe(error) });
  });
}

// Started as `electron dist/src-main/electron/main.js` (npm start), the app would be called
// "Electron" in notifications and the dock; packaged, this is its product name anyway.
app.setName('Peridio Desk');

// Before the app is ready (Electron's rule for both).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

const windows = new Set<BrowserWindow>();
let mainWindow: BrowserWindow | undefined;
let quitting = false;
let engineClosed = false;
let closeEngine: () => Promise<void> = async () => {};
let stillRunningShown = false;

function ourWebContentsIds(): Set<number> {
  return new Set([...windows].filter((w) => !w.isDestroyed()).map((w) => w.webContents.id));
}

function isTrusted(event: IpcMainInvokeEvent): boolean {
  return isTrustedSender(senderFactsOf(event), ourWebContentsIds());
}

function openWindow(): BrowserWindow {
  if (mainWindow && !mainWindow.isDestroyed()) {
    showWindow(mainWindow);
    return mainWindow;
  }
  const window = createMainWindow({
    preloadPath: paths.preload,
    iconPath: paths.windowIcon,
    hideOnClose: () => !quitting,
    onHidden: () => {
      if (stillRunningShown) return;
      stillRunningShown = true;
      showNotice(STILL_RUNNING_NOTICE, () => openWindow());
    },
    onLoadFailed: (error) => log('error', 'the window could not load', { error: describe(error) }),
  });
  windows.add(window);
  window.on('closed', () => {
    windows.delete(window);
    if (mainWindow === window) mainWindow = undefined;
  });
  mainWindow = window;
  return window;
}

/**
 * Opens the engine. A broken settings file is explained, and the person may move it aside and
 * start with fresh settings; any other failure is shown and the app ends.
 */
async function openEngine(): Promise<DeskService | null> {
  const dataDir = defaultDataDir(process.env);
  for (;;) {
    try {
      return await openDeskService({
        dataDir,
        env: process.env,
        settingsBackend: openDesktopSettingsBackend(dataDir),
      });
    } catch (error) {
      if (!(error instanceof SettingsFileError)) {
        log('error', 'the engine could not start', { error: describe(error) });
        dialog.showErrorBox('Peridio Desk could not start', startFailureMessage(error));
        return null;
      }
      const choice = dialog.showMessageBoxSync({
        type: 'error',
        title: 'Peridio Desk',
        message: 'Peridio Desk cannot use its settings file.',
        detail: error.message,
        buttons: ['Quit', 'Move the file aside and start fresh'],
        defaultId: 0,
        cancelId: 0,
      });
      if (choice !== 1) return null;
      const movedTo = moveBrokenSettingsAside(error.filePath);
      log('warn', 'moved the broken settings file aside', { movedTo });
    }
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId('com.peridio.desk');
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(paths.renderer, request));

  const service = await openEngine();
  if (!service) {
    engineClosed = true;
    app.quit();
    return;
  }

  const removeCommands = handleCommands({
    ipcMain,
    service,
    isTrusted,
    onRefused: (name, event) =>
      log('warn', 'refused a command from a sender that is not our window', {
        command: name,
        webContentsId: event.sender.id,
      }),
  });
  const stopEvents = forwardEvents(service, () =>
    [...windows].filter((w) => !w.isDestroyed()).map((w) => w.webContents),
  );

  // onChange runs from a timer, never before `tray` below is set.
  const queue = new QueueMonitor({
    service,
    onChange: (snapshot) => {
      tray.update(snapshot);
      for (const window of windows) {
        if (!window.isDestroyed()) window.setProgressBar(snapshot.fraction ?? -1);
      }
    },
    onJobEnded: (job, outcome) => {
      const notice = jobEndNotice(job, outcome);
      if (notice) showNotice(notice, () => openWindow());
    },
  });
  const tray = new DeskTray(
    paths.trayIcon,
    {
      open: () => openWindow(),
      pauseAll: () => void queue.applyToAll('jobs.pause', queue.snapshot.pausableIds),
      resumeAll: () => void queue.applyToAll('jobs.resume', queue.snapshot.resumableIds),
      quit: () => app.quit(),
    },
    queue.snapshot,
  );
  void queue.refresh();

  closeEngine = async () => {
    queue.close();
    tray.destroy();
    stopEvents();
    removeCommands();
    await service.close();
  };

  installAppMenu({
    openDocs: () => openExternal(DOCS_URL),
    quit: () => app.quit(),
    withDevTools: !app.isPackaged,
  });
  app.on('second-instance', () => openWindow());
  app.on('activate', () => openWindow());
  openWindow();
}

// Closing the last window keeps the app (and the upload queue) running in the tray; only Quit
// (tray, menu, Cmd+Q, a signal) ends it. Without this listener Electron would quit here.
app.on('window-all-closed', () => {});
app.on('before-quit', () => {
  quitting = true;
});
app.on('will-quit', (event) => {
  if (engineClosed) return;
  // Hold the quit until the engine has checkpointed its running jobs and closed its files.
  event.preventDefault();
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  Promise.race([closeEngine(), deadline])
    .catch((error: unknown) =>
      log('error', 'closing the engine failed', { error: describe(error) }),
    )
    .finally(() => {
      engineClosed = true;
      app.quit();
    });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

if (!app.requestSingleInstanceLock()) {
  // Another Peridio Desk is running: it shows its window (second-instance) and this one ends.
  engineClosed = true;
  app.quit();
} else {
  start().catch((error: unknown) => {
    log('error', 'the app could not start', { error: describe(error) });
    dialog.showErrorBox('Peridio Desk could not start', describe(error));
    app.exit(1);
  });
}
