// The engine in a process of its own, as the desktop app runs it in Electron's utility process,
// here under Node's child_process.fork with the same host module and protocol: commands and
// their refusals, events to the end of an upload, a clean close, a crash that fails what was
// waiting instead of hanging it, and a broken settings file reported with its path, then moved
// aside when the person chooses so.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent, JobView } from '../../../src-preload/contract.js';
import {
  EngineClient,
  EngineOpenError,
  forkNodeHost,
  type HostProcess,
} from '../../../src-main/engine-host/index.js';
import { content, startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';

let dir: string;
let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('engine-host-');
  server = await startTestServer();
  env = {
    ...process.env,
    PERIDIO_BASE_URL: server.server.url,
    PERIDIO_API_KEY: server.server.apiKey,
  };
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The host's process, with its exit code kept for the test. */
function startHost(hostEnv = env): { host: HostProcess; exited: Promise<number | null> } {
  const host = forkNodeHost({ env: hostEnv });
  const exited = new Promise<number | null>((resolve) => host.onExit(resolve));
  return { host, exited };
}

describe('the engine host under child_process.fork', () => {
  it('answers commands, passes events on to the end of an upload, and closes cleanly', async () => {
    const { host, exited } = startHost();
    const engine = await EngineClient.start(host, { dataDir: path.join(dir, 'desk-a') });
    const events: DeskEvent[] = [];
    engine.subscribe((event) => events.push(event));
    try {
      const workspace = await engine.reply('workspace.get');
      expect(workspace).toMatchObject({ ok: true, result: { kind: 'environment' } });

      const refused = await engine.reply('artifacts.create', { name: '' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const unknown = await engine.reply('artifacts.explode', {});
      expect(unknown.ok).toBe(false);

      const artifact = await engine.reply('artifacts.create', { name: 'host-fw' });
      expect(artifact.ok).toBe(true);
      const artifactPrn = (artifact as { result: { prn: string } }).result.prn;
      const version = await engine.reply('artifactVersions.create', {
        artifactPrn,
        version: '1.0.0',
      });
      const versionPrn = (version as { result: { prn: string } }).result.prn;

      const file = path.join(dir, 'fw-host.bin');
      await writeFile(file, content(300_000, 7));
      const queued = await engine.reply('uploads.enqueue', {
        path: file,
        artifactVersionPrn: versionPrn,
        target: 'x86_64-unknown-linux-gnu',
      });
      expect(queued.ok).toBe(true);
      const job = (queued as { result: JobView }).result;
      const ended = () => events.find((e) => e.name === 'job:ended' && e.payload.job.id === job.id);
      await expect.poll(ended, { timeout: 30_000 }).toBeDefined();
      expect(ended()).toMatchObject({ payload: { outcome: { status: 'done' } } });
      expect(events.some((e) => e.name === 'job:progress')).toBe(true);
    } finally {
      await engine.close();
    }
    expect(await exited).not.toBeUndefined();
    expect(await engine.reply('workspace.get')).toMatchObject({
      ok: false,
      error: { code: 'engine_stopped' },
    });
    // Once: a second close waits for the same one.
    await expect(engine.close()).resolves.toBeUndefined();
  });

  it('fails a waiting call when the engine’s process dies, and says it ended', async () => {
    // A server that takes the connection and never answers keeps the call waiting however the
    // two processes are scheduled; the call must be one that asks the server (checkConnection
    // answers at once while the engine believes it is online, and a busy parent could see that
    // answer before its kill lands).
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const { host } = startHost({ ...env, PERIDIO_BASE_URL: `http://127.0.0.1:${port}` });
    const engine = await EngineClient.start(host, { dataDir: path.join(dir, 'desk-b') });
    const ended = new Promise<number | null>((resolve) => engine.onUnexpectedExit(resolve));
    const waiting = engine.reply('artifacts.list');
    host.kill('SIGKILL');
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'engine_stopped' } });
    expect(await ended).toBe(-1);
    silent.close();
  });

  it('reports a broken settings file with its path, and moves it aside when told to', async () => {
    const dataDir = path.join(dir, 'desk-c');
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
    const settingsFile = path.join(dataDir, 'config.json');
    await writeFile(settingsFile, '{ "profiles": [ this is not JSON');

    const first = startHost();
    const failure = await EngineClient.start(first.host, { dataDir }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EngineOpenError);
    expect(failure).toMatchObject({ code: 'settings_file', filePath: settingsFile });
    await first.exited;

    const second = startHost();
    const engine = await EngineClient.start(second.host, { dataDir, brokenSettings: 'move-aside' });
    try {
      expect(await engine.reply('profiles.list')).toMatchObject({ ok: true });
      const files = await readdir(dataDir);
      expect(files.some((name) => name.startsWith('config.json.') && name !== 'config.json')).toBe(
        true,
      );
    } finally {
      await engine.close();
    }
  });
});
