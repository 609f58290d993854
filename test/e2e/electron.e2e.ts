// The desktop face end to end: the built app (`npm run build`) started in Electron, its window
// showing the interface, the bridge carrying the contract, and no Node in the page. Needs an
// Electron runtime and a display; where either is missing the test is skipped, saying why.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
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

test.describe('the desktop app', () => {
  test.skip(skipReason !== null, skipReason ?? '');

  test('opens its window with the interface, the bridge and no Node in the page', async () => {
    const executablePath = 'path' in runtime ? runtime.path : '';
    const dataDir = mkdtempSync(path.join(tmpdir(), 'desk-electron-e2e-'));
    const app = await electron.launch({
      executablePath,
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
