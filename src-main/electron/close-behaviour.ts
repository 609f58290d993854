// What closing the window and quitting do. Plain logic, tested without Electron.

/**
 * Keeping the app in the tray when its window closes is a preference. Its default depends on
 * the desktop: stock GNOME shows no tray icons, so on Linux a hidden window could never be
 * found again; macOS and Windows always show them.
 */
export function closeToTrayDefault(platform: NodeJS.Platform): boolean {
  return platform !== 'linux';
}

/** The stored preference when it is a boolean, else the platform's default. */
export function resolveCloseToTray(stored: unknown, platform: NodeJS.Platform): boolean {
  return typeof stored === 'boolean' ? stored : closeToTrayDefault(platform);
}

/**
 * Whether closing the window hides it instead: only while the app is not quitting, the person
 * wants it, and a tray icon exists to bring the window back.
 */
export function shouldHideOnClose(facts: {
  quitting: boolean;
  closeToTray: boolean;
  trayReady: boolean;
}): boolean {
  return !facts.quitting && facts.closeToTray && facts.trayReady;
}

/**
 * `close` run once, however often it is asked for: a second Quit, Ctrl+C forwarded by npm and
 * by start.mjs, a system shutdown during a quit. Every caller waits for the same close.
 */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= Promise.resolve().then(close));
}
