// A malformed transfer task is a TypeError (or RangeError) at the caller, saying what is wrong, before
// anything reaches the worker thread: for a stream (a file not hashed yet) as for an upload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadWorker, type StreamTask } from '../../../src-main/upload/index.js';

const BINARY =
  'prn:1:5a8f013f-39bf-4db2-8f0e-64e4b25e3b36:binary:2a5db702-873b-4ccd-bef0-7428fe9ac31b';
const valid: StreamTask = {
  connection: { baseUrl: 'http://127.0.0.1:1', apiKey: 'key' },
  binaryPrn: BINARY,
  file: { path: '/builds/firmware.img', size: 20, mtimeMs: 1 },
};

let worker: UploadWorker;
beforeAll(() => {
  worker = UploadWorker.start({ name: 'task-test' });
});
afterAll(async () => {
  await worker.terminate();
});

describe('a stream task', () => {
  it.each([
    ['no file path', { ...valid, file: { ...valid.file, path: '' } }, /file\.path/],
    ['a negative size', { ...valid, file: { ...valid.file, size: -1 } }, /file\.size/],
    ['no modification time', { ...valid, file: { path: 'f', size: 1 } }, /file\.mtimeMs/],
    [
      'a PRN of another kind',
      { ...valid, binaryPrn: BINARY.replace('binary', 'artifact') },
      /binaryPrn/,
    ],
    ['a part size under 5 MiB', { ...valid, partSize: 1024 }, /part size/],
    ['zero parts in flight', { ...valid, concurrency: 0 }, /concurrency/],
    ['no API key', { ...valid, connection: { baseUrl: 'http://x' } }, /apiKey/],
  ])('with %s is refused before it reaches the worker', async (_, task, message) => {
    const error = await worker.stream(task as StreamTask).catch((e: unknown) => e as Error);
    // A caller's mistake (TypeError, RangeError), not a failed transfer (UploadError).
    expect(error).toBeInstanceOf(Error);
    expect(['TypeError', 'RangeError']).toContain((error as Error).name);
    expect((error as Error).message).toMatch(message);
  });
});
