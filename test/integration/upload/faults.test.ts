// Uploads through a bad network and a struggling server: failing and dropped part PUTs, an
// Admin API that answers 503 and 429, and presigned URLs that expire before they are used.
// Every case must end with the server holding exactly the file's bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { UploadWorker, type PartRetryNotice } from '../../../src-main/upload/index.js';
import { startPresignedProxy, type PresignedProxy } from './presigned-proxy.js';
import { MiB, partStates, startUploadWorkspace, type UploadWorkspace } from './upload-fixtures.js';

/** Short waits keep the suite quick; the policy (which failures retry) is the real one. */
const FAST_RETRIES = [0, 20, 50, 100];

let ws: UploadWorkspace | undefined;
let worker: UploadWorker | undefined;
let proxy: PresignedProxy | undefined;

afterEach(async () => {
  await worker?.terminate();
  await proxy?.close();
  await ws?.stop();
  worker = undefined;
  proxy = undefined;
  ws = undefined;
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

  it('asks for a new URL when the presigned one has expired (403), and completes', async () => {
    ws = await startUploadWorkspace({ presignedUrlTtlSeconds: 1 });
    // The first part PUT is held 1.5 s before it reaches the server: its URL is dead by then.
    proxy = await startPresignedProxy(ws.server.url, (n) =>
      n === 1 ? { kind: 'delay', ms: 1500 } : { kind: 'pass' },
    );
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
      expect.objectContaining({
        partIndex: 1,
        reason: 'url_refused',
        renewUrl: true,
        message: expect.stringContaining('expired'),
      }),
    ]);
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '2:valid']);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });
});
