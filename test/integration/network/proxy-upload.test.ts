// Uploads the way an office or a build machine makes them: `peridio-desk` with the proxy
// variables set, against a Peridio server that only a real proxy (tinyproxy) can reach. Plain
// http goes in absolute form, https through a CONNECT tunnel with a private CA trusted inside
// it; NO_PROXY sends a host straight; a proxy that wants credentials is named with its 407;
// and a proxy that dies mid-upload only holds the job up until it is back.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeridioClient } from '../../../src-main/peridio/index.js';
import { readProxyEnvironment } from '../../../src-main/network/index.js';
import { startTestServer, type TestServer } from '../local-peridio/helpers.js';
import { runCli, startCli } from '../upload-engine/cli-harness.js';
import {
  serverBehindProxySkipReason,
  startServerBehindProxy,
  type ServerBehindProxy,
} from './server-behind-proxy.js';

const skipReason = serverBehindProxySkipReason();
if (skipReason !== undefined) console.log(`Proxy upload tests skipped: ${skipReason}`);

const MiB = 1024 * 1024;
const TARGET = 'x86_64-unknown-linux-gnu';
const PASSWORD = 'pr0xy-s3cret';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'proxy-upload-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The command's environment: the server's key and URL, a data folder, and `extra`. */
function cliEnv(h: { serverUrl: string; apiKey: string }, data: string, extra = {}) {
  return {
    PERIDIO_BASE_URL: h.serverUrl,
    PERIDIO_API_KEY: h.apiKey,
    PERIDIO_DESK_DATA_DIR: path.join(dir, data),
    HTTPS_PROXY: '',
    HTTP_PROXY: '',
    https_proxy: '',
    http_proxy: '',
    NO_PROXY: '',
    no_proxy: '',
    ...extra,
  };
}

async function writeRandomFile(name: string, bytes: number): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, randomBytes(bytes));
  return file;
}

/** Our own client, through the proxy `env` names. */
function clientThrough(h: ServerBehindProxy, env: Record<string, string>): PeridioClient {
  return new PeridioClient({
    baseUrl: h.serverUrl,
    apiKey: h.apiKey,
    proxy: { environment: readProxyEnvironment(env) },
    ...(h.caPath ? { caPath: h.caPath } : {}),
  });
}

/** A new Ed25519 key registered through the proxy, and its private half as a PEM file. */
async function newSigningKey(h: ServerBehindProxy, env: Record<string, string>) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const value = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  const client = clientThrough(h, env);
  try {
    const key = await client.signingKeys.create({
      name: `release-${randomBytes(3).toString('hex')}`,
      value,
    });
    const pem = path.join(dir, `${key.name}.pem`);
    await writeFile(pem, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    return { prn: key.prn, pem };
  } finally {
    client.close();
  }
}

/** An artifact version made through the proxy with our own client, as the CLI would. */
async function newVersion(h: ServerBehindProxy, env: Record<string, string>): Promise<string> {
  const client = clientThrough(h, env);
  try {
    const artifact = await client.artifacts.create({
      name: `fw-${randomBytes(4).toString('hex')}`,
    });
    const version = await client.artifactVersions.create({
      artifact_prn: artifact.prn,
      version: '1.0.0',
    });
    return version.prn;
  } finally {
    client.close();
  }
}

/** The upload's last JSON line and everything it printed. */
async function upload(
  file: string,
  versionPrn: string,
  env: Record<string, string>,
  extra: string[] = [],
) {
  const run = await runCli(
    ['upload', file, '--artifact-version', versionPrn, '--target', TARGET, '--json', ...extra],
    env,
  );
  return {
    ...run,
    printed: `${run.lines.map((l) => JSON.stringify(l)).join('\n')}\n${run.stderr}`,
  };
}

const presignedPuts = (requests: { method: string; target: string }[]) =>
  requests.filter((r) => r.method === 'PUT' && r.target.includes('/presigned/'));

describe.skipIf(skipReason !== undefined)('a server only a proxy reaches, over http', () => {
  let h: ServerBehindProxy;

  beforeAll(async () => {
    h = await startServerBehindProxy({ proxyCredentials: { user: 'desk', password: PASSWORD } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('cannot be reached without the proxy, and the message names the server and setting', async () => {
    const run = await runCli(['artifacts', 'list'], cliEnv(h, 'direct'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`could not reach ${h.serverUrl}`);
    expect(run.stderr).toContain('Check PERIDIO_BASE_URL');
  });

  it('names the proxy and its 407 when the proxy wants credentials it was not given', async () => {
    const run = await runCli(
      ['artifacts', 'list'],
      cliEnv(h, 'no-credentials', h.proxyEnvironment(false)),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the proxy answered 407/);
    expect(run.stderr).toContain(`the proxy ${h.proxy.url} (`);
    expect(run.stderr).toMatch(/user and password/);
    expect(await h.accessLog()).toEqual([]);
  });

  it('uploads to signed through it, parts and all, and never shows the password', async () => {
    const env = cliEnv(h, 'through', h.proxyEnvironment(true));
    const versionPrn = await newVersion(h, env);
    const key = await newSigningKey(h, env);
    const file = await writeRandomFile('through-proxy.img', 20 * MiB);

    const run = await upload(file, versionPrn, env, [
      '--signing-key-private',
      key.pem,
      '--signing-key-prn',
      key.prn,
    ]);

    expect(run.code, run.printed).toBe(0);
    expect(run.last).toMatchObject({ event: 'done', state: 'signed' });
    const proxied = await h.proxy.requests();
    expect(presignedPuts(proxied).length).toBeGreaterThanOrEqual(3);
    expect(proxied).toEqual(
      expect.arrayContaining([{ method: 'POST', target: `${h.serverUrl}/binaries` }]),
    );
    const log = await readFile(path.join(dir, 'through', 'logs', 'engine.log'), 'utf8');
    expect(`${run.printed}\n${log}`).not.toContain(PASSWORD);

    const listed = await runCli(['binaries', 'list', '--artifact-version', versionPrn], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.lines.join('\n')).toContain(TARGET);
  });
});

describe.skipIf(skipReason !== undefined)('a server only a proxy reaches, over https', () => {
  let h: ServerBehindProxy;

  beforeAll(async () => {
    h = await startServerBehindProxy({ https: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('uploads through a CONNECT tunnel, with the private CA trusted inside it', async () => {
    const env = cliEnv(h, 'tunnel', { ...h.proxyEnvironment(), PERIDIO_CA_PATH: h.caPath! });
    const versionPrn = await newVersion(h, env);
    const file = await writeRandomFile('through-tunnel.img', 12 * MiB);

    const run = await upload(file, versionPrn, env);

    expect(run.code, run.printed).toBe(0);
    expect(run.last).toMatchObject({ event: 'done', state: 'signable' });
    const port = new URL(h.serverUrl).port;
    const proxied = await h.proxy.requests();
    expect(proxied.length).toBeGreaterThan(0);
    // Everything went through tunnels: the proxy saw no request it could read.
    expect(proxied.every((r) => r.method === 'CONNECT' && r.target === `127.0.0.1:${port}`)).toBe(
      true,
    );
  });

  it("says the server's certificate is not trusted, through which proxy, without the CA", async () => {
    const run = await runCli(['artifacts', 'list'], cliEnv(h, 'no-ca', h.proxyEnvironment()));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `could not set up a secure connection to ${h.serverUrl} through the proxy ${h.proxy.url} (https_proxy)`,
    );
    expect(run.stderr).toContain('PERIDIO_CA_PATH');
  });
});

describe.skipIf(skipReason !== undefined)('a CONNECT tunnel the proxy refuses', () => {
  let h: ServerBehindProxy;

  beforeAll(async () => {
    h = await startServerBehindProxy({
      https: true,
      proxyCredentials: { user: 'desk', password: PASSWORD },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("tells the proxy's 407 apart from the server's answers, and does not retry it", async () => {
    const env = cliEnv(h, 'tunnel-407', {
      ...h.proxyEnvironment(false),
      PERIDIO_CA_PATH: h.caPath!,
    });
    const run = await runCli(['artifacts', 'list'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `did not reach ${h.serverUrl} through the proxy ${h.proxy.url} (https_proxy): the proxy answered 407 Proxy Authentication Required.`,
    );
    expect(run.stderr).toMatch(/give them in https_proxy/);
    expect(run.stderr).not.toMatch(/attempts/);
    expect(await h.accessLog()).toEqual([]);
  });
});

describe.skipIf(skipReason !== undefined)('NO_PROXY', () => {
  let h: ServerBehindProxy;
  let local: TestServer;

  beforeAll(async () => {
    h = await startServerBehindProxy();
    local = await startTestServer();
  });
  afterAll(async () => {
    await h?.stop();
    await local?.stop();
  });

  it('sends a listed host straight, past the proxy variables', async () => {
    const server = { serverUrl: local.server.url, apiKey: local.server.apiKey };
    const proxied = { ...h.proxyEnvironment(), NO_PROXY: 'localhost, 127.0.0.0/8' };
    const before = (await h.proxy.requests()).length;

    const straight = await runCli(['artifacts', 'list'], cliEnv(server, 'bypass', proxied));

    expect(straight.code, straight.stderr).toBe(0);
    expect((await h.proxy.requests()).length).toBe(before);

    // Without the entry the request goes to the proxy, which cannot reach this machine's
    // loopback server from its own network, and says so.
    const viaProxy = await runCli(
      ['artifacts', 'list'],
      cliEnv(server, 'no-bypass', h.proxyEnvironment()),
    );
    expect(viaProxy.code).toBe(1);
    expect(viaProxy.stderr).toContain(`through the proxy ${h.proxy.url} (http_proxy)`);
    expect(viaProxy.stderr).toContain("The answer may be the proxy's own: check http_proxy.");
    expect((await h.proxy.requests()).length).toBeGreaterThan(before);
  });
});

describe.skipIf(skipReason !== undefined)('a proxy that dies mid-upload', () => {
  let h: ServerBehindProxy;

  beforeAll(async () => {
    h = await startServerBehindProxy();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('holds the job up until it is back; only the parts in flight are sent again', async () => {
    const env = cliEnv(h, 'outage', h.proxyEnvironment());
    const versionPrn = await newVersion(h, env);
    const parts = 6;
    const concurrency = 2;
    const file = await writeRandomFile('outage.img', parts * 8 * MiB);
    // 80 Mbit/s: the upload takes about five seconds, long enough to pull the plug midway.
    await h.network.limitRate('80mbit');
    const run = startCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        TARGET,
        '--json',
        '--concurrency',
        String(concurrency),
      ],
      env,
    );
    const partPuts = async () =>
      (await h.accessLog()).filter((l) => l.method === 'PUT' && l.path.startsWith('/presigned/'));
    const storedParts = async () => (await partPuts()).filter((l) => l.status === 200).length;
    const deadline = Date.now() + 60_000;
    while ((await storedParts()) < 2 && Date.now() < deadline) await sleep(50);

    await h.proxy.kill();
    await sleep(3000);
    await h.proxy.start();
    const code = await run.exited;
    await h.network.clearRateLimit();

    expect(code, run.stderr()).toBe(0);
    expect(run.lines.at(-1)).toMatchObject({ event: 'done', state: 'signable' });
    // Each part once, plus at most the ones that were on the way when the proxy died.
    expect(presignedPuts(await h.proxy.requests()).length).toBeLessThanOrEqual(parts + concurrency);
    expect(await storedParts()).toBeGreaterThanOrEqual(parts);
    expect((await partPuts()).length).toBeLessThanOrEqual(parts + concurrency);
  });
});
