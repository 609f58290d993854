// Hashing real files through the real worker thread: one read gives the whole-file and
// per-part SHA-256, and a file that is missing or changes while it is read is reported.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MiB,
  UploadWorker,
  isUploadError,
  type TransferProgress,
  type UploadError,
} from '../../../src-main/upload/index.js';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Bytes that differ in every part, so a swapped or misplaced part would show. */
const content = (size: number): Buffer => randomBytes(size);

async function rejection(promise: Promise<unknown>): Promise<UploadError> {
  try {
    await promise;
  } catch (error) {
    if (isUploadError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

let dir: string;
let worker: UploadWorker;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'upload-hash-'));
  worker = UploadWorker.start({ name: 'hash-test' });
});

afterAll(async () => {
  await worker.terminate();
  await rm(dir, { recursive: true, force: true });
});

describe('hashing in the worker', () => {
  it('gives the whole-file and every part SHA-256 in one read, as node:crypto does', async () => {
    const file = path.join(dir, 'firmware.bin');
    const data = content(20 * MiB + 123);
    await writeFile(file, data);
    const progress: TransferProgress[] = [];
    const hashed = await worker.hash(file, { onProgress: (p) => progress.push(p) });

    expect(hashed).toMatchObject({
      path: file,
      size: data.length,
      mtimeMs: (await stat(file)).mtimeMs,
      sha256: sha256(data),
      partSize: 8 * MiB,
    });
    expect(hashed.parts.map(({ index, offset, size }) => ({ index, offset, size }))).toEqual([
      { index: 1, offset: 0, size: 8 * MiB },
      { index: 2, offset: 8 * MiB, size: 8 * MiB },
      { index: 3, offset: 16 * MiB, size: 4 * MiB + 123 },
    ]);
    for (const part of hashed.parts) {
      expect(part.sha256).toBe(sha256(data.subarray(part.offset, part.offset + part.size)));
    }
    expect(progress.at(-1)).toMatchObject({
      phase: 'hashing',
      bytesDone: data.length,
      bytesTotal: data.length,
    });
  });

  it('uses a larger preferred part size when asked', async () => {
    const file = path.join(dir, 'big-parts.bin');
    const data = content(20 * MiB);
    await writeFile(file, data);
    const hashed = await worker.hash(file, { partSize: 16 * MiB });
    expect(hashed.parts.map((part) => part.size)).toEqual([16 * MiB, 4 * MiB]);
    expect(hashed.parts[1]!.sha256).toBe(sha256(data.subarray(16 * MiB)));
  });

  it.each([
    ['a small file', 1234],
    ['a file of 4 MiB and a byte (many reads through the buffers in turn)', 4 * MiB + 1],
    ['a file of exactly one part', 8 * MiB],
  ])('hashes %s (one part, so one thread) as node:crypto does', async (_, size) => {
    const file = path.join(dir, `one-part-${size}.bin`);
    const data = content(size);
    await writeFile(file, data);
    const hashed = await worker.hash(file);
    expect(hashed.sha256).toBe(sha256(data));
    expect(hashed.parts).toEqual([{ index: 1, offset: 0, size, sha256: sha256(data) }]);
  });

  it('hashes an empty file into no parts', async () => {
    const file = path.join(dir, 'empty.bin');
    await writeFile(file, '');
    const hashed = await worker.hash(file);
    expect(hashed).toMatchObject({ size: 0, sha256: sha256(''), parts: [] });
  });

  it('reports a missing file as file_missing, with the path and the OS reason', async () => {
    const file = path.join(dir, 'not-there.bin');
    const error = await rejection(worker.hash(file));
    expect(error.code).toBe('file_missing');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ path: file, reason: 'ENOENT' });
    expect(error.message).toContain(file);
  });

  it('refuses a folder', async () => {
    const folder = path.join(dir, 'a-folder');
    await mkdir(folder);
    const error = await rejection(worker.hash(folder));
    expect(error.code).toBe('file_missing');
    expect(error.message).toContain('folder');
  });

  it('reports a file that changes while it is hashed as file_changed', async () => {
    const file = path.join(dir, 'growing.bin');
    await writeFile(file, content(96 * MiB));
    let touched = false;
    const error = await rejection(
      worker.hash(file, {
        onProgress: () => {
          if (touched) return;
          touched = true;
          appendFileSync(file, 'one more line\n');
        },
      }),
    );
    expect(touched).toBe(true);
    expect(error.code).toBe('file_changed');
    expect(error.details).toMatchObject({ path: file, sizeBefore: 96 * MiB });
  });

  it('stops promptly when aborted, and the worker stays usable', async () => {
    const file = path.join(dir, 'aborted.bin');
    await writeFile(file, content(96 * MiB));
    const controller = new AbortController();
    const started = performance.now();
    const error = await rejection(
      worker.hash(file, { signal: controller.signal, onProgress: () => controller.abort() }),
    );
    expect(error.code).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(worker.hash(file)).resolves.toMatchObject({ size: 96 * MiB });
  });
});

describe('the worker thread', () => {
  it('ends cleanly on terminate and refuses work afterwards', async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) =>
      lines.push(`${message} ${JSON.stringify(fields)}`);
    const own = UploadWorker.start({
      name: 'short-lived',
      logger: { info: log, warn: log, error: log },
    });
    const file = path.join(dir, 'small.bin');
    await writeFile(file, 'hello world');
    expect((await own.hash(file)).sha256).toBe(sha256('hello world'));
    await own.terminate();
    expect(
      lines.some(
        (line) => line.startsWith('upload worker exited') && line.includes('"expected":true'),
      ),
    ).toBe(true);
    expect(lines.join('\n')).toContain('short-lived');
    await expect(own.hash(file)).rejects.toMatchObject({ code: 'worker_failed' });
  });
});
