// Running the server: fault injection, the access log, signals, restarts, path traversal,
// body limits under memory watch, and the command line.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  REPO_ROOT,
  apiFor,
  content,
  createBinary,
  createPart,
  listAll,
  putBytes,
  spawnServer,
  startSlowUpload,
  startTestServer,
  tempDir,
  type SpawnedServer,
  type TestServer,
} from './helpers.js';

const running: SpawnedServer[] = [];
const servers: TestServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null)
      server.child.kill('SIGKILL');
    await server.exited;
  }
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function inProcess(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

async function spawned(args: string[]): Promise<SpawnedServer> {
  const server = await spawnServer(args);
  running.push(server);
  return server;
}

async function newDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}

/** Runs the CLI to completion (for argument errors). */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/bin.ts', ...args], {
      cwd: REPO_ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('--faults', () => {
  test('part500=1 fails every part PUT with 500 and leaves the part uploadable', async () => {
    const t = await inProcess({ faults: 'part500=1' });
    const data = Buffer.from('hello world');
    const binary = await createBinary(t.api, data);
    const part = await createPart(t.api, binary, 1, data);
    for (let i = 0; i < 3; i += 1) {
      const put = await putBytes(part.presigned_upload_url, data);
      expect(put.status).toBe(500);
      expect(put.text).toContain('InternalError');
    }
    const parts = await listAll(t.api, `/binaries/${binary.prn}/parts`, 'binary_parts');
    expect(parts[0].state).toBe('uploadable');
    expect(await readdir(path.join(t.dataDir, 'tmp'))).toEqual([]);
  });

  test('partDrop=1 drops the connection mid-body and keeps nothing', async () => {
    const t = await inProcess({ faults: 'partDrop=1' });
    const data = content(1024 * 1024, 3);
    const binary = await createBinary(t.api, data);
    const part = await createPart(t.api, binary, 1, data);
    await expect(putBytes(part.presigned_upload_url, data)).rejects.toThrow();
    const parts = await listAll(t.api, `/binaries/${binary.prn}/parts`, 'binary_parts');
    expect(parts[0].state).toBe('uploadable');
  });

  test('rate429 answers a seeded fraction of API requests 429 with Retry-After', async () => {
    const t = await inProcess({ faults: 'rate429=0.5,seed=42' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const response = await t.api('GET', '/users/me');
      statuses.push(response.status);
      if (response.status === 429) {
        expect(JSON.stringify(response.body)).toContain('too_many_requests');
        expect(response.headers.get('retry-after')).toMatch(/^[01]$/);
        expect(response.headers.get('peridio-request-id')).toBeTruthy();
      }
    }
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThan(5);
    expect(limited).toBeLessThan(35);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 200)).toBe(true);
  });

  test('latencyMs delays every request', async () => {
    const t = await inProcess({ faults: 'latencyMs=200' });
    const started = Date.now();
    expect((await t.api('GET', '/users/me')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  test('a bad SPEC is a clear error naming the bad key', async () => {
    const dataDir = await newDir();
    await expect(startTestServer({ dataDir, faults: 'part500=2' })).rejects.toThrow(/part500/);
    await expect(startTestServer({ dataDir, faults: 'explode=1' })).rejects.toThrow(/"explode"/);
    const cli = await runCli([
      'local',
      'serve',
      '--data-dir',
      dataDir,
      '--faults',
      'latencyMs=fast',
    ]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('latencyMs');
    expect(cli.stdout).toBe('');
  });
});

describe('access log', () => {
  test('one JSON line per request, without the query string', async () => {
    const logDir = await newDir();
    const accessLogPath = path.join(logDir, 'access.log');
    const t = await inProcess({ accessLogPath });
    const data = Buffer.from('hello world');
    const binary = await createBinary(t.api, data);
    const part = await createPart(t.api, binary, 1, data);
    expect((await putBytes(part.presigned_upload_url, data)).status).toBe(200);
    await t.api('GET', '/binaries?limit=5&search=target-%27x%27');
    await t.server.close();
    const lines = (await readFile(accessLogPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      expect(line).toMatchObject({
        method: expect.any(String),
        path: expect.any(String),
        status: expect.any(Number),
        bytes_in: expect.any(Number),
        bytes_out: expect.any(Number),
        ms: expect.any(Number),
        connection: expect.any(Number),
      });
      expect(line.path).not.toContain('?');
    }
    expect(lines[0].connection).toBe(1);
    const upload = lines.find((l) => l.method === 'PUT' && l.path.startsWith('/presigned/'));
    expect(upload).toMatchObject({ status: 200, bytes_in: data.length });
    expect(JSON.stringify(lines)).not.toContain('signature=');
    const list = lines.find((l) => l.method === 'GET' && l.path === '/binaries');
    expect(list.bytes_out).toBeGreaterThan(0);
  });
});

describe('process', () => {
  test('SIGTERM during an upload closes cleanly with exit 0; the part is not valid after restart', async () => {
    const dataDir = await newDir();
    const server = await spawned(['--data-dir', dataDir, '--api-key', 'k1']);
    const api = apiFor(server.url, 'k1');
    const data = content(3 * 1024 * 1024, 5);
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    const slow = startSlowUpload(part.presigned_upload_url, data, 1024 * 1024);
    await slow.written;
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toContain('stopped');
    await slow.result;
    const again = await spawned(['--data-dir', dataDir, '--api-key', 'k1']);
    const parts = await listAll(
      apiFor(again.url, 'k1'),
      `/binaries/${binary.prn}/parts`,
      'binary_parts',
    );
    expect(parts[0].state).toBe('uploadable');
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  test('restarts keep the organization; a generated key is printed once; new keys are added', async () => {
    const dataDir = await newDir();
    const first = await spawned(['--data-dir', dataDir]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.organizationPrn).toMatch(/^prn:1:[0-9a-f-]{36}$/);
    expect(first.apiKey).toBeTruthy();
    expect((await apiFor(first.url, first.apiKey!)('GET', '/users/me')).status).toBe(200);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);

    const second = await spawned(['--data-dir', dataDir, '--api-key', 'added-key']);
    expect(second.organizationPrn).toBe(first.organizationPrn);
    expect(second.apiKey).toBeUndefined();
    expect((await apiFor(second.url, 'added-key')('GET', '/users/me')).status).toBe(200);
    expect((await apiFor(second.url, first.apiKey!)('GET', '/users/me')).status).toBe(200);
    // Keys are stored as digests only.
    const database = await readFile(path.join(dataDir, 'local-peridio.sqlite'));
    expect(database.includes(Buffer.from('added-key'))).toBe(false);
    // The signing secret is readable by the owner only.
    if (process.platform !== 'win32') {
      expect((await stat(path.join(dataDir, 'presign-secret.key'))).mode & 0o777).toBe(0o600);
    }
  });

  test('a second server on the same data folder is refused with a clear error', async () => {
    const dataDir = await newDir();
    await spawned(['--data-dir', dataDir, '--api-key', 'k']);
    const second = await runCli(['local', 'serve', '--data-dir', dataDir, '--api-key', 'k']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('in use');
  });

  test('stale temp files and orphaned content are removed at start', async () => {
    const dataDir = await newDir();
    const first = await inProcess({ dataDir });
    await first.server.close();
    const strayDir = path.join(dataDir, 'content', crypto.randomUUID());
    await mkdir(strayDir, { recursive: true });
    await writeFile(path.join(strayDir, `${crypto.randomUUID()}.part`), 'junk');
    await writeFile(path.join(dataDir, 'tmp', 'half.upload'), 'junk');
    await inProcess({ dataDir });
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    expect(existsSync(strayDir)).toBe(false);
  });

  test('command-line mistakes exit 2 with a clear message', async () => {
    for (const [args, message] of [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
      [['--port', 'abc'], '--port'],
      [['--presigned-url-ttl', '0'], '--presigned-url-ttl'],
      [['extra'], 'extra'],
    ] as const) {
      const result = await runCli([
        'local',
        'serve',
        '--data-dir',
        '/nonexistent-never-created',
        ...args,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
    expect(existsSync('/nonexistent-never-created')).toBe(false);
  });
});

describe('safety', () => {
  test('path traversal in presigned paths goes nowhere', async () => {
    const t = await inProcess();
    const data = Buffer.from('hello world');
    const binary = await createBinary(t.api, data);
    const part = await createPart(t.api, binary, 1, data);
    const secretBefore = await readFile(path.join(t.dataDir, 'presign-secret.key'));
    const listing = async () => (await readdir(t.dataDir)).sort();
    const before = await listing();
    const url = new URL(part.presigned_upload_url);
    const [, , , storageId, uploadId] = url.pathname.split('/');
    const attempts = [
      `/presigned/parts/${storageId}/..%2F..%2Fpresign-secret.key`,
      `/presigned/parts/..%2F..%2F/${uploadId}`,
      `/presigned/parts/${storageId}/%2E%2E%2F%2E%2E%2F%2E%2E%2Fescaped`,
      `/presigned/parts/${storageId}%2F..%2F..%2Ftmp/${uploadId}`,
      `/presigned/binaries/..%2F..%2Fpresign-secret.key`,
    ];
    for (const attempt of attempts) {
      for (const method of ['PUT', 'GET']) {
        const response = await fetch(`${t.server.url}${attempt}${url.search}`, {
          method,
          ...(method === 'PUT' ? { body: data, headers: { 'x-amz-checksum-sha256': 'x' } } : {}),
        });
        expect([403, 404]).toContain(response.status);
        const text = await response.text();
        expect(text).not.toContain(secretBefore.toString('utf8').trim());
      }
    }
    expect(await listing()).toEqual(before);
    expect(await readFile(path.join(t.dataDir, 'presign-secret.key'))).toEqual(secretBefore);
    expect((await listAll(t.api, `/binaries/${binary.prn}/parts`, 'binary_parts'))[0].state).toBe(
      'uploadable',
    );
  });

  // Peak RSS is read from /proc, so this one runs on Linux only.
  test.skipIf(process.platform !== 'linux')(
    'a 50 MiB JSON body streamed to the server is refused with 413 without buffering it',
    async () => {
      const dataDir = await newDir();
      const server = await spawned(['--data-dir', dataDir, '--api-key', 'k']);
      const pid = server.child.pid!;
      const peakRss = async () => {
        const status = await readFile(`/proc/${pid}/status`, 'utf8');
        return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
      };
      // Warm up so the baseline includes the server's normal working set.
      for (let i = 0; i < 20; i += 1) await apiFor(server.url, 'k')('GET', '/users/me');
      const before = await peakRss();

      const total = 50 * 1024 * 1024;
      const chunk = Buffer.alloc(256 * 1024, 'x');
      const sendHuge = () =>
        new Promise<{ status?: number; body: string; sent: number }>((resolve) => {
          let sent = 0;
          let body = '';
          let status: number | undefined;
          const request = httpRequest(`${server.url}/artifacts`, {
            method: 'POST',
            headers: { authorization: 'Token k', 'content-type': 'application/json' },
          });
          request.on('response', (response) => {
            status = response.statusCode;
            response.on('data', (c: Buffer) => (body += c.toString()));
            response.on('end', () => resolve({ status, body, sent }));
          });
          // Writing on after the server closed fails with EPIPE; the 413 may still be in flight.
          request.on('error', () => setTimeout(() => resolve({ status, body, sent }), 500));
          request.write('{"name":"huge","description":"');
          const pump = () => {
            // A careless client keeps sending after the answer; the server must not keep the bytes.
            while (sent < total && !request.destroyed) {
              sent += chunk.length;
              if (!request.write(chunk)) {
                request.once('drain', pump);
                return;
              }
            }
            if (!request.destroyed) request.end('"}');
          };
          pump();
        });
      // When the server closes while unread bytes are still arriving, TCP may reset the
      // connection before the client has read the 413 (a race of the transport, most often on
      // a loaded machine): such an attempt says nothing, so it is tried again.
      let result = await sendHuge();
      for (let attempt = 1; attempt < 4 && result.status === undefined; attempt += 1) {
        result = await sendHuge();
      }
      expect(result.status).toBe(413);
      expect(result.body).toContain('larger than');
      // The server stopped reading long before the 50 MiB were sent.
      expect(result.sent).toBeLessThan(total);
      // A declared length over the limit is refused before any of the body is read.
      const declared = await new Promise<number | undefined>((resolve) => {
        const request = httpRequest(`${server.url}/artifacts`, {
          method: 'POST',
          headers: {
            authorization: 'Token k',
            'content-type': 'application/json',
            'content-length': total,
          },
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode);
          request.destroy();
        });
        request.on('error', () => resolve(undefined));
        request.write(chunk);
      });
      expect(declared).toBe(413);
      const growth = (await peakRss()) - before;
      expect(growth).toBeLessThan(20 * 1024 * 1024);
      const artifacts = await listAll(apiFor(server.url, 'k'), '/artifacts', 'artifacts');
      expect(artifacts).toEqual([]);
    },
  );
});
