// The desktop face end to end: the built app (`npm run build`) started in Electron the way
// `npm start` starts it on first run (Electron's copy of the database module built first, a
// fresh data folder, the local workspace with its demo artifact), its window showing the
// interface, the bridge carrying the contract, no Node in the page, and a watch rule edited
// through the bridge (whose arguments must be plain data, not Svelte proxies). Needs an
// Electron runtime and a display; where either is missing the tests are skipped, saying why.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { prepareElectronSqlite } from '../../scripts/electron-sqlite.mjs';
import { goToSection } from './desk-ui.js';
import {
  ELECTRON_MAIN,
  findElectronExecutable,
  hasDisplay,
} from '../../scripts/start-decision.mjs';
import { COMMAND_NAMES, DESK_BRIDGE_GLOBAL, EVENT_NAMES } from '../../src-preload/contract.js';

const root = path.resolve(import.meta.dirname, '..', '..');

function electronDir(): string | null {
  try {
    const require = createRequire(path.join(root, 'package.json'));
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const runtime = findElectronExecutable({
  electronDir: electronDir(),
  env: process.env,
  exists: existsSync,
  readText: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : null),
});
const skipReason =
  'missing' in runtime
    ? `no Electron runtime (${runtime.missing})`
    : !hasDisplay(process.platform, process.env)
      ? 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)'
      : null;
if (skipReason) console.log(`electron.e2e.ts skipped: ${skipReason}.`);

/** The desktop app as `npm start` starts it on first run, on a fresh data folder. */
async function launchFirstRun(dataDir: string): Promise<ElectronApplication> {
  if (!('path' in runtime)) throw new Error('no Electron runtime');
  await prepareElectronSqlite({
    electronVersion: runtime.version,
    platform: process.platform,
    arch: process.arch,
  });
  return electron.launch({
    executablePath: runtime.path,
    // Chromium refuses to run as root with its sandbox (a container); the page's own
    // sandbox (webPreferences.sandbox) is what this test is about, and stays on.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), path.join(root, ELECTRON_MAIN)],
    // Its own data folder, and none of the caller's Peridio settings: the local workspace.
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          (entry): entry is [string, string] =>
            !entry[0].startsWith('PERIDIO_') && entry[1] !== undefined,
        ),
      ),
      PERIDIO_DESK_DATA_DIR: dataDir,
    },
  });
}

test.describe('the desktop app', () => {
  test.skip(skipReason !== null, skipReason ?? '');

  test('starts the first time on the local workspace, with its demo artifact', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'desk-electron-e2e-'));
    const app = await launchFirstRun(dataDir);
    try {
      const page = await app.firstWindow();
      await expect(page.getByText('demo-firmware')).toBeVisible();
      // Chromium's profile (and its single-instance lock) sits inside the data folder.
      expect(existsSync(path.join(dataDir, 'chromium'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'queue.sqlite'))).toBe(true);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('edits a watch rule through the bridge: excludes and all', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'desk-electron-e2e-'));
    const folder = path.join(dataDir, '..', `${path.basename(dataDir)}-builds`);
    mkdirSync(folder);
    const app = await launchFirstRun(dataDir);
    try {
      const page = await app.firstWindow();
      await goToSection(page, 'Watch folders');
      await page.getByRole('button', { name: 'Add watch rule', exact: true }).click();
      const add = page.getByRole('dialog', { name: 'Add watch rule' });
      await add.getByRole('textbox', { name: 'Rule name' }).fill('nightly');
      await add.getByRole('textbox', { name: 'Folder' }).fill(folder);
      await add
        .getByRole('combobox', { name: 'Artifact' })
        .selectOption({ label: 'demo-firmware' });
      await add.getByRole('combobox', { name: 'Version', exact: true }).selectOption('1.0.0');
      await add.getByRole('textbox', { name: 'Target' }).fill('aarch64-unknown-linux-gnu');
      await add.getByRole('button', { name: 'Save rule', exact: true }).click();
      await expect(add).toBeHidden();

      // Saving an edit sends the saved rule's excludes back: a $state proxy until the facade
      // made it plain data, which contextBridge could not clone.
      await page.getByRole('button', { name: 'Edit nightly', exact: true }).click();
      const edit = page.getByRole('dialog', { name: 'Edit watch rule' });
      await edit.getByRole('textbox', { name: 'Rule name' }).fill('nightly-renamed');
      await edit.getByRole('button', { name: 'Save rule', exact: true }).click();
      await expect(edit).toBeHidden();
      await expect(page.getByRole('button', { name: 'Edit nightly-renamed' })).toBeVisible();
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('opens its window with the interface, the bridge and no Node in the page', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'desk-electron-e2e-'));
    const app = await launchFirstRun(dataDir);
    try {
      const page = await app.firstWindow();
      expect(page.url()).toBe('app://desk/index.html');
      await expect(page.getByRole('heading', { name: 'Artifacts' })).toBeVisible();

      const bridge = await page.evaluate((name) => {
        const desk = (globalThis as unknown as Record<string, Record<string, object>>)[name];
        return {
          keys: Object.keys(desk ?? {}).sort(),
          commands: Object.entries(desk?.commands ?? {})
            .filter(([, value]) => typeof value === 'function')
            .map(([key]) => key)
            .sort(),
          events: Object.keys(desk?.events ?? {}).sort(),
        };
      }, DESK_BRIDGE_GLOBAL);
      expect(bridge.keys).toEqual(['commands', 'events', 'pathForFile']);
      expect(bridge.commands).toEqual([...COMMAND_NAMES].sort());
      expect(bridge.events).toEqual([...EVENT_NAMES].sort());

      const nodeInPage = await page.evaluate(() => ({
        require: typeof (globalThis as Record<string, unknown>).require,
        process: typeof (globalThis as Record<string, unknown>).process,
        module: typeof (globalThis as Record<string, unknown>).module,
      }));
      expect(nodeInPage).toEqual({
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
      });

      const workspace = await page.evaluate(
        (name) =>
          (
            globalThis as unknown as Record<
              string,
              { commands: Record<string, () => Promise<unknown>> }
            >
          )[name]!.commands['workspace.get']!(),
        DESK_BRIDGE_GLOBAL,
      );
      expect(workspace).toMatchObject({ ok: true, result: { kind: 'local' } });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
