// Kill -9 at awkward moments: the spawned `local serve` process dies mid-part-upload and
// mid-hashing; after a restart on the same data folder nothing half-written counts as valid
// and hashing resumes on its own.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import {
  PART_MIN,
  apiFor,
  content,
  createBinary,
  createPart,
  listAll,
  putBytes,
  spawnServer,
  startSlowUpload,
  tempDir,
  waitFor,
  type SpawnedServer,
} from './helpers.js';

const KEY = 'durability-key';
const running: SpawnedServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null)
      server.child.kill('SIGKILL');
    await server.exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function serve(dataDir: string, ...extra: string[]): Promise<SpawnedServer> {
  const server = await spawnServer(['--data-dir', dataDir, '--api-key', KEY, ...extra]);
  running.push(server);
  return server;
}

async function killHard(server: SpawnedServer): Promise<void> {
  server.child.kill('SIGKILL');
  const exit = await server.exited;
  expect(exit.signal).toBe('SIGKILL');
}

describe('kill -9', () => {
  test('mid-part-upload: after a restart the half-sent part is not valid; re-upload and finish', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const first = await serve(dataDir);
    const api = apiFor(first.url, KEY);
    const data = content(PART_MIN + 4096, 21);
    const binary = await createBinary(api, data);
    const head = data.subarray(0, PART_MIN);
    const tail = data.subarray(PART_MIN);
    const part1 = await createPart(api, binary, 1, head);
    const part2 = await createPart(api, binary, 2, tail);
    expect((await putBytes(part2.presigned_upload_url, tail)).status).toBe(200);

    const slow = startSlowUpload(part1.presigned_upload_url, head, 2 * 1024 * 1024);
    await slow.written;
    // The server streams to a temp file while the body arrives.
    await waitFor(
      'the upload to reach a temp file',
      () => readdir(path.join(dataDir, 'tmp')),
      (files) => files.length === 1,
    );
    await killHard(first);
    expect((await slow.result).status).toBeUndefined();

    const second = await serve(dataDir);
    expect(second.organizationPrn).toBe(first.organizationPrn);
    const api2 = apiFor(second.url, KEY);
    const parts = await listAll(api2, `/binaries/${binary.prn}/parts`, 'binary_parts');
    expect(parts.map((p) => [p.index, p.state])).toEqual([
      [1, 'uploadable'],
      [2, 'valid'],
    ]);
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    expect((await api2('GET', `/binaries/${binary.prn}`)).body.binary.bytes_uploaded).toBe(
      tail.length,
    );
    expect((await api2('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' })).status).toBe(
      422,
    );

    // The URL from before the crash still works: the signing secret survived. Its host:port
    // was the old process's, so point it at the new one.
    const url = new URL(part1.presigned_upload_url);
    const again = new URL(`${url.pathname}${url.search}`, second.url).toString();
    expect((await putBytes(again, head)).status).toBe(200);
    expect((await api2('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' })).status).toBe(
      200,
    );
    expect((await api2('PATCH', `/binaries/${binary.prn}`, { state: 'hashing' })).status).toBe(200);
    const done = await waitFor(
      'signable',
      () => api2('GET', `/binaries/${binary.prn}`),
      (r) => r.body.binary.state !== 'hashing',
    );
    expect(done.body.binary.state).toBe('signable');
  });

  test('during hashing: after a restart the binary reaches signable on its own', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const first = await serve(dataDir, '--faults', 'hashDelayMs=5000');
    const api = apiFor(first.url, KEY);
    const data = content(PART_MIN + 100, 22);
    const binary = await createBinary(api, data);
    for (const [index, bytes] of [
      [1, data.subarray(0, PART_MIN)],
      [2, data.subarray(PART_MIN)],
    ] as const) {
      const part = await createPart(api, binary, index, bytes);
      expect((await putBytes(part.presigned_upload_url, bytes)).status).toBe(200);
    }
    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' })).status).toBe(200);
    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashing' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await api('GET', `/binaries/${binary.prn}`)).body.binary.state).toBe('hashing');
    await killHard(first);

    const second = await serve(dataDir);
    const api2 = apiFor(second.url, KEY);
    const done = await waitFor(
      'hashing to resume and finish',
      () => api2('GET', `/binaries/${binary.prn}`),
      (r) => r.body.binary.state !== 'hashing',
      15_000,
    );
    expect(done.body.binary.state).toBe('signable');
    expect(second.stderr()).toContain('resumed hashing');
  });
});
