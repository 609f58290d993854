// What `npm start` runs: the desktop app, the dashboard (with one line saying why), or
// nothing but the advice to build.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_BIN,
  ELECTRON_MAIN,
  decideStart,
  findElectronExecutable,
  hasDisplay,
} from '../../../scripts/start-decision.mjs';

const root = '/project';
const electronDir = '/project/node_modules/electron';
const binary = path.join(electronDir, 'dist', 'electron');
const built = (...files: string[]) => {
  const present = new Set(files.map((file) => path.join(root, file)));
  return (file: string) => present.has(file);
};

describe('findElectronExecutable', () => {
  const text = (files: Record<string, string>) => (file: string) => files[file] ?? null;

  it('finds the downloaded binary the electron package names', () => {
    const found = findElectronExecutable({
      electronDir,
      env: {},
      exists: (file) => file === binary,
      readText: text({ [path.join(electronDir, 'path.txt')]: 'electron' }),
    });
    expect(found).toEqual({ path: binary });
  });

  it('says what is missing instead of downloading', () => {
    expect(
      findElectronExecutable({ electronDir, env: {}, exists: () => false, readText: text({}) }),
    ).toEqual({ missing: 'the electron package has no downloaded binary' });
    expect(
      findElectronExecutable({
        electronDir,
        env: {},
        exists: () => false,
        readText: text({ [path.join(electronDir, 'path.txt')]: 'electron' }),
      }),
    ).toEqual({ missing: `the Electron binary ${binary} is missing` });
    expect(
      findElectronExecutable({
        electronDir: null,
        env: {},
        exists: () => true,
        readText: text({}),
      }),
    ).toEqual({ missing: 'the electron package is not installed' });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const found = findElectronExecutable({
      electronDir,
      env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' },
      exists: (file) => file === '/opt/electron/electron',
      readText: text({}),
    });
    expect(found).toEqual({ path: '/opt/electron/electron' });
  });
});

describe('hasDisplay', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux only', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: '' })).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });
});

describe('decideStart', () => {
  const base = { root, nodePath: '/usr/bin/node', args: ['--port', '8080'] };

  it('starts the desktop app on the built main when Electron and a display are there', () => {
    expect(
      decideStart({
        ...base,
        platform: 'linux',
        env: { DISPLAY: ':0' },
        electron: { path: binary },
        exists: built(ELECTRON_MAIN, DASHBOARD_BIN),
      }),
    ).toEqual({
      run: 'electron',
      command: binary,
      args: [path.join(root, ELECTRON_MAIN), '--port', '8080'],
    });
  });

  it('starts the dashboard with the args, saying there is no Electron runtime', () => {
    const decision = decideStart({
      ...base,
      platform: 'darwin',
      env: {},
      electron: { missing: 'the electron package has no downloaded binary' },
      exists: built(DASHBOARD_BIN),
    });
    expect(decision).toEqual({
      run: 'dashboard',
      command: '/usr/bin/node',
      args: [path.join(root, DASHBOARD_BIN), 'dashboard', '--port', '8080'],
      notice: expect.stringMatching(
        /no Electron runtime \(the electron package has no downloaded binary\).*dashboard face instead/,
      ),
    });
  });

  it('starts the dashboard, saying there is no display, on a Linux without one', () => {
    const decision = decideStart({
      ...base,
      platform: 'linux',
      env: {},
      electron: { path: binary },
      exists: built(ELECTRON_MAIN, DASHBOARD_BIN),
    });
    expect(decision.run).toBe('dashboard');
    expect(decision.run !== 'nothing' && decision.notice).toMatch(/no display/);
  });

  it('says to build when what it would run is missing', () => {
    const noDashboard = decideStart({
      ...base,
      platform: 'linux',
      env: {},
      electron: { missing: 'x' },
      exists: built(),
    });
    expect(noDashboard).toEqual({
      run: 'nothing',
      message: expect.stringContaining(`${DASHBOARD_BIN} is missing`),
    });
    expect(noDashboard.run === 'nothing' && noDashboard.message).toMatch(/npm run build/);
    const noMain = decideStart({
      ...base,
      platform: 'win32',
      env: {},
      electron: { path: binary },
      exists: built(DASHBOARD_BIN),
    });
    expect(noMain.run === 'nothing' && noMain.message).toContain(`${ELECTRON_MAIN} is missing`);
  });
});
