// What `npm start` runs: the desktop app, the dashboard (with one line saying why), or
// nothing but the advice to build.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_BIN,
  ELECTRON_MAIN,
  USERNS_RESTRICTION_FILE,
  chromeSandboxProblem,
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

  it('finds the downloaded binary the electron package names, with the runtime’s version', () => {
    const found = findElectronExecutable({
      electronDir,
      env: {},
      exists: (file) => file === binary,
      readText: text({
        [path.join(electronDir, 'path.txt')]: 'electron',
        [path.join(electronDir, 'dist', 'version')]: 'v45.5.0\n',
        [path.join(electronDir, 'package.json')]: '{"version":"45.4.0"}',
      }),
    });
    expect(found).toEqual({ path: binary, version: '45.5.0' });
  });

  it('takes the package’s version when the runtime does not say its own', () => {
    const found = findElectronExecutable({
      electronDir,
      env: {},
      exists: (file) => file === binary,
      readText: text({
        [path.join(electronDir, 'path.txt')]: 'electron',
        [path.join(electronDir, 'package.json')]: '{"version":"45.5.0"}',
      }),
    });
    expect(found).toEqual({ path: binary, version: '45.5.0' });
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
      readText: text({ '/opt/electron/version': '46.0.1' }),
    });
    expect(found).toEqual({ path: '/opt/electron/electron', version: '46.0.1' });
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

describe('chromeSandboxProblem', () => {
  const helper = path.join(electronDir, 'dist', 'chrome-sandbox');
  const proc = (value: string | null) => (file: string) =>
    file === USERNS_RESTRICTION_FILE ? value : null;
  const helperStat = (stat: { uid: number; mode: number } | null) => (file: string) =>
    file === helper ? stat : null;
  const facts = { platform: 'linux', electronPath: binary };

  it('says the one command that fixes Ubuntu 24.04’s restriction for a helper from npm', () => {
    const problem = chromeSandboxProblem({
      ...facts,
      readText: proc('1\n'),
      stat: helperStat({ uid: 1000, mode: 0o100755 }),
    });
    expect(problem).toContain(`${USERNS_RESTRICTION_FILE} is 1`);
    expect(problem).toContain(`sudo sh -c 'chown root:root "${helper}" && chmod 4755 "${helper}"'`);
  });

  it('finds nothing wrong once the helper is setuid root, or where namespaces are free', () => {
    const setuidRoot = helperStat({ uid: 0, mode: 0o104755 });
    expect(chromeSandboxProblem({ ...facts, readText: proc('1'), stat: setuidRoot })).toBeNull();
    const npmHelper = helperStat({ uid: 1000, mode: 0o100755 });
    expect(chromeSandboxProblem({ ...facts, readText: proc('0'), stat: npmHelper })).toBeNull();
    // Kernels without the AppArmor knob (Debian, Fedora, older Ubuntu).
    expect(chromeSandboxProblem({ ...facts, readText: proc(null), stat: npmHelper })).toBeNull();
    expect(
      chromeSandboxProblem({ ...facts, platform: 'darwin', readText: proc('1'), stat: npmHelper }),
    ).toBeNull();
  });

  it('wants root’s ownership and the setuid bit both', () => {
    const rootNoSetuid = helperStat({ uid: 0, mode: 0o100755 });
    expect(chromeSandboxProblem({ ...facts, readText: proc('1'), stat: rootNoSetuid })).toMatch(
      /chmod 4755/,
    );
    const userSetuid = helperStat({ uid: 1000, mode: 0o104755 });
    expect(chromeSandboxProblem({ ...facts, readText: proc('1'), stat: userSetuid })).toMatch(
      /chown root:root/,
    );
  });

  it('says to reinstall Electron when the helper is missing', () => {
    expect(chromeSandboxProblem({ ...facts, readText: proc('1'), stat: helperStat(null) })).toMatch(
      /chrome-sandbox is missing\. Reinstall Electron/,
    );
  });
});

describe('decideStart', () => {
  const base = {
    root,
    nodePath: '/usr/bin/node',
    args: ['--port', '8080'],
    sandboxProblem: null,
  };

  it('starts the desktop app on the built main when Electron and a display are there', () => {
    expect(
      decideStart({
        ...base,
        platform: 'linux',
        env: { DISPLAY: ':0' },
        electron: { path: binary, version: '45.5.0' },
        exists: built(ELECTRON_MAIN, DASHBOARD_BIN),
      }),
    ).toEqual({
      run: 'electron',
      command: binary,
      args: [path.join(root, ELECTRON_MAIN), '--port', '8080'],
      electronVersion: '45.5.0',
    });
  });

  it('starts the dashboard, saying the one fix, where Chromium’s sandbox would abort', () => {
    const decision = decideStart({
      ...base,
      platform: 'linux',
      env: { DISPLAY: ':0' },
      electron: { path: binary, version: '45.5.0' },
      sandboxProblem: 'AppArmor restricts … Fix it once with: sudo sh -c …',
      exists: built(ELECTRON_MAIN, DASHBOARD_BIN),
    });
    expect(decision).toMatchObject({
      run: 'dashboard',
      notice: expect.stringContaining('AppArmor restricts … Fix it once with: sudo sh -c …'),
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
    // Nothing to prepare for the dashboard: no Electron version to build a native module for.
    expect(decision).not.toHaveProperty('electronVersion');
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
      electron: { path: binary, version: '45.5.0' },
      exists: built(ELECTRON_MAIN, DASHBOARD_BIN),
    });
    expect(decision.run).toBe('dashboard');
    expect(decision.run === 'dashboard' && decision.notice).toMatch(/no display/);
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
      electron: { path: binary, version: '45.5.0' },
      exists: built(DASHBOARD_BIN),
    });
    expect(noMain.run === 'nothing' && noMain.message).toContain(`${ELECTRON_MAIN} is missing`);
  });
});
