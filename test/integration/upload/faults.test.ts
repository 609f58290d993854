// Uploads through a bad network and a struggling server: failing and dropped part PUTs, an
// Admin API that answers 503 and 429, and presigned URLs that expire before they are used
// (renewed without counting a failure, unless every fresh one is dead on arrival).
// Every case must end with the server holding exactly the file's bytes.
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadWorker, type PartRetryNotice } from '../../../src-main/upload/index.js';
import { startPresignedProxy, type PresignedProxy } from './presigned-proxy.js';
import { MiB, partStates, startUploadWorkspace, type UploadWorkspace } from './upload-fixtures.js';

/** Short waits keep the suite quick; the policy (which failures retry) is the real one. */
const FAST_RETRIES = [0, 20, 50, 100];

let ws: UploadWorkspace | undefined;
let worker: UploadWorker | undefined;
let proxy: PresignedProxy | undefined;
let accessLogPath: string | undefined;

/** A new access log for this test's server. */
function accessLog(): string {
  accessLogPath = join(tmpdir(), `faults-access-${process.pid}-${Date.now()}.log`);
  return accessLogPath;
}

/** The statuses the server answered part PUTs with, in order. */
async function partPutStatuses(): Promise<number[]> {
  const lines = (await readFile(accessLogPath!, 'utf8')).split('\n').filter(Boolean);
  return lines
    .map((line) => JSON.parse(line) as { method: string; path: string; status: number })
    .filter((entry) => entry.method === 'PUT' && entry.path.startsWith('/presigned/parts/'))
    .map((entry) => entry.status);
}

afterEach(async () => {
  await worker?.terminate();
  await proxy?.close();
  await ws?.stop();
  if (accessLogPath) await rm(accessLogPath, { force: true });
  worker = undefined;
  proxy = undefined;
  ws = undefined;
  accessLogPath = undefined;
});

describe('an upload through faults', () => {
  it('completes with the right content when part PUTs fail (500) and connections drop', async () => {
    ws = await startUploadWorkspace({ faults: 'part500=0.2,partDrop=0.2,seed=3' });
    worker = UploadWorker.start({ name: 'faults-test' });
    const { path } = await ws.writeFile('flaky.bin', 5 * 8 * MiB - 1000);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    await worker.upload(
      {
        connection: ws.connection,
        binaryPrn: binary.prn,
        file,
        indices: file.parts.map((part) => part.index),
        retryDelaysMs: FAST_RETRIES,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    const reasons = new Set(retries.map((notice) => notice.reason));
    expect(reasons).toContain('server_error');
    expect(reasons).toContain('network');
    expect(partStates(await ws.parts(binary.prn))).toEqual([
      '1:valid',
      '2:valid',
      '3:valid',
      '4:valid',
      '5:valid',
    ]);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('waits out an Admin API that answers 503 and 429 to part creates', async () => {
    ws = await startUploadWorkspace({ faults: 'api503=0.3,rate429=0.2,seed=1' });
    worker = UploadWorker.start({ name: 'api-faults-test' });
    const { path } = await ws.writeFile('busy-api.bin', 20 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    await worker.upload(
      {
        connection: ws.connection,
        binaryPrn: binary.prn,
        file,
        indices: [1, 2, 3],
        retryDelaysMs: FAST_RETRIES,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    expect(retries.some((notice) => notice.reason === 'api_unavailable')).toBe(true);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid', '3:valid']);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('renews a URL that expired while its PUT was held, without counting a failure', async () => {
    // The first part PUT is held 1.5 s before it reaches the server: its URL is dead by then.
    proxy = await startPresignedProxy((n) =>
      n === 1 ? { kind: 'delay', ms: 1500 } : { kind: 'pass' },
    );
    ws = await startUploadWorkspace({
      presignedUrlTtlSeconds: 1,
      accessLogPath: accessLog(),
      publicUrl: proxy.url,
    });
    proxy.forwardTo(ws.server.url);
    worker = UploadWorker.start({ name: 'expiry-test' });
    const { path } = await ws.writeFile('slow-start.bin', 9 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    await worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1, 2],
        concurrency: 1,
        retryDelaysMs: FAST_RETRIES,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    expect(retries).toEqual([
      {
        partIndex: 1,
        attempt: 0,
        delayMs: 0,
        reason: 'url_expired',
        message: expect.stringContaining('Request has expired'),
        renewUrl: true,
        counted: false,
      },
    ]);
    // Part 1 was refused once, then each part was stored once.
    expect(await partPutStatuses()).toEqual([403, 200, 200]);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid']);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('renews a URL that expired while the link was down, counting only the outage', async () => {
    // The link goes down as part 1's first PUT leaves and stays down past its URL's lifetime;
    // the part keeps its URL across those network failures, as it should for a short outage.
    let linkBackAt: number | undefined;
    proxy = await startPresignedProxy(() => {
      linkBackAt ??= Date.now() + 1500;
      return Date.now() < linkBackAt ? { kind: 'drop' } : { kind: 'pass' };
    });
    ws = await startUploadWorkspace({
      presignedUrlTtlSeconds: 1,
      accessLogPath: accessLog(),
      publicUrl: proxy.url,
    });
    proxy.forwardTo(ws.server.url);
    worker = UploadWorker.start({ name: 'outage-expiry-test' });
    const { path } = await ws.writeFile('outage.bin', 9 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    await worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1, 2],
        concurrency: 1,
        retryDelaysMs: FAST_RETRIES,
        maxAttemptsPerPart: 20,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    const outage = retries.filter((notice) => notice.counted);
    expect(outage.length).toBeGreaterThan(0);
    for (const notice of outage) {
      expect(notice).toMatchObject({ partIndex: 1, reason: 'network', renewUrl: false });
    }
    // Last, once the link was back: the expired URL, renewed at once and not counted.
    expect(retries.slice(outage.length)).toEqual([
      expect.objectContaining({
        partIndex: 1,
        attempt: outage.at(-1)!.attempt,
        delayMs: 0,
        reason: 'url_expired',
        counted: false,
      }),
    ]);
    expect(await partPutStatuses()).toEqual([403, 200, 200]);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid']);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('gives up, naming the clock, when every fresh URL has expired before it is used', async () => {
    // Every PUT arrives after its URL's lifetime, as when the server's clock runs ahead.
    proxy = await startPresignedProxy(() => ({ kind: 'delay', ms: 1100, oneRequest: true }));
    ws = await startUploadWorkspace({ presignedUrlTtlSeconds: 1, publicUrl: proxy.url });
    proxy.forwardTo(ws.server.url);
    worker = UploadWorker.start({ name: 'dead-urls-test' });
    const { path } = await ws.writeFile('never.bin', 1 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const retries: PartRetryNotice[] = [];

    const upload = worker.upload(
      {
        connection: { ...ws.connection, baseUrl: proxy.url },
        binaryPrn: binary.prn,
        file,
        indices: [1],
        retryDelaysMs: FAST_RETRIES,
        maxAttemptsPerPart: 3,
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    await expect(upload).rejects.toMatchObject({
      code: 'part_rejected',
      retryable: false,
      message: expect.stringContaining("Check that this computer's clock is right"),
    });
    expect(retries.map((notice) => [notice.reason, notice.counted, notice.attempt])).toEqual([
      ['url_expired', false, 0],
      ['url_expired', true, 1],
      ['url_expired', true, 2],
    ]);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:uploadable']);
  });
});
