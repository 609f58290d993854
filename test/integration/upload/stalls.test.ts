// Connections that stop moving are cut and retried; connections that move slowly are left
// alone; and a cancelled upload stops at once. The proxy in front of the real server plays
// the bad network.
import { afterEach, describe, expect, it } from 'vitest';
import { UploadWorker, type PartRetryNotice } from '../../../src-main/upload/index.js';
import { waitFor } from '../local-peridio/helpers.js';
import { startPresignedProxy, type PresignedProxy, type PutTreatment } from './presigned-proxy.js';
import {
  MiB,
  partStates,
  startUploadWorkspace,
  uploadFailure,
  type UploadWorkspace,
} from './upload-fixtures.js';

let ws: UploadWorkspace;
let worker: UploadWorker;
let proxy: PresignedProxy;

async function setUp(treat: (putNumber: number) => PutTreatment): Promise<void> {
  proxy = await startPresignedProxy(treat);
  ws = await startUploadWorkspace({ publicUrl: proxy.url });
  proxy.forwardTo(ws.server.url);
  worker = UploadWorker.start({ name: 'stall-test' });
}

afterEach(async () => {
  await worker.terminate();
  await proxy.close();
  await ws.stop();
});

describe('stall detection', () => {
  it('cuts a PUT whose bytes stopped moving after stallTimeoutMs and sends it again', async () => {
    await setUp((n) => (n === 1 ? { kind: 'stall' } : { kind: 'pass' }));
    const { path } = await ws.writeFile('stalls-once.bin', 9 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const retries: (PartRetryNotice & { afterMs: number })[] = [];
    const started = performance.now();

    await worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1, 2],
        concurrency: 1,
        stallTimeoutMs: 400,
      },
      { onRetry: (notice) => retries.push({ ...notice, afterMs: performance.now() - started }) },
    );

    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ partIndex: 1, reason: 'stalled', renewUrl: false });
    expect(retries[0]!.afterMs).toBeGreaterThanOrEqual(400);
    expect(retries[0]!.afterMs).toBeLessThan(3000);
    // The retry opened a new connection; part 2 followed on it (kept alive).
    expect(proxy.puts.map((put) => put.treatment.kind)).toEqual(['stall', 'pass']);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid']);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('gives up on a server that never answers with a retryable network error', async () => {
    await setUp(() => ({ kind: 'stall' }));
    const { path } = await ws.writeFile('never-answered.bin', 1 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);

    const error = await uploadFailure(
      worker.upload({
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1],
        stallTimeoutMs: 200,
        maxAttemptsPerPart: 2,
        retryDelaysMs: [0],
      }),
    );
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ partIndex: 1, attempts: 2, path });
    expect(error.message).toContain('no bytes moved for 200 ms');
    expect(proxy.puts).toHaveLength(2);
  });

  it('never cuts a slow upload that keeps moving', async () => {
    await setUp(() => ({ kind: 'throttle', bytesPerSecond: 12 * MiB }));
    const { path } = await ws.writeFile('slow-link.bin', 24 * MiB);
    const file = await worker.hash(path, { partSize: 24 * MiB });
    expect(file.parts).toHaveLength(1);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];
    const started = performance.now();

    await worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1],
        stallTimeoutMs: 500,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    // Far longer than the stall timeout, yet one PUT did it all.
    expect(performance.now() - started).toBeGreaterThan(1500);
    expect(retries).toEqual([]);
    expect(proxy.puts).toHaveLength(1);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid']);
  });
});

describe('cancelling', () => {
  it('stops every part at once when the signal aborts', async () => {
    await setUp(() => ({ kind: 'throttle', bytesPerSecond: 6 * MiB }));
    const { path } = await ws.writeFile('cancelled.bin', 20 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const controller = new AbortController();
    let abortedAt = 0;
    const upload = worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1, 2, 3],
      },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          // Once all three PUTs are on their way (a loaded machine may start the last late).
          if (progress.bytesDone > 1 * MiB && proxy.puts.length === 3 && abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      },
    );

    const error = await uploadFailure(upload);
    expect(error.code).toBe('aborted');
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(proxy.puts).toHaveLength(3);
    // Every PUT connection was closed by the uploader, not left to trickle on.
    await waitFor(
      'the PUT connections to close',
      async () => proxy.puts.map((put) => put.closedAt),
      (closed) => closed.every((at) => at !== undefined),
      1500,
    );
    expect((await ws.parts(binary.prn)).filter((part) => part.state === 'valid')).toEqual([]);
    // The worker is still there for the next job.
    await expect(worker.hash(path)).resolves.toMatchObject({ sha256: file.sha256 });
  });
});
