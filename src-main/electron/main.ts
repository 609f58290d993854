// The desktop app's main process: one instance per data folder, the engine (DeskService)
// opened on the same data folder as the CLI and the dashboard, the renderer served from
// app://desk, the contract over IPC to our own windows only, a tray icon (and, where the person
// wants it, a window that closes to the tray while the queue keeps running), and an engine
// closed once and cleanly however the app ends: Quit, a signal, a logoff or a shutdown.
// Security rules: window-security.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  app,
  dialog,
  ipcMain,
  powerMonitor,
  protocol,
  session,
  shell,
  type BrowserWindow,
  type IpcMainInvokeEvent,
} from 'electron';
import { defaultDataDir } from '../app-paths/index.js';
import { EngineClient, EngineOpenError, type BrokenSettings } from '../engine-host/index.js';
import { DOCS_URL, installAppMenu } from './app-menu.js';
import { APP_SCHEME } from './app-origin.js';
import { APP_SCHEME_PRIVILEGES, appProtocolResponse } from './app-protocol.js';
import { closeOnce, shouldHideOnClose } from './close-behaviour.js';
import { appUserModelId, chromiumUserDataDir, trayIconFile } from './desktop-identity.js';
import { DesktopPreferences } from './desktop-preferences.js';
import { refuseElectronStoreChannel } from './electron-store-channel.js';
import { forwardEvents, handleCommands } from './ipc-bridge.js';
import { jobEndNotice } from './job-notice.js';
import { createMainWindow, showWindow } from './main-window.js';
import { STILL_RUNNING_NOTICE, showNotice } from './notifications.js';
import { QueueMonitor } from './queue-monitor.js';
import { appImageSandboxNotice } from './sandbox-notice.js';
import { externalUrlToOpen } from './security-policy.js';
import { startFailureMessage } from './start-failure.js';
import { DeskTray } from './tray.js';
import { isTrustedSender, senderFactsOf } from './trusted-sender.js';
import { forkUtilityEngine } from './utility-engine.js';
import { hardenSession, hardenWebContents } from './window-security.js';

// dist/src-main/electron/main.js -> the package root (the project, or app.asar when packaged).
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const paths = {
  renderer: path.join(root, 'dist', 'renderer'),
  preload: path.join(root, 'dist', 'preload', 'index.cjs'),
  windowIcon: path.join(root, 'resources', 'icon.png'),
  trayIcon: path.join(root, 'resources', trayIconFile(process.platform)),
};

/** Structured lines on stderr, for a person watching a terminal; never a secret in them. */
function log(level: 'info' | 'warn' | 'error', message: string, fields?: object): void {
  const line = { time: new Date().toISOString(), level, module: 'desktop', message, ...fields };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
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

// Chromium's profile lives in the data folder, set before the single-instance lock (which is
// taken in it) and before anything else reads userData.
const dataDir = defaultDataDir(process.env);
app.setPath('userData', chromiumUserDataDir(dataDir));

// Before the app is ready (Electron's rule for both).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

const windows = new Set<BrowserWindow>();
let mainWindow: BrowserWindow | undefined;
let engineReady = false;
let quitting = false;
let engineClosed = false;
let closeEngine: () => Promise<void> = async () => {};
let stillRunningShown = false;
let tray: DeskTray | undefined;
let preferences: DesktopPreferences | undefined;

// However many ways ask for it (a second Quit, Ctrl+C forwarded by npm and start.mjs, a
// shutdown during a quit), the engine checkpoints and closes once.
const closeEngineOnce = closeOnce(() => closeEngine());

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
    hideOnClose: () =>
      shouldHideOnClose({
        quitting,
        closeToTray: preferences?.closeToTray ?? false,
        trayReady: tray !== undefined,
      }),
    onHidden: () => {
      if (stillRunningShown) return;
      stillRunningShown = true;
      showNotice(STILL_RUNNING_NOTICE, () => openWindow());
    },
    onLoadFailed: (error) => log('error', 'the window could not load', { error: describe(error) }),
  });
  windows.add(window);
  // A Windows logoff or shutdown emits neither before-quit nor will-quit, only this (on each
  // window, shown or hidden), and cannot be held: close the engine at once.
  window.on('session-end', () => {
    quitting = true;
    void closeEngineOnce().catch((error: unknown) =>
      log('error', 'closing the engine at session end failed', { error: describe(error) }),
    );
  });
  window.on('closed', () => {
    windows.delete(window);
    if (mainWindow === window) mainWindow = undefined;
  });
  mainWindow = window;
  return window;
}

/**
 * Starts the engine in its utility process. A broken settings file is explained, and the
 * person may move it aside and start with fresh settings; any other failure is shown and the
 * app ends.
 */
async function openEngine(): Promise<EngineClient | null> {
  let brokenSettings: BrokenSettings = 'fail';
  for (;;) {
    try {
      return await EngineClient.start(forkUtilityEngine(), {
        dataDir,
        brokenSettings,
        // PAC files, WPAD and the desktop's proxy settings, as Chromium reads them.
        resolveProxy: (url) => session.defaultSession.resolveProxy(url),
      });
    } catch (error) {
      if (!(error instanceof EngineOpenError) || error.code !== 'settings_file') {
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
      log('warn', 'moving the broken settings file aside', { file: error.filePath });
      brokenSettings = 'move-aside';
    }
  }
}

/** A tray icon, or none where the desktop cannot have one (then the window never hides). */
function createTray(queue: QueueMonitor, desktop: DesktopPreferences): DeskTray | undefined {
  try {
    return new DeskTray(
      paths.trayIcon,
      {
        open: () => openWindow(),
        pauseAll: () => void queue.applyToAll('jobs.pause', queue.snapshot.pausableIds),
        resumeAll: () => void queue.applyToAll('jobs.resume', queue.snapshot.resumableIds),
        setCloseToTray: (value) => (desktop.closeToTray = value),
        quit: () => app.quit(),
      },
      queue.snapshot,
      desktop.closeToTray,
    );
  } catch (error) {
    log('warn', 'no tray icon: closing the window will quit the app', { error: describe(error) });
    return undefined;
  }
}

/** Once, on the AppImage's first start where its launcher had to turn the sandbox off. */
function noticeSandbox(desktop: DesktopPreferences, window: BrowserWindow): void {
  const notice = appImageSandboxNotice({
    platform: process.platform,
    env: process.env,
    noSandbox: app.commandLine.hasSwitch('no-sandbox'),
    execPath: process.execPath,
    readText,
  });
  if (notice === null) return;
  log('warn', 'running without Chromium’s sandbox', { notice });
  if (!desktop.takeSandboxNotice()) return;
  void dialog.showMessageBox(window, {
    type: 'warning',
    title: 'Peridio Desk',
    message: 'Peridio Desk runs without Chromium’s sandbox here.',
    detail: notice,
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  if (process.platform === 'win32') {
    app.setAppUserModelId(appUserModelId(app.isPackaged, process.execPath));
  }
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(paths.renderer, request));

  const service = await openEngine();
  if (!service) {
    engineClosed = true;
    app.quit();
    return;
  }
  service.onUnexpectedExit((code) => {
    log('error', 'the engine’s process ended unexpectedly', { code });
    dialog.showErrorBox(
      'Peridio Desk stopped',
      `The engine’s process ended unexpectedly (exit ${code}). Queued uploads are safe on ` +
        'disk and go on when Peridio Desk starts again.',
    );
    engineClosed = true;
    app.quit();
  });
  const desktop = new DesktopPreferences(dataDir);
  preferences = desktop;
  // After every electron-store is made: each construction registers its channel.
  refuseElectronStoreChannel(ipcMain, (senderId) =>
    log('warn', 'refused electron-store’s channel', { webContentsId: senderId }),
  );

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

  // onChange runs from a timer, after `tray` below is set (or known to be missing).
  const queue = new QueueMonitor({
    service,
    onChange: (snapshot) => {
      tray?.update(snapshot);
      for (const window of windows) {
        if (!window.isDestroyed()) window.setProgressBar(snapshot.fraction ?? -1);
      }
    },
    onJobEnded: (job, outcome) => {
      const notice = jobEndNotice(job, outcome);
      if (notice) showNotice(notice, () => openWindow());
    },
  });
  tray = createTray(queue, desktop);
  void queue.refresh();

  closeEngine = async () => {
    queue.close();
    tray?.destroy();
    stopEvents();
    removeCommands();
    await service.close();
  };

  installAppMenu({
    openDocs: () => openExternal(DOCS_URL),
    quit: () => app.quit(),
    withDevTools: !app.isPackaged,
  });
  // A system shutdown may be held (Linux, macOS) until the engine has closed. Electron passes
  // the event whose preventDefault holds it, though its typings declare no argument.
  const onShutdown = powerMonitor.on.bind(powerMonitor) as unknown as (
    name: 'shutdown',
    listener: (event: { preventDefault(): void }) => void,
  ) => void;
  onShutdown('shutdown', (event) => {
    event.preventDefault();
    quitAfterClosing();
  });
  engineReady = true;
  noticeSandbox(desktop, openWindow());
}

/** Closes the engine (once, at most 10 s), then lets the quit go on. */
function quitAfterClosing(): void {
  quitting = true;
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  Promise.race([closeEngineOnce(), deadline])
    .catch((error: unknown) =>
      log('error', 'closing the engine failed', { error: describe(error) }),
    )
    .finally(() => {
      engineClosed = true;
      app.quit();
    });
}

// At the top level, before the engine opens: a second start or a dock click while the engine
// is still opening shows the window as soon as there is one (start() opens it anyway).
app.on('second-instance', () => {
  if (engineReady) openWindow();
});
app.on('activate', () => {
  if (engineReady) openWindow();
});
// A window kept in the tray is hidden, not closed, so this runs only when the window really
// closed (the preference is off, or there is no tray to find it again): the app ends, on
// macOS too, since a hidden dock app with no window would leave uploads running unseen.
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => {
  quitting = true;
});
app.on('will-quit', (event) => {
  if (engineClosed) return;
  // Hold the quit until the engine has checkpointed its running jobs and closed its files.
  event.preventDefault();
  quitAfterClosing();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

if (!app.requestSingleInstanceLock()) {
  // Another Peridio Desk on this data folder is running: it shows its window
  // (second-instance) and this one ends.
  engineClosed = true;
  app.quit();
} else {
  start().catch((error: unknown) => {
    log('error', 'the app could not start', { error: describe(error) });
    dialog.showErrorBox('Peridio Desk could not start', describe(error));
    app.exit(1);
  });
}
