// The reason the transfer lives in a worker thread: while 64 MiB are hashed and uploaded, the
// main thread's event loop stays free and hears from the worker at most ~10 times a second.
// The server runs in its own process here, so the main thread holds nothing but our side.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PeridioClient, type BinaryPart } from '../../../src-main/peridio/index.js';
import { UploadWorker } from '../../../src-main/upload/index.js';
import { spawnServer, tempDir, unique, type SpawnedServer } from '../local-peridio/helpers.js';
import { MiB, partStates } from './upload-fixtures.js';

const API_KEY = 'responsiveness-test-key';

let dataDir: string;
let server: SpawnedServer;
let client: PeridioClient;
let worker: UploadWorker;

beforeAll(async () => {
  dataDir = await tempDir('upload-responsive-');
  server = await spawnServer(['--data-dir', dataDir, '--api-key', API_KEY]);
  client = new PeridioClient({ baseUrl: server.url, apiKey: API_KEY });
  worker = UploadWorker.start({ name: 'responsiveness-test' });
});

afterAll(async () => {
  await worker.terminate();
  client.close();
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
});

/** The most messages that arrived within any one second. */
function busiestSecond(times: readonly number[]): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

it('keeps the main event loop free during a 64 MiB hash and upload', async () => {
  const file = path.join(dataDir, 'big.bin');
  await writeFile(file, randomBytes(64 * MiB));
  const artifact = await client.artifacts.create({ name: unique('firmware') });
  const version = await client.artifactVersions.create({
    artifact_prn: artifact.prn,
    version: unique('v'),
  });
  const messages: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();

  const hashed = await worker.hash(file, { onProgress: () => messages.push(performance.now()) });
  const binary = await client.binaries.create({
    artifact_version_prn: version.prn,
    target: unique('target'),
    hash: hashed.sha256,
    size: hashed.size,
  });
  await worker.upload(
    {
      connection: { baseUrl: server.url, apiKey: API_KEY },
      binaryPrn: binary.prn,
      file: hashed,
      indices: hashed.parts.map((part) => part.index),
    },
    { onProgress: () => messages.push(performance.now()) },
  );
  delay.disable();

  const parts: BinaryPart[] = [];
  for await (const part of client.binaryParts.listAll(binary.prn)) parts.push(part);
  expect(partStates(parts.sort((a, b) => a.index - b.index))).toEqual(
    hashed.parts.map((part) => `${part.index}:valid`),
  );
  expect(delay.percentile(99) / 1e6).toBeLessThan(100);
  expect(messages.length).toBeGreaterThanOrEqual(2);
  // 10 a second per transfer, plus the final message of each of the two.
  expect(busiestSecond(messages)).toBeLessThanOrEqual(12);
});
