// The desktop app follows the system's proxy: the engine, in a process of its own as in
// Electron's utility process, asks its parent for the proxy of the base URL (in the app, the
// session's resolveProxy, which reads PAC files and WPAD) and goes through the proxy it names,
// when no variable or profile says otherwise.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, forkNodeHost } from '../../../src-main/engine-host/index.js';
import {
  serverBehindProxySkipReason,
  startServerBehindProxy,
  type ServerBehindProxy,
} from './server-behind-proxy.js';

const skipReason = serverBehindProxySkipReason();
if (skipReason !== undefined) console.log(`System proxy tests skipped: ${skipReason}`);

/** This process's environment without any proxy variable: the system is all that is left. */
function withoutProxyVariables(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/_proxy$/i.test(name)) delete env[name];
  return { ...env, ...extra };
}

describe.skipIf(skipReason !== undefined)("the engine host and the system's proxy", () => {
  let h: ServerBehindProxy;
  let dir: string;

  beforeAll(async () => {
    h = await startServerBehindProxy();
    dir = await mkdtemp(path.join(tmpdir(), 'system-proxy-'));
  });
  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks its parent for the way to the base URL and goes through the proxy it answers', async () => {
    const env = withoutProxyVariables({
      PERIDIO_BASE_URL: h.serverUrl,
      PERIDIO_API_KEY: h.apiKey,
    });
    const asked: string[] = [];
    const proxyHost = new URL(h.proxy.url).host;
    const engine = await EngineClient.start(forkNodeHost({ env }), {
      dataDir: path.join(dir, 'desk'),
      resolveProxy: async (url) => {
        asked.push(url);
        return `SOCKS5 unused:1080; PROXY ${proxyHost}; DIRECT`;
      },
    });
    try {
      const created = await engine.reply('artifacts.create', { name: 'through-the-system' });
      expect(created).toMatchObject({ ok: true });
      expect(asked).toEqual([h.serverUrl]);
      expect(await h.proxy.requests()).toEqual(
        expect.arrayContaining([{ method: 'POST', target: `${h.serverUrl}/artifacts` }]),
      );
    } finally {
      await engine.close();
    }
  });

  it('goes straight when the system says DIRECT, and then cannot reach this server', async () => {
    const env = withoutProxyVariables({
      PERIDIO_BASE_URL: h.serverUrl,
      PERIDIO_API_KEY: h.apiKey,
    });
    const before = (await h.proxy.requests()).length;
    const engine = await EngineClient.start(forkNodeHost({ env }), {
      dataDir: path.join(dir, 'direct'),
      resolveProxy: async () => 'DIRECT',
    });
    try {
      const listed = await engine.reply('artifacts.list', {});
      expect(listed).toMatchObject({ ok: false, error: { message: /could not reach/ } });
      expect((await h.proxy.requests()).length).toBe(before);
    } finally {
      await engine.close();
    }
  });
});
