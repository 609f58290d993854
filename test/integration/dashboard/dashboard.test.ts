// The dashboard face against a real local Peridio server: who may call (token, Origin, Host),
// what a call must look like (POST, JSON, bounded), commands by name with the contract's
// replies, the events of an upload over Server-Sent Events, and the renderer's files with
// the security headers and no way out of their folder.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDashboard, type Dashboard } from '../../../src-main/dashboard/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import {
  TEST_VECTOR,
  content,
  startTestServer,
  tempDir,
  type TestServer,
} from '../local-peridio/helpers.js';
import { writeTestVectorPem } from '../upload-engine/cli-harness.js';
import { command, openSse, rawRequest } from './dashboard-http.js';

const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; " +
  "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

let dir: string;
let rendererDir: string;
let server: TestServer;
let service: DeskService;
let dashboard: Dashboard;
let origin: string;
let token: string;

beforeAll(async () => {
  dir = await tempDir('dashboard-');
  rendererDir = path.join(dir, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><title>desk</title><script type="module" src="/assets/app.js"></script>',
  );
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("desk");\n');
  await writeFile(path.join(rendererDir, 'assets', 'app.css'), 'body { margin: 0 }\n');
  await writeFile(path.join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(path.join(rendererDir, '.env'), 'SECRET=hidden\n');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the renderer\n');
  server = await startTestServer();
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
    vault: new MemoryVault(),
    engine: { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } },
  });
  dashboard = await startDashboard({ service, rendererDir });
  origin = dashboard.origin;
  token = dashboard.token;
});

afterAll(async () => {
  await dashboard?.close();
  await service?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('starting', () => {
  it('listens on loopback with a fresh 32-byte token in the URL fragment', async () => {
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(dashboard.url).toBe(`${origin}/#token=${token}`);
    const other = await startDashboard({ service, rendererDir });
    try {
      expect(other.token).not.toBe(token);
      expect(other.origin).not.toBe(origin);
    } finally {
      await other.close();
    }
  });

  it('refuses to listen on an address other machines can reach', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.com']) {
      await expect(startDashboard({ service, rendererDir, host })).rejects.toThrow(
        /this machine only/,
      );
    }
  });
});

describe('the token', () => {
  it('is required on every API request, with words that say what to do', async () => {
    const none = await rawRequest(origin, {
      method: 'POST',
      path: '/api/commands/workspace.get',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(none.json.error.message).toContain('Open the URL that peridio-desk dashboard printed');

    const wrong = await command(origin, 'x'.repeat(43), 'workspace.get');
    expect(wrong.status).toBe(401);
    // One character off (never the token itself, whatever its last character is).
    const other = token.endsWith('A') ? 'B' : 'A';
    const almost = await command(origin, `${token.slice(0, -1)}${other}`, 'workspace.get');
    expect(almost.status).toBe(401);

    const right = await command(origin, token, 'workspace.get');
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({
      ok: true,
      result: { kind: 'environment', baseUrl: server.server.url },
    });
  });

  it('is taken from the query only for the event stream, never for a command', async () => {
    const inQuery = await rawRequest(origin, {
      method: 'POST',
      path: `/api/commands/workspace.get?token=${token}`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(inQuery.status).toBe(401);

    const noToken = openSse(origin, '/api/events');
    expect(await noToken.status).toBe(401);
    const wrongToken = openSse(origin, '/api/events?token=nope');
    expect(await wrongToken.status).toBe(401);
    const rightToken = openSse(origin, `/api/events?token=${token}`);
    expect(await rightToken.status).toBe(200);
    rightToken.close();
  });

  it('cannot be skipped by spelling the API path another way', async () => {
    for (const spelled of ['/%61pi/commands/workspace.get', '/api/commands/workspace%2Eget']) {
      const post = await rawRequest(origin, {
        method: 'POST',
        path: spelled,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(post.status, spelled).toBe(401);
    }
    for (const spelled of ['/%61pi/events', '/%61%70%69/events', '/api/%65vents']) {
      const events = openSse(origin, spelled);
      expect(await events.status, spelled).toBe(401);
      events.close();
    }
  });

  it('is compared in constant time', async () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    try {
      await command(origin, 'wrong-token', 'workspace.get');
      await command(origin, token, 'workspace.get');
      expect(spy).toHaveBeenCalledTimes(2);
      expect(spy.mock.results.map((r) => r.value)).toEqual([false, true]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('Origin and Host', () => {
  it('refuses a page of another site, and accepts its own page and non-browser clients', async () => {
    const call = (headers: Record<string, string>) =>
      rawRequest(origin, {
        method: 'POST',
        path: '/api/commands/workspace.get',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: '{}',
      });
    const foreign = await call({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('foreign_origin');
    expect((await call({ origin: 'null' })).status).toBe(403);
    const port = new URL(origin).port;
    expect((await call({ origin: `http://127.0.0.1:${Number(port) + 1}` })).status).toBe(403);
    expect((await call({ origin })).status).toBe(200);
    expect((await call({ origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await call({})).status).toBe(200);
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const port = new URL(origin).port;
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:1`]) {
      const rebound = await rawRequest(origin, { path: '/', headers: { host } });
      expect(rebound.status).toBe(421);
      expect(rebound.json.error.code).toBe('wrong_host');
      const api = await rawRequest(origin, {
        method: 'POST',
        path: '/api/commands/workspace.get',
        headers: {
          host,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect(api.status).toBe(421);
    }
    expect(
      (await rawRequest(origin, { path: '/', headers: { host: `localhost:${port}` } })).status,
    ).toBe(200);
  });
});

describe('what a command request must look like', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(origin, {
      method: 'POST',
      path: '/api/commands/artifacts.list',
      headers: { authorization: `Bearer ${token}`, ...headers },
      body,
    });

  it('is a POST', async () => {
    const get = await rawRequest(origin, {
      path: '/api/commands/artifacts.list',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('is JSON, said so by its content-type', async () => {
    const form = await post('{}', { 'content-type': 'text/plain' });
    expect(form.status).toBe(415);
    expect(form.json.error.message).toContain('content-type: application/json');
    const urlencoded = await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(urlencoded.status).toBe(415);
    const untyped = await post('');
    expect(untyped.status).toBe(415);
    const typed = await post('{}', { 'content-type': 'application/json; charset=utf-8' });
    expect(typed.status).toBe(200);
  });

  it('refuses malformed JSON with a clear message', async () => {
    const bad = await post('{"cursor": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    expect(bad.json.error.message).toContain('not valid JSON');
  });

  it('refuses a body that is not UTF-8 with a clear message', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('{"path": "/tmp/caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ]);
    const bad = await post(latin1, { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    expect(bad.json.error.message).toContain('not valid UTF-8');
  });

  it('refuses a body over 1 MiB', async () => {
    const big = await post(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }), {
      'content-type': 'application/json',
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('payload_too_large');
  });

  it('answers an unknown command with the service’s own error', async () => {
    const unknown = await command(origin, token, 'artifacts.explode');
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({
      ok: false,
      error: { code: 'unknown_command', message: 'There is no command "artifacts.explode".' },
    });
  });

  it('answers an unknown API route with 404', async () => {
    const missing = await rawRequest(origin, {
      path: '/api/nothing',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
  });
});

describe('commands', () => {
  it('runs artifacts.create and artifacts.list, answering CommandReply JSON', async () => {
    const created = await command(origin, token, 'artifacts.create', {
      name: 'dashboard-firmware',
      description: 'made through the dashboard',
    });
    expect(created.status).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.json.ok).toBe(true);
    expect(created.json.result.prn).toMatch(/:artifact:/);
    const listed = await command(origin, token, 'artifacts.list', {});
    expect(listed.json.ok).toBe(true);
    expect(listed.json.result.items.map((a: { prn: string }) => a.prn)).toContain(
      created.json.result.prn,
    );
  });

  it('refuses an invalid input with the contract’s message, changing nothing', async () => {
    const refused = await command(origin, token, 'artifacts.create', { name: '', extra: 1 });
    expect(refused.status).toBe(200);
    expect(refused.json.ok).toBe(false);
    expect(refused.json.error.code).toBe('invalid_input');
    expect(refused.json.error.message).toMatch(/^artifacts\.create was not run: /);
    expect(refused.json.error.fields).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'the artifact name must not be empty' },
        { field: 'input', message: 'unknown field "extra"' },
      ]),
    );
    const notObject = await command(origin, token, 'artifacts.list', [1, 2]);
    expect(notObject.json.error.fields).toEqual([
      { field: 'input', message: 'the input must be an object of named fields' },
    ]);
  });
});

describe('events', () => {
  it('streams job:queued and job:ended of an upload enqueued through uploads.enqueue', async () => {
    const pem = await writeTestVectorPem(path.join(dir, 'keys'));
    const key = await server.api('POST', '/signing_keys', {
      name: 'vector',
      value: TEST_VECTOR.value,
    });
    const signingKeyPrn: string = key.body.signing_key.prn;
    const artifact = await command(origin, token, 'artifacts.create', { name: 'sse-firmware' });
    const version = await command(origin, token, 'artifactVersions.create', {
      artifactPrn: artifact.json.result.prn,
      version: '1.0.0',
    });
    const file = path.join(dir, 'small.img');
    await writeFile(file, content(64 * 1024, 5));

    const stream = openSse(origin, `/api/events?token=${token}`);
    expect(await stream.status).toBe(200);
    const headers = await stream.headers;
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['content-security-policy']).toContain(CSP);
    try {
      const enqueued = await command(origin, token, 'uploads.enqueue', {
        path: file,
        artifactVersionPrn: version.json.result.prn,
        target: 'aarch64-unknown-linux-gnu',
        signingKey: { kind: 'file', privateKeyPath: pem, signingKeyPrn },
      });
      expect(enqueued.json.ok).toBe(true);
      const jobId: string = enqueued.json.result.id;
      const queued = await stream.waitFor(
        (e) => e.event === 'job:queued' && e.data.job.id === jobId,
      );
      expect(queued.data.job.request.target).toBe('aarch64-unknown-linux-gnu');
      const ended = await stream.waitFor((e) => e.event === 'job:ended' && e.data.job.id === jobId);
      expect(ended.data.outcome).toEqual({ status: 'done' });
      const names = stream.events.map((e) => e.event);
      expect(names.indexOf('job:queued')).toBeLessThan(names.lastIndexOf('job:ended'));
      expect(names).toContain('job:step');
    } finally {
      stream.close();
    }
  });

  it('lets go of a client that leaves, and ends the streams on close', async () => {
    let listening = 0;
    const counted = {
      reply: (name: string, input?: unknown) => service.reply(name, input),
      subscribe: (listener: Parameters<DeskService['subscribe']>[0]) => {
        listening += 1;
        const unsubscribe = service.subscribe(listener);
        return () => {
          listening -= 1;
          unsubscribe();
        };
      },
    };
    const other = await startDashboard({ service: counted, rendererDir });
    const leaving = openSse(other.origin, `/api/events?token=${other.token}`);
    expect(await leaving.status).toBe(200);
    const staying = openSse(other.origin, `/api/events?token=${other.token}`);
    expect(await staying.status).toBe(200);
    expect(listening).toBe(2);
    leaving.close();
    await vi.waitFor(() => expect(listening).toBe(1));
    await other.close();
    await staying.ended;
    await vi.waitFor(() => expect(listening).toBe(0));
  });
});

describe('the renderer’s files', () => {
  it('serves index.html and assets with their types and the security headers', async () => {
    const index = await rawRequest(origin, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('<title>desk</title>');
    expect(index.headers['content-security-policy']).toContain(CSP);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['x-frame-options']).toBe('DENY');
    const cases: [string, string][] = [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
    ];
    for (const [file, type] of cases) {
      const response = await rawRequest(origin, { path: file });
      expect(response.status, file).toBe(200);
      expect(response.headers['content-type'], file).toBe(type);
      expect(response.headers['content-security-policy'], file).toContain(CSP);
    }
    expect((await rawRequest(origin, { path: '/assets/app.js?v=2' })).text).toContain('desk');
    expect((await rawRequest(origin, { path: '/assets/none.js' })).status).toBe(404);
    expect((await rawRequest(origin, { path: '/assets' })).status).toBe(404);
  });

  it('never serves a file outside its folder, nor a hidden one', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/%2fetc%2fpasswd',
      '//etc/passwd',
      `/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
      `/${path.join(dir, 'secret.txt')}`,
      '/C:%5cWindows%5cwin.ini',
      '/.env',
      '/%2eenv',
      '/index.html%00.js',
      '/%E0%A4%A',
    ];
    for (const attempt of attempts) {
      const response = await rawRequest(origin, { path: attempt });
      expect([400, 404], attempt).toContain(response.status);
      expect(response.json?.ok, attempt).toBe(false);
      expect(response.headers['content-security-policy'], attempt).toContain(CSP);
      expect(response.text, attempt).not.toContain('outside the renderer');
      expect(response.text, attempt).not.toContain('SECRET');
      expect(response.text, attempt).not.toContain('root:');
    }
  });

  it('says how to build the renderer when it is not built, in a CSP-clean page', async () => {
    const missing = path.join(dir, 'not-built');
    const bare = await startDashboard({ service, rendererDir: missing });
    try {
      const page = await rawRequest(bare.origin, { path: '/' });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toContain(CSP);
      expect(page.text).toContain('not built yet');
      expect(page.text).toContain(missing);
      expect(page.text).toContain('src-renderer');
      expect(page.text).not.toMatch(/<script|<style|style=|on\w+=/i);
      expect((await rawRequest(bare.origin, { path: '/assets/app.js' })).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe('paths that are not regular files', () => {
  it('answers detectTarget on named pipes at once, naming them, and keeps answering', async () => {
    // Four pipes at once held every libuv thread when they were read: nothing else answered.
    const pipes = ['a', 'b', 'c', 'd'].map((name) => path.join(dir, `${name}.fifo`));
    for (const pipe of pipes) execFileSync('mkfifo', [pipe]);
    const answers = await Promise.all(
      pipes.map((pipe) => command(origin, token, 'uploads.detectTarget', { path: pipe })),
    );
    for (const [i, answer] of answers.entries()) {
      expect(answer.json).toMatchObject({ ok: false, error: { code: 'not_a_regular_file' } });
      expect(answer.json.error.message).toBe(
        `${pipes[i]} is a named pipe (FIFO), not a regular file; give the path of a file.`,
      );
    }
    expect((await command(origin, token, 'workspace.get')).json.ok).toBe(true);
  });

  it('refuses a folder and a device the same way', async () => {
    const folder = await command(origin, token, 'uploads.detectTarget', { path: dir });
    expect(folder.json.error).toMatchObject({
      code: 'not_a_regular_file',
      message: `${dir} is a folder, not a file; give the path of a file.`,
    });
    const device = await command(origin, token, 'uploads.detectTarget', { path: '/dev/zero' });
    expect(device.json.error.message).toBe(
      '/dev/zero is a device, not a regular file; give the path of a file.',
    );
  });
});
