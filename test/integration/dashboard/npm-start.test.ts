// `npm start` where no Electron runtime can run (a build machine, CI, this container): one line
// says why, the dashboard face starts with the given args, and the desktop app's preparation
// (building the database module for Electron) is skipped: nothing is built or written.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { betterSqlitePackageDir, ELECTRON_BUILDS_DIR } from '../../../src-main/sqlite/index.js';
import { REPO_ROOT, startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';

let dir: string;
let server: TestServer;

beforeAll(async () => {
  dir = await tempDir('npm-start-');
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('starts the dashboard, saying why, and prepares nothing for Electron', async () => {
  const electronBuilds = path.join(betterSqlitePackageDir(), ELECTRON_BUILDS_DIR);
  const hadBuilds = existsSync(electronBuilds);
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--json', '--port', '0', '--renderer-dir', path.join(dir, 'none')],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // No runtime, even on a developer's machine that has one.
        ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'no-electron-here'),
        PERIDIO_BASE_URL: server.server.url,
        PERIDIO_API_KEY: server.server.apiKey,
        PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const ready = await new Promise<{ event: string; url: string }>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const parsed = JSON.parse(line) as { event: string; url: string };
        if (parsed.event === 'ready') resolve(parsed);
      });
      void exited.then(() => reject(new Error(`npm start ended early: ${stderr}`)));
    });
    expect(new URL(ready.url).hostname).toBe('127.0.0.1');
    expect(stderr).toMatch(
      /^Peridio Desk: no Electron runtime \(ELECTRON_OVERRIDE_DIST_PATH has no .*\), so this starts the dashboard face instead/,
    );
    expect(stderr).not.toMatch(/database module/);
    expect(existsSync(electronBuilds)).toBe(hadBuilds);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
});
