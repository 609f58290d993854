// The bandwidth cap, measured where the bytes arrive: a proxy in front of the real server
// notes when each piece of every part PUT reached it, and the rate is taken from the first
// byte to the last. The caps are far below what loopback carries, so the machine's load can
// only slow the upload a little, never lift it over the cap: the cap is an upper bound, and
// no more than 10 % under it says the pacing wastes nothing. Waiting for the cap is not a
// stall, and a capped connection that really stops moving is still cut.
import { afterEach, describe, expect, it } from 'vitest';
import {
  SharedRateLimit,
  UploadWorker,
  type HashedFile,
  type PartRetryNotice,
} from '../../../src-main/upload/index.js';
import { waitFor } from '../local-peridio/helpers.js';
import {
  arrivalRate,
  expectWithinTenPercent,
  startPresignedProxy,
  type PresignedProxy,
  type PutTreatment,
} from './presigned-proxy.js';
import { MiB, partStates, startUploadWorkspace, type UploadWorkspace } from './upload-fixtures.js';

let ws: UploadWorkspace;
let proxy: PresignedProxy;
const workers: UploadWorker[] = [];

async function setUp(treat: (putNumber: number) => PutTreatment = () => ({ kind: 'pass' })) {
  proxy = await startPresignedProxy(treat);
  ws = await startUploadWorkspace({ publicUrl: proxy.url });
  proxy.forwardTo(ws.server.url);
}

function startWorker(rateLimit: SharedRateLimit): UploadWorker {
  const worker = UploadWorker.start({ name: 'rate-test', rateLimit });
  workers.push(worker);
  return worker;
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  await proxy.close();
  await ws.stop();
});

async function hashedFile(worker: UploadWorker, name: string, size: number): Promise<HashedFile> {
  const { path } = await ws.writeFile(name, size);
  return worker.hash(path);
}

function uploadAll(
  worker: UploadWorker,
  file: HashedFile,
  binaryPrn: string,
  retries: PartRetryNotice[] = [],
) {
  return worker.upload(
    {
      connection: { ...ws.connection, baseUrl: proxy.url },
      binaryPrn,
      file,
      indices: file.parts.map((part) => part.index),
      concurrency: 4,
    },
    { onRetry: (notice) => retries.push(notice) },
  );
}

describe('the bandwidth cap', () => {
  it('keeps the parts in flight together within 10 % of the cap', async () => {
    await setUp();
    const cap = 8_000_000;
    const limit = new SharedRateLimit();
    limit.setBytesPerSecond(cap);
    const worker = startWorker(limit);
    const file = await hashedFile(worker, 'capped.bin', 24 * MiB);
    expect(file.parts).toHaveLength(3);
    const binary = await ws.createBinary(file);

    await uploadAll(worker, file, binary.prn);

    // Three parts at once, one cap: 24 MiB at 8 MB/s is about 3.1 s.
    expectWithinTenPercent(arrivalRate(proxy.arrived), cap);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid', '3:valid']);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('holds for the sum of uploads in different worker threads', async () => {
    await setUp();
    const cap = 8_000_000;
    const limit = new SharedRateLimit();
    limit.setBytesPerSecond(cap);
    const uploads = await Promise.all(
      ['first.bin', 'second.bin'].map(async (name) => {
        const worker = startWorker(limit);
        const file = await hashedFile(worker, name, 12 * MiB);
        return { worker, file, binary: await ws.createBinary(file) };
      }),
    );

    await Promise.all(
      uploads.map(({ worker, file, binary }) => uploadAll(worker, file, binary.prn)),
    );

    expectWithinTenPercent(arrivalRate(proxy.arrived), cap);
    for (const { binary } of uploads) {
      expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid']);
    }
  });

  it('follows a change of the cap in running PUTs within a second, up and down', async () => {
    await setUp();
    const limit = new SharedRateLimit();
    limit.setBytesPerSecond(4_000_000);
    const worker = startWorker(limit);
    const file = await hashedFile(worker, 'changed.bin', 32 * MiB);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    const upload = uploadAll(worker, file, binary.prn, retries);
    const first = await waitFor('the first bytes', async () => proxy.arrived[0]?.at, Boolean);
    const at = (ms: number) =>
      new Promise((resolve) => setTimeout(resolve, first! + ms - performance.now()));
    await at(1250);
    const raised = performance.now();
    limit.setBytesPerSecond(16_000_000);
    await at(2500);
    const lowered = performance.now();
    limit.setBytesPerSecond(4_000_000);
    await upload;

    // Each window opens 250 ms after the change: by then the new cap is all that shows. The
    // last one closes a second later, while the upload still runs (about 0.9 s more).
    expectWithinTenPercent(arrivalRate(proxy.arrived, first! + 100, raised), 4_000_000);
    expectWithinTenPercent(arrivalRate(proxy.arrived, raised + 250, lowered), 16_000_000);
    expectWithinTenPercent(arrivalRate(proxy.arrived, lowered + 250, lowered + 1250), 4_000_000);
    expect(proxy.arrived.at(-1)!.at).toBeGreaterThan(lowered + 1250);
    // The same PUTs went on at the new rate: none was cut or sent again.
    expect(retries).toEqual([]);
    expect(proxy.puts).toHaveLength(file.parts.length);
    expect(partStates(await ws.parts(binary.prn))).toEqual([
      '1:valid',
      '2:valid',
      '3:valid',
      '4:valid',
    ]);
  });

  it('does not take waiting for the cap for a stalled connection', async () => {
    await setUp();
    const limit = new SharedRateLimit();
    limit.setBytesPerSecond(1_000_000);
    const worker = startWorker(limit);
    const file = await hashedFile(worker, 'waits-its-turn.bin', 512 * 1024);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];
    // Another upload holds the next second of the cap: this PUT waits three stall timeouts.
    limit.reserve(1_000_000);
    const started = performance.now();

    await worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1],
        stallTimeoutMs: 300,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(retries).toEqual([]);
    expect(proxy.puts).toHaveLength(1);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid']);
  });

  it('still cuts a capped PUT whose connection stopped moving, and sends it again', async () => {
    await setUp((n) => (n === 1 ? { kind: 'stall' } : { kind: 'pass' }));
    const limit = new SharedRateLimit();
    limit.setBytesPerSecond(8_000_000);
    const worker = startWorker(limit);
    const file = await hashedFile(worker, 'capped-and-stalled.bin', 8 * MiB);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    await worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1],
        stallTimeoutMs: 400,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    expect(retries).toMatchObject([{ partIndex: 1, reason: 'stalled' }]);
    expect(proxy.puts.map((put) => put.treatment.kind)).toEqual(['stall', 'pass']);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid']);
  });
});
