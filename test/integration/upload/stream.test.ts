// A new binary's content hashed and sent in one read of the file: the hashes it declares are
// the file's, the server joins the parts into the file as it was, retries keep the content
// right, and a file changed while it streams fails instead of declaring mixed content.
import { stat, utimes } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadWorker, type PartRetryNotice } from '../../../src-main/upload/index.js';
import { PENDING_CONTENT_HASH } from '../../../src-main/workflow/index.js';
import {
  MiB,
  partStates,
  startUploadWorkspace,
  uploadFailure,
  type UploadWorkspace,
} from './upload-fixtures.js';

let ws: UploadWorkspace | undefined;
let worker: UploadWorker | undefined;

afterEach(async () => {
  await worker?.terminate();
  await ws?.stop();
  worker = undefined;
  ws = undefined;
});

async function streamed(size: number, options: { faults?: string; name?: string } = {}) {
  ws = await startUploadWorkspace(options.faults ? { faults: options.faults } : {});
  worker = UploadWorker.start({ name: 'stream-test' });
  const { path } = await ws.writeFile(options.name ?? 'stream.bin', size);
  const binary = await ws.createBinary({ sha256: PENDING_CONTENT_HASH, size });
  return { path, binary, ws, worker };
}

describe('streaming a file to a new binary', () => {
  it('declares the hashes a separate hash pass finds, and the server holds the file', async () => {
    const { path, binary, ws, worker } = await streamed(4 * 8 * MiB + 123);
    const { size, mtimeMs } = await stat(path);
    const progress: number[] = [];

    const file = await worker.stream(
      { connection: ws.connection, binaryPrn: binary.prn, file: { path, size, mtimeMs } },
      { onProgress: (p) => progress.push(p.bytesDone) },
    );

    expect(file).toEqual(await worker.hash(path));
    expect(progress.at(-1)).toBe(size);
    const parts = await ws.parts(binary.prn);
    expect(partStates(parts)).toEqual(['1:valid', '2:valid', '3:valid', '4:valid', '5:valid']);
    expect(parts.map((part) => part.hash)).toEqual(file.parts.map((part) => part.sha256));
    await ws.client.binaries.update(binary.prn, { hash: file.sha256 });
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('keeps the content right through failing and dropped part PUTs', async () => {
    const { path, binary, ws, worker } = await streamed(5 * 8 * MiB - 1000, {
      faults: 'part500=0.2,partDrop=0.2,seed=5',
    });
    const { size, mtimeMs } = await stat(path);
    const retries: PartRetryNotice[] = [];

    const file = await worker.stream(
      {
        connection: ws.connection,
        binaryPrn: binary.prn,
        file: { path, size, mtimeMs },
        retryDelaysMs: [0, 20, 50, 100],
      },
      { onRetry: (notice) => retries.push(notice) },
    );

    expect(retries.length).toBeGreaterThan(0);
    expect(file.sha256).toBe((await worker.hash(path)).sha256);
    await ws.client.binaries.update(binary.prn, { hash: file.sha256 });
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('fails with file_changed, declaring nothing more, when the file changes under it', async () => {
    const { path, binary, ws, worker } = await streamed(6 * 8 * MiB, {
      faults: 'latencyMs=150',
    });
    const { size, mtimeMs } = await stat(path);
    let touched = false;

    const error = await uploadFailure(
      worker.stream(
        {
          connection: ws.connection,
          binaryPrn: binary.prn,
          file: { path, size, mtimeMs },
          concurrency: 1,
        },
        {
          onPartDone: () => {
            if (touched) return;
            touched = true;
            void utimes(path, new Date(), new Date(mtimeMs + 5000));
          },
        },
      ),
    );

    expect(error.code).toBe('file_changed');
    expect(error.message).toContain(path);
    // The part that was read before the change went; no later part was declared.
    expect(partStates(await ws.parts(binary.prn)).length).toBeLessThan(6);
  });
});
