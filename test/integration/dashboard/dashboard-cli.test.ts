// `peridio-desk dashboard` as its own process against a local server named by the
// environment: one ready line whose URL works with its token, SIGTERM ends it with 0, and a
// bad port is a usage mistake.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import { runCli, startCli } from '../upload-engine/cli-harness.js';
import { command, rawRequest } from './dashboard-http.js';

let dir: string;
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir('dashboard-cli-');
  server = await startTestServer();
  env = {
    PERIDIO_BASE_URL: server.server.url,
    PERIDIO_API_KEY: server.server.apiKey,
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
  };
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('prints one ready line whose URL works with its token, and stops on SIGTERM', async () => {
  const run = startCli(
    ['dashboard', '--json', '--port', '0', '--renderer-dir', path.join(dir, 'none')],
    env,
  );
  try {
    const ready = await run.waitForLine((line) => line?.event === 'ready');
    expect(Object.keys(ready)).toEqual(['event', 'url', 'workspace']);
    expect(ready.workspace).toEqual({
      kind: 'environment',
      profileName: null,
      baseUrl: server.server.url,
    });
    const url = new URL(ready.url);
    expect(url.hostname).toBe('127.0.0.1');
    const token = /^#token=([A-Za-z0-9_-]{43})$/.exec(url.hash)?.[1];
    expect(token).toBeDefined();

    const page = await rawRequest(url.origin, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('not built yet');
    const workspace = await command(url.origin, token!, 'workspace.get');
    expect(workspace.json).toMatchObject({
      ok: true,
      result: { kind: 'environment', baseUrl: server.server.url, online: true },
    });
    expect((await command(url.origin, 'wrong', 'workspace.get')).status).toBe(401);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.stderr()).not.toContain(token!);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('prints a line for people without --json', async () => {
  const run = startCli(['dashboard'], env);
  try {
    const ready = await run.waitForLine(
      (line) => typeof line === 'string' && line.startsWith('Peridio Desk dashboard: open '),
    );
    expect(ready).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43} /);
    // Ctrl+C: 130, as for every command (SIGTERM, a service manager's stop, is 0: above).
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('refuses a bad port with a clear message and exit 2', async () => {
  const result = await runCli(['dashboard', '--port', 'abc'], env);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--port must be a whole number from 0 to 65535, got "abc"');
  expect(result.lines).toEqual([]);
});

test('is listed in the overview', async () => {
  const result = await runCli(['--help'], env);
  expect(result.code).toBe(0);
  expect(result.lines.some((line) => /^\s+dashboard\s+serve the app/.test(String(line)))).toBe(
    true,
  );
});
