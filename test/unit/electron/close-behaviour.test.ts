// Closing the window and quitting the desktop app.
import { describe, expect, it } from 'vitest';
import {
  closeOnce,
  closeToTrayDefault,
  resolveCloseToTray,
  shouldHideOnClose,
} from '../../../src-main/electron/close-behaviour.js';

describe('close to tray', () => {
  it('is off by default on Linux (stock GNOME shows no tray icons), on elsewhere', () => {
    expect(closeToTrayDefault('linux')).toBe(false);
    expect(closeToTrayDefault('darwin')).toBe(true);
    expect(closeToTrayDefault('win32')).toBe(true);
  });

  it('follows the person’s choice once made, and the default for anything else stored', () => {
    expect(resolveCloseToTray(true, 'linux')).toBe(true);
    expect(resolveCloseToTray(false, 'win32')).toBe(false);
    expect(resolveCloseToTray(undefined, 'linux')).toBe(false);
    expect(resolveCloseToTray('yes', 'darwin')).toBe(true);
  });

  it('never hides the window when there is no tray icon to bring it back', () => {
    expect(shouldHideOnClose({ quitting: false, closeToTray: true, trayReady: false })).toBe(false);
    expect(shouldHideOnClose({ quitting: false, closeToTray: true, trayReady: true })).toBe(true);
  });

  it('closes for real when quitting or when the person turned it off', () => {
    expect(shouldHideOnClose({ quitting: true, closeToTray: true, trayReady: true })).toBe(false);
    expect(shouldHideOnClose({ quitting: false, closeToTray: false, trayReady: true })).toBe(false);
  });
});

describe('closeOnce', () => {
  it('closes the engine once however often quit is asked, and every asker waits for it', async () => {
    let closes = 0;
    let finish!: () => void;
    const close = closeOnce(async () => {
      closes++;
      await new Promise<void>((resolve) => (finish = resolve));
    });
    const first = close();
    const second = close();
    let settled = false;
    void second.then(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(closes).toBe(1);
    expect(settled).toBe(false);
    finish();
    await Promise.all([first, second, close()]);
    expect(closes).toBe(1);
    expect(settled).toBe(true);
  });

  it('hands a failed close to every asker instead of closing again', async () => {
    let closes = 0;
    const close = closeOnce(() => {
      closes++;
      return Promise.reject(new Error('checkpoint failed'));
    });
    await expect(close()).rejects.toThrow('checkpoint failed');
    await expect(close()).rejects.toThrow('checkpoint failed');
    expect(closes).toBe(1);
  });
});
