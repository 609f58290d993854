// The network harness itself, checked with curl (a client that is not ours): the server in
// the namespace is refused when tried directly and answers through tinyproxy, both as an
// absolute-form http request and through a CONNECT tunnel; the proxy's log shows each
// request; BasicAuth answers 407 without credentials; https through the tunnel is trusted
// with the private CA only; the proxy can be killed and started again on the same port; and
// the link can be capped.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  serverBehindProxySkipReason,
  startServerBehindProxy,
  type ServerBehindProxy,
} from './server-behind-proxy.js';

const skipReason = serverBehindProxySkipReason(['curl']);
if (skipReason !== undefined) console.log(`Network harness tests skipped: ${skipReason}`);

/** curl's exit status and output; the environment's proxy variables never apply. */
function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/_proxy$/i.test(name)) delete env[name];
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['--silent', '--show-error', '--max-time', '20', ...args],
      { env },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `curl -w` status code and body of GET /users/me with the server's key. */
async function me(h: ServerBehindProxy, args: string[]) {
  const result = await curl([
    ...args,
    '--header',
    `authorization: Token ${h.apiKey}`,
    '--write-out',
    '\n%{http_code}',
    `${h.serverUrl}/users/me`,
  ]);
  const lines = result.stdout.split('\n');
  return { ...result, status: Number(lines.pop()), body: lines.join('\n') };
}

function refusedHere(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe.skipIf(skipReason !== undefined)('a server reachable only through tinyproxy', () => {
  let h: ServerBehindProxy;

  beforeAll(async () => {
    h = await startServerBehindProxy();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is refused when tried directly from this machine', async () => {
    expect(h.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await refusedHere(h.serverUrl)).toBe('ECONNREFUSED');
    const direct = await me(h, ['--noproxy', '*']);
    expect(direct.code).toBe(7); // curl: could not connect
  });

  it('answers through the proxy, as an absolute-form request and through CONNECT', async () => {
    const plain = await me(h, ['--proxy', h.proxy.url]);
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body).data.organization_prn).toBe(h.organizationPrn);
    const tunnelled = await me(h, ['--proxy', h.proxy.url, '--proxytunnel']);
    expect(tunnelled.status).toBe(200);

    const port = new URL(h.serverUrl).port;
    expect(await h.proxy.requests()).toEqual(
      expect.arrayContaining([
        { method: 'GET', target: `${h.serverUrl}/users/me` },
        { method: 'CONNECT', target: `127.0.0.1:${port}` },
      ]),
    );
    expect(await h.accessLog()).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/users/me', status: 200 })]),
    );
  });

  it('can be killed and started again on the same address and port', async () => {
    const { url } = h.proxy;
    await h.proxy.kill();
    expect(h.proxy.running).toBe(false);
    expect((await me(h, ['--proxy', url])).code).toBe(7);
    await h.proxy.start();
    expect(h.proxy.url).toBe(url);
    expect((await me(h, ['--proxy', url])).status).toBe(200);
  });

  it('caps the link from this machine into the namespace', async () => {
    const body = path.join(h.dir, 'upload.json');
    // 512 KiB of JSON the server reads whole before it answers.
    await writeFile(body, JSON.stringify({ name: 'x'.repeat(512 * 1024) }));
    const upload = () =>
      curl([
        '--proxy',
        h.proxy.url,
        '--header',
        `authorization: Token ${h.apiKey}`,
        '--header',
        'content-type: application/json',
        // No `Expect: 100-continue`: curl would wait a second for it before sending the body.
        '--header',
        'expect:',
        '--data-binary',
        `@${body}`,
        '--output',
        '/dev/null',
        '--write-out',
        '%{speed_upload}',
        `${h.serverUrl}/artifacts`,
      ]);
    await h.network.limitRate('2mbit');
    const capped = Number((await upload()).stdout);
    await h.network.clearRateLimit();
    const free = Number((await upload()).stdout);
    // 2 Mbit/s is 250 kB/s, with packet headers inside the cap and a 64 KiB burst above it.
    // Only the ceiling is checked: a busy machine may go slower, never faster.
    expect(capped).toBeLessThan(0.3e6);
    expect(free).toBeGreaterThan(4 * capped);
  });

  it('leaves no namespace or veth behind when stopped', async () => {
    const { namespace, hostInterface } = h.network;
    await h.stop();
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(
      namespace,
    );
    expect(spawnSync('ip', ['link', 'show', hostInterface]).status).not.toBe(0);
  });
});

describe.skipIf(skipReason !== undefined)('https behind a proxy that asks for credentials', () => {
  let h: ServerBehindProxy;

  beforeAll(async () => {
    h = await startServerBehindProxy({
      https: true,
      proxyCredentials: { user: 'builder', password: 'pa.ss-w0rd' },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers 407 without credentials and lets them through with them', async () => {
    expect(h.proxy.urlWithCredentials).toContain('builder:pa.ss-w0rd@');
    const refused = await me(h, ['--proxy', h.proxy.url, '--cacert', h.caPath!]);
    expect(refused.code).toBe(56); // curl: the proxy answered the CONNECT with an error
    expect(refused.stderr).toContain('407');
    const allowed = await me(h, ['--proxy', h.proxy.urlWithCredentials, '--cacert', h.caPath!]);
    expect(allowed.status).toBe(200);
  });

  it('is https through the CONNECT tunnel, trusted with the private CA only', async () => {
    expect(h.serverUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const untrusted = await me(h, ['--proxy', h.proxy.urlWithCredentials]);
    expect(untrusted.code).toBe(60); // curl: the peer's certificate is not trusted
    const trusted = await me(h, ['--proxy', h.proxy.urlWithCredentials, '--cacert', h.caPath!]);
    expect(trusted.status).toBe(200);
    expect(await h.proxy.requests()).toContainEqual({
      method: 'CONNECT',
      target: `127.0.0.1:${new URL(h.serverUrl).port}`,
    });
  });

  it('hands out presigned part URLs on the same origin, and takes the part through the tunnel', async () => {
    expect(h.proxyEnvironment().HTTPS_PROXY).toBe(h.proxy.urlWithCredentials);
    expect(h.proxyEnvironment(false).HTTPS_PROXY).toBe(h.proxy.url);
    const through = ['--proxy', h.proxy.urlWithCredentials, '--cacert', h.caPath!];
    const api = async (method: string, pathname: string, body: unknown) => {
      const result = await curl([
        ...through,
        '--request',
        method,
        '--header',
        `authorization: Token ${h.apiKey}`,
        '--header',
        'content-type: application/json',
        '--data',
        JSON.stringify(body),
        `${h.serverUrl}${pathname}`,
      ]);
      return JSON.parse(result.stdout);
    };
    const content = Buffer.from('firmware bytes through a proxy');
    const hash = createHash('sha256').update(content).digest();
    const { artifact } = await api('POST', '/artifacts', { name: 'through-the-proxy' });
    const { artifact_version: version } = await api('POST', '/artifact_versions', {
      artifact_prn: artifact.prn,
      version: '1.0.0',
    });
    const { binary } = await api('POST', '/binaries', {
      artifact_version_prn: version.prn,
      target: 'arm64',
      hash: hash.toString('hex'),
      size: content.length,
    });
    const { binary_part: part } = await api('PUT', `/binaries/${binary.prn}/parts/1`, {
      expected_binary_size: content.length,
      hash: hash.toString('hex'),
      size: content.length,
    });
    expect(part.presigned_upload_url.startsWith(`${h.serverUrl}/presigned/`)).toBe(true);

    const file = path.join(h.dir, 'part.bin');
    await writeFile(file, content);
    const put = await curl([
      ...through,
      '--upload-file',
      file,
      '--header',
      `x-amz-checksum-sha256: ${hash.toString('base64')}`,
      '--write-out',
      '%{http_code}',
      part.presigned_upload_url,
    ]);
    expect(put.stdout).toBe('200');
    // The server logs a request once its answer has gone: curl may be done before that.
    await expect
      .poll(() => h.accessLog())
      .toContainEqual(
        expect.objectContaining({ method: 'PUT', status: 200, bytes_in: content.length }),
      );
  });
});
