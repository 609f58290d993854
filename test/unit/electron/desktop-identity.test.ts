// The desktop app's place on the OS: Chromium's profile inside the data folder, the app ID
// Windows shows notifications for, the tray icon macOS can tint.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ID,
  appUserModelId,
  chromiumUserDataDir,
  trayIconFile,
} from '../../../src-main/electron/desktop-identity.js';
import { BoundedSet } from '../../../src-main/electron/bounded-set.js';

describe('the desktop app on the OS', () => {
  it('keeps Chromium’s profile, and so its single-instance lock, inside the data folder', () => {
    const a = chromiumUserDataDir('/home/me/.config/peridio-desk');
    const b = chromiumUserDataDir('/tmp/other-desk');
    expect(a).toBe(path.join('/home/me/.config/peridio-desk', 'chromium'));
    expect(path.relative('/tmp/other-desk', b).startsWith('..')).toBe(false);
    expect(a).not.toBe(b);
  });

  it('names the installed app for Windows notifications, and Electron itself from the sources', () => {
    expect(appUserModelId(true, 'C:\\\\Program Files\\\\Peridio Desk\\\\Peridio Desk.exe')).toBe(
      APP_ID,
    );
    expect(
      appUserModelId(false, 'C:\\\\p\\\\node_modules\\\\electron\\\\dist\\\\electron.exe'),
    ).toBe('C:\\\\p\\\\node_modules\\\\electron\\\\dist\\\\electron.exe');
  });

  it('uses a template image for the macOS menu bar and the colour icon elsewhere', () => {
    expect(trayIconFile('darwin')).toBe('trayTemplate.png');
    expect(trayIconFile('linux')).toBe('tray.png');
    expect(trayIconFile('win32')).toBe('tray.png');
  });
});

describe('BoundedSet', () => {
  it('keeps the newest entries up to its bound', () => {
    const set = new BoundedSet<number>(3);
    for (let i = 1; i <= 100; i++) set.add(i);
    expect(set.size).toBe(3);
    expect([98, 99, 100].every((i) => set.has(i))).toBe(true);
    expect(set.has(97)).toBe(false);
  });

  it('forgets a deleted entry and treats a re-added one as newest', () => {
    const set = new BoundedSet<string>(2);
    set.add('a');
    set.add('b');
    set.add('a');
    set.add('c');
    expect(set.has('a')).toBe(true);
    expect(set.has('b')).toBe(false);
    expect(set.delete('a')).toBe(true);
    expect(set.size).toBe(1);
  });
});
