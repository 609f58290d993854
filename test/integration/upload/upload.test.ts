// Uploading a file's parts through the worker to the real local server over HTTP: the whole
// way to `signable` with the right content, a resume, files that changed after hashing, and a
// refusal from the Admin API.
import { open, rm, utimes, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UploadWorker,
  type HashedPart,
  type TransferProgress,
} from '../../../src-main/upload/index.js';
import {
  MiB,
  partStates,
  startUploadWorkspace,
  uploadFailure,
  type UploadWorkspace,
} from './upload-fixtures.js';

let ws: UploadWorkspace;
let worker: UploadWorker;

beforeAll(async () => {
  ws = await startUploadWorkspace();
  worker = UploadWorker.start({ name: 'upload-test' });
});

afterAll(async () => {
  await worker.terminate();
  await ws.stop();
});

describe('a multi-part upload', () => {
  it('sends every part, and the server joins them into the file as it was', async () => {
    const { path, data } = await ws.writeFile('firmware.bin', 20 * MiB + 4321);
    const file = await worker.hash(path);
    expect(file.parts).toHaveLength(3);
    const binary = await ws.createBinary(file);

    const done: HashedPart[] = [];
    const progress: TransferProgress[] = [];
    await worker.upload(
      { connection: ws.connection, binaryPrn: binary.prn, file, indices: [1, 2, 3] },
      { onPartDone: (part) => done.push(part), onProgress: (p) => progress.push(p) },
    );

    expect(done.map((part) => part.index).sort()).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toMatchObject({ phase: 'uploading', bytesDone: data.length });
    const parts = await ws.parts(binary.prn);
    expect(partStates(parts)).toEqual(['1:valid', '2:valid', '3:valid']);
    expect(parts.map((part) => part.hash)).toEqual(file.parts.map((part) => part.sha256));

    const finished = await ws.finish(binary.prn);
    expect(finished.state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);

    // Parts can only be sent while the binary is uploadable: the server's refusal is final.
    const refusal = await uploadFailure(
      worker.upload({ connection: ws.connection, binaryPrn: binary.prn, file, indices: [1] }),
    );
    expect(refusal.code).toBe('server_refused');
    expect(refusal.retryable).toBe(false);
    expect(refusal.message).toContain('uploadable');
    expect(refusal.details).toMatchObject({ partIndex: 1, status: 422, path });
    expect(refusal.details.requestId).toEqual(expect.any(String));
  });

  it('resumes: the parts sent later complete the binary', async () => {
    const { path } = await ws.writeFile('resume.bin', 3 * 8 * MiB + 77);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const task = { connection: ws.connection, binaryPrn: binary.prn, file };

    await worker.upload({ ...task, indices: [1, 3] });
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid', '3:valid']);

    const missing = (await ws.parts(binary.prn)).filter((part) => part.state === 'valid');
    const indices = file.parts
      .map((part) => part.index)
      .filter((index) => !missing.some((part) => part.index === index));
    const progress: TransferProgress[] = [];
    await worker.upload({ ...task, indices }, { onProgress: (p) => progress.push(p) });
    // A resume counts what is already on the server as done.
    expect(progress[0]!.bytesDone).toBe(file.size - file.parts[1]!.size - file.parts[3]!.size);
    expect(partStates(await ws.parts(binary.prn))).toEqual([
      '1:valid',
      '2:valid',
      '3:valid',
      '4:valid',
    ]);
    expect((await ws.finish(binary.prn)).state).toBe('signable');
    expect(await ws.downloadedHash(binary.prn)).toBe(file.sha256);
  });

  it('lets an empty file through with no parts', async () => {
    const { path } = await ws.writeFile('empty.bin', 0);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    await worker.upload({ connection: ws.connection, binaryPrn: binary.prn, file, indices: [] });
    expect((await ws.finish(binary.prn)).state).toBe('signable');
  });
});

describe('a file that changed after it was hashed', () => {
  it('fails before any part is declared when its size or time changed', async () => {
    const { path } = await ws.writeFile('touched.bin', 9 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    await utimes(path, new Date(), new Date(file.mtimeMs + 5000));

    const error = await uploadFailure(
      worker.upload({ connection: ws.connection, binaryPrn: binary.prn, file, indices: [1, 2] }),
    );
    expect(error.code).toBe('file_changed');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(path);
    expect(await ws.parts(binary.prn)).toEqual([]);
  });

  it('never sends a part whose bytes changed, even with size and time put back', async () => {
    const { path } = await ws.writeFile('edited.bin', 20 * MiB);
    const fixedTime = new Date(1_700_000_000_000);
    await utimes(path, fixedTime, fixedTime);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from('patched in place'), 0, 16, 9 * MiB);
    await handle.close();
    await utimes(path, fixedTime, fixedTime);

    const error = await uploadFailure(
      worker.upload({
        connection: ws.connection,
        binaryPrn: binary.prn,
        file,
        indices: [1, 2, 3],
        concurrency: 1,
        // Were the changed part sent, the server would refuse its checksum: fail fast then.
        retryDelaysMs: [0, 10],
      }),
    );
    expect(error.code).toBe('file_changed');
    expect(error.details).toMatchObject({ path, partIndex: 2 });
    // Part 1 was unchanged and went; part 2 was never declared, so the server holds nothing
    // that mixes old and new content.
    expect(partStates(await ws.parts(binary.prn))).toEqual(['1:valid']);
  });

  it('reports a file emptied after hashing as changed, and one deleted as missing', async () => {
    const { path } = await ws.writeFile('deleted.bin', 1 * MiB);
    const file = await worker.hash(path);
    const binary = await ws.createBinary(file);
    await writeFile(path, ''); // emptied: changed, not yet gone
    const changed = await uploadFailure(
      worker.upload({ connection: ws.connection, binaryPrn: binary.prn, file, indices: [1] }),
    );
    expect(changed.code).toBe('file_changed');
    await rm(path);
    const missing = await uploadFailure(
      worker.upload({ connection: ws.connection, binaryPrn: binary.prn, file, indices: [1] }),
    );
    expect(missing.code).toBe('file_missing');
    expect(missing.details).toMatchObject({ path, reason: 'ENOENT' });
  });
});
