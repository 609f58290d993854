// The desktop app follows the system's proxy: the engine, in a process of its own as in
// Electron's utility process, asks its parent for the proxy of each origin it talks to (in the
// app, the session's resolveProxy, which reads PAC files and WPAD) and goes through the proxy
// it names, when no variable or profile says otherwise: the base URL's when it opens, a
// storage server's when the first part goes there, so a PAC file that sends the two different
// ways is followed.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent, JobView } from '../../../src-preload/contract.js';
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

/**
 * Uploads two files through an engine whose system (the PAC file `pac`) answers per origin:
 * one part from the engine's thread, three from a transfer worker. Answers what the proxy
 * carried, the part PUTs the server stored, and the origins the system was asked for.
 */
async function uploadByPacFile(
  h: ServerBehindProxy,
  dataDir: string,
  pac: (origin: string) => string,
) {
  const asked: string[] = [];
  const env = withoutProxyVariables({
    PERIDIO_BASE_URL: h.serverUrl,
    PERIDIO_API_KEY: h.apiKey,
    ...(h.caPath ? { PERIDIO_CA_PATH: h.caPath } : {}),
  });
  const engine = await EngineClient.start(forkNodeHost({ env }), {
    dataDir,
    resolveProxy: async (url) => {
      asked.push(url);
      return pac(new URL(url).origin);
    },
  });
  const events: DeskEvent[] = [];
  engine.subscribe((event) => events.push(event));
  try {
    const artifact = await engine.reply('artifacts.create', { name: 'pac-per-origin' });
    const artifactPrn = (artifact as { result: { prn: string } }).result.prn;
    const version = await engine.reply('artifactVersions.create', {
      artifactPrn,
      version: '1.0.0',
    });
    const versionPrn = (version as { result: { prn: string } }).result.prn;
    const jobs: JobView[] = [];
    for (const [name, size, target] of [
      ['small.bin', 1024 * 1024, 'x86_64-unknown-linux-gnu'],
      ['large.bin', 20 * 1024 * 1024, 'aarch64-unknown-linux-gnu'],
    ] as const) {
      const file = path.join(dataDir, name);
      await writeFile(file, randomBytes(size));
      const queued = await engine.reply('uploads.enqueue', {
        path: file,
        artifactVersionPrn: versionPrn,
        target,
      });
      expect(queued, JSON.stringify(queued)).toMatchObject({ ok: true });
      jobs.push((queued as { result: JobView }).result);
    }
    const outcomes = () =>
      jobs.map(
        (job) => events.find((e) => e.name === 'job:ended' && e.payload.job.id === job.id)?.payload,
      );
    await expect.poll(() => outcomes().every(Boolean), { timeout: 90_000 }).toBe(true);
    for (const outcome of outcomes()) {
      expect(outcome).toMatchObject({ outcome: { status: 'done' } });
    }
  } finally {
    await engine.close();
  }
  const stored = (await h.accessLog()).filter(
    (line) => line.method === 'PUT' && line.path.includes('/presigned/'),
  );
  return { proxied: await h.proxy.requests(), stored, asked };
}

describe.skipIf(skipReason !== undefined)("the system's proxy, asked for each origin", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'system-proxy-origins-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the API straight and the parts through the proxy when the PAC file says so', async () => {
    // The API at the veth address (https: plain http is for this machine only), the storage
    // at 127.0.0.1, which only the proxy reaches: the parts go through a CONNECT tunnel.
    const h = await startServerBehindProxy({ https: true, direct: 'api' });
    try {
      const api = new URL(h.serverUrl);
      const storage = new URL(h.storageUrl);
      const proxyHost = new URL(h.proxy.url).host;
      const { proxied, stored, asked } = await uploadByPacFile(
        h,
        path.join(dir, 'api-direct'),
        (origin) => (origin === storage.origin ? `PROXY ${proxyHost}; DIRECT` : 'DIRECT'),
      );
      expect(stored.length).toBeGreaterThanOrEqual(4);
      // Tunnels to the storage, and nothing else.
      expect(proxied.length).toBeGreaterThan(0);
      expect(proxied.filter((r) => r.method !== 'CONNECT' || r.target !== storage.host)).toEqual(
        [],
      );
      // Each origin was asked once for the connection, however many parts went there.
      expect([...asked].sort()).toEqual([api.origin, storage.origin].sort());
    } finally {
      await h.stop();
    }
  });

  it('sends the API through the proxy and the parts straight when the PAC file says so', async () => {
    // The API at 127.0.0.1, only through the proxy; the storage at the veth address.
    const h = await startServerBehindProxy({ direct: 'storage' });
    try {
      const api = new URL(h.serverUrl);
      const storage = new URL(h.storageUrl);
      const proxyHost = new URL(h.proxy.url).host;
      const { proxied, stored, asked } = await uploadByPacFile(
        h,
        path.join(dir, 'storage-direct'),
        (origin) => (origin === api.origin ? `PROXY ${proxyHost}` : 'DIRECT'),
      );
      expect(stored.length).toBeGreaterThanOrEqual(4);
      // The API requests in absolute form, and none of the parts.
      expect(proxied).toEqual(
        expect.arrayContaining([{ method: 'POST', target: `${h.serverUrl}/binaries` }]),
      );
      expect(proxied.filter((r) => !r.target.startsWith(`${api.origin}/`))).toEqual([]);
      expect(proxied.filter((r) => r.target.includes('/presigned/'))).toEqual([]);
      expect([...asked].sort()).toEqual([api.origin, storage.origin].sort());
    } finally {
      await h.stop();
    }
  });
});
