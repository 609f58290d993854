// The engine's transfer workers are kept between jobs: a job borrows one and gives it back, the
// next job gets the same thread, a worker that crashed is never lent again, idle workers do
// not keep a process alive, and close() ends them all. A file of one part needs no worker: it
// goes from the calling thread. Real worker threads, uploading to the real embedded server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PENDING_CONTENT_HASH } from '../../../src-main/workflow/index.js';
import { UploadEngine } from '../../../src-main/service/index.js';
import {
  IN_THREAD_MAX_BYTES,
  SharedRateLimit,
  UploadWorkerPool,
  isUploadError,
  type Transfer,
  type UploadError,
  type UploadLogger,
  type UploadOptions,
} from '../../../src-main/upload/index.js';
import { crashUploadWorkerForTest } from '../../../src-main/upload/upload-worker.js';
import {
  MiB,
  sha256,
  startUploadWorkspace,
  type UploadWorkspace,
} from '../../integration/upload/upload-fixtures.js';
import {
  REPO_ROOT,
  apiFor,
  createArtifactVersion,
  tempDir,
} from '../../integration/local-peridio/helpers.js';

const TIMEOUT = 60_000;
let ws: UploadWorkspace | undefined;
let pool: UploadWorkerPool | undefined;

afterEach(async () => {
  await pool?.close();
  await ws?.stop();
  pool = undefined;
  ws = undefined;
});

async function setup(
  options: { maxIdle?: number; rateLimit?: SharedRateLimit; logger?: UploadLogger } = {},
) {
  ws = await startUploadWorkspace();
  pool = new UploadWorkerPool({
    name: 'pool-test',
    maxIdle: options.maxIdle ?? 2,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { ws, pool };
}

/** Starts streaming a new file of `size` to a new binary through `transfer`. */
async function startStream(
  ws: UploadWorkspace,
  transfer: Transfer,
  name: string,
  size = MiB,
  options: UploadOptions = {},
) {
  const { path: file, data } = await ws.writeFile(name, size);
  const { mtimeMs } = await stat(file);
  const binary = await ws.createBinary({ sha256: PENDING_CONTENT_HASH, size });
  const running = transfer.stream(
    { connection: ws.connection, binaryPrn: binary.prn, file: { path: file, size, mtimeMs } },
    options,
  );
  return { running, data, binary };
}

/** Streams a new file through `transfer` and checks the hash it declared and the server's parts. */
async function streamFile(
  ws: UploadWorkspace,
  transfer: Transfer,
  name: string,
  size = MiB,
  options: UploadOptions = {},
) {
  const { running, data, binary } = await startStream(ws, transfer, name, size, options);
  const hashed = await running;
  expect(hashed.sha256).toBe(sha256(data));
  expect((await ws.parts(binary.prn)).every((part) => part.state === 'valid')).toBe(true);
  return hashed;
}

async function failure(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isUploadError(error)) throw new Error(`expected an UploadError, got ${String(error)}`);
  return error;
}

describe('the upload worker pool', () => {
  it(
    'lends the same thread to consecutive jobs',
    async () => {
      const { ws, pool } = await setup();
      const first = pool.borrow();
      await streamFile(ws, first.worker, 'one.bin');
      await first.giveBack();
      const second = pool.borrow();
      await streamFile(ws, second.worker, 'two.bin', 20 * MiB);
      await second.giveBack();

      expect(second.worker.threadId).toBe(first.worker.threadId);
      expect(pool.stats).toEqual({ started: 1, idle: 1, lent: 0 });
    },
    TIMEOUT,
  );

  it(
    'starts a worker per job running at once, and keeps no more idle than asked',
    async () => {
      const { ws, pool } = await setup({ maxIdle: 1 });
      const leases = [pool.borrow(), pool.borrow()];
      await Promise.all(leases.map((lease, i) => streamFile(ws, lease.worker, `at-once-${i}.bin`)));
      expect(new Set(leases.map((lease) => lease.worker.threadId)).size).toBe(2);
      await Promise.all(leases.map((lease) => lease.giveBack()));
      expect(pool.stats).toEqual({ started: 2, idle: 1, lent: 0 });
    },
    TIMEOUT,
  );

  it(
    'fails the job on a worker that crashes (retryable), and lends a new worker to the next',
    async () => {
      const { ws, pool } = await setup();
      const lease = pool.borrow();
      const { running } = await startStream(ws, lease.worker, 'crash.bin', 24 * MiB);
      crashUploadWorkerForTest(lease.worker);

      const error = await failure(running);
      expect(error).toMatchObject({ code: 'worker_failed', retryable: true });
      expect(error.message).toContain('pool-test 1');
      await lease.giveBack();
      expect(pool.stats).toEqual({ started: 1, idle: 0, lent: 0 });

      const next = pool.borrow();
      expect(next.worker.threadId).not.toBe(lease.worker.threadId);
      await streamFile(ws, next.worker, 'after-crash.bin');
      await next.giveBack();
    },
    TIMEOUT,
  );

  it(
    'drops an idle worker that crashed, and the next job gets a new one',
    async () => {
      const { ws, pool } = await setup();
      const first = pool.borrow();
      await streamFile(ws, first.worker, 'before.bin');
      await first.giveBack();
      crashUploadWorkerForTest(first.worker);
      await first.worker.exited;
      expect(pool.stats.idle).toBe(0);

      const next = pool.borrow();
      expect(next.worker.threadId).not.toBe(first.worker.threadId);
      await streamFile(ws, next.worker, 'after.bin');
      await next.giveBack();
      expect(pool.stats).toEqual({ started: 2, idle: 1, lent: 0 });
    },
    TIMEOUT,
  );

  it(
    'cancels what still runs on a worker given back, then lends it again',
    async () => {
      const { ws, pool } = await setup();
      const lease = pool.borrow();
      const { running } = await startStream(ws, lease.worker, 'abandoned.bin', 24 * MiB);
      await lease.giveBack();

      expect((await failure(running)).code).toBe('aborted');
      expect(pool.stats).toEqual({ started: 1, idle: 1, lent: 0 });
      const next = pool.borrow();
      expect(next.worker.threadId).toBe(lease.worker.threadId);
      await streamFile(ws, next.worker, 'next.bin', 20 * MiB);
      await next.giveBack();
    },
    TIMEOUT,
  );

  it(
    'sends a file of one part from the calling thread: no worker starts, none is warmed',
    async () => {
      const { ws, pool } = await setup();
      pool.warm(IN_THREAD_MAX_BYTES);
      const lease = pool.lend(IN_THREAD_MAX_BYTES);
      const hashed = await streamFile(ws, lease.transfer, 'small.bin', IN_THREAD_MAX_BYTES);
      expect(hashed.parts).toHaveLength(1);
      const { path: file, data } = await ws.writeFile('hash-only.bin', MiB);
      expect((await lease.transfer.hash(file)).sha256).toBe(sha256(data));
      await lease.giveBack();
      expect(pool.stats).toEqual({ started: 0, idle: 0, lent: 0 });
    },
    TIMEOUT,
  );

  it(
    'lends a worker, and warms one ahead, for a file larger than one part',
    async () => {
      const { ws, pool } = await setup();
      pool.warm(IN_THREAD_MAX_BYTES + 1);
      expect(pool.stats).toEqual({ started: 1, idle: 1, lent: 0 });
      const lease = pool.lend(IN_THREAD_MAX_BYTES + 1);
      expect(pool.stats).toEqual({ started: 1, idle: 0, lent: 1 });
      await streamFile(ws, lease.transfer, 'two-parts.bin', IN_THREAD_MAX_BYTES + 1);
      await lease.giveBack();
      expect(pool.stats).toEqual({ started: 1, idle: 1, lent: 0 });
    },
    TIMEOUT,
  );

  it(
    'aborts an in-thread transfer given back, as it does on a worker',
    async () => {
      // 1 MiB at 256 KiB/s takes 4 s: it is still under way when the lease is given back.
      const rateLimit = new SharedRateLimit();
      rateLimit.setBytesPerSecond(256 * 1024);
      const { ws, pool } = await setup({ rateLimit });
      const lease = pool.lend(MiB);
      const { running } = await startStream(ws, lease.transfer, 'slow.bin');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const givenBack = Date.now();
      await lease.giveBack();

      expect((await failure(running)).code).toBe('aborted');
      expect(Date.now() - givenBack).toBeLessThan(2000);
      await expect(lease.transfer.hash(path.join(ws.dir, 'slow.bin'))).rejects.toMatchObject({
        code: 'aborted',
      });
    },
    TIMEOUT,
  );

  it(
    "logs a caller's callback that throws instead of failing the in-thread transfer",
    async () => {
      const errors: string[] = [];
      const logger = { info() {}, warn() {}, error: (message: string) => errors.push(message) };
      const { ws, pool } = await setup({ logger });
      const lease = pool.lend(MiB);
      await streamFile(ws, lease.transfer, 'callback.bin', MiB, {
        onPartDone: () => {
          throw new Error('a journal that cannot be written');
        },
      });
      expect(errors).toEqual(['an upload callback threw']);
      await lease.giveBack();
    },
    TIMEOUT,
  );

  it(
    'ends every worker, idle or lent, on close, and lends none after',
    async () => {
      const { ws, pool } = await setup();
      const idle = pool.borrow();
      const lent = pool.borrow();
      await streamFile(ws, idle.worker, 'idle.bin');
      await idle.giveBack();
      const { path: file } = await ws.writeFile('cut.bin', 24 * MiB);
      const { size, mtimeMs } = await stat(file);
      const binary = await ws.createBinary({ sha256: PENDING_CONTENT_HASH, size });
      const running = lent.worker.stream({
        connection: ws.connection,
        binaryPrn: binary.prn,
        file: { path: file, size, mtimeMs },
      });

      const cut = failure(running);
      await pool.close();

      expect((await cut).code).toBe('aborted');
      expect(idle.worker.usable).toBe(false);
      expect(lent.worker.usable).toBe(false);
      await Promise.all([idle.worker.exited, lent.worker.exited]);
      expect(pool.stats).toMatchObject({ idle: 0, lent: 0 });
      expect(() => pool.borrow()).toThrow(/shut down/);
      expect(() => pool.lend(MiB)).toThrow(/shut down/);
      await lent.giveBack();
    },
    TIMEOUT,
  );

  it(
    'does not keep a process alive: a script that uploads and gives its worker back exits',
    async () => {
      ws = await startUploadWorkspace();
      const { path: file, data } = await ws.writeFile('child.bin', 12 * MiB);
      const { size, mtimeMs } = await stat(file);
      const binary = await ws.createBinary({ sha256: PENDING_CONTENT_HASH, size });
      const task = {
        connection: ws.connection,
        binaryPrn: binary.prn,
        file: { path: file, size, mtimeMs },
      };
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(import.meta.dirname, 'pooled-upload-child.ts'),
          JSON.stringify(task),
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      let printedAt = 0;
      child.stdout.once('data', () => (printedAt = Date.now()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      clearTimeout(killer);

      expect({ code, signal }).toEqual({ code: 0, signal: null });
      // It ended by itself once its work was done, with an idle worker in its pool.
      expect(Date.now() - printedAt).toBeLessThan(10_000);
      const printed = JSON.parse(output) as { sha256: string; stats: unknown };
      expect(printed.sha256).toBe(sha256(data));
      expect(printed.stats).toEqual({ started: 1, idle: 1, lent: 0 });
      expect((await ws.parts(binary.prn)).map((part) => part.state)).toEqual(['valid', 'valid']);
    },
    TIMEOUT,
  );

  it(
    "keeps as many idle workers as the engine's jobs at once, also when the preference changes",
    async () => {
      ws = await startUploadWorkspace();
      const { url, apiKey } = ws.server;
      const versionPrn = await createArtifactVersion(apiFor(url, apiKey));
      const dataDir = await tempDir('pool-idle-');
      const engine = new UploadEngine({
        dataDir,
        connection: ws.connection,
        workspace: 'pool-test',
        jobConcurrency: 3,
        resolveSigner: () => Promise.reject(new Error('no signing in this test')),
        signingKeyPrn: () => undefined,
      });
      try {
        const ids: string[] = [];
        for (const name of ['a', 'b', 'c']) {
          const { path: file } = await ws.writeFile(`${name}.bin`, IN_THREAD_MAX_BYTES + MiB);
          ids.push(
            (await engine.enqueue({ path: file, artifactVersionPrn: versionPrn, target: name })).id,
          );
        }
        await engine.run({ onlyJobIds: ids });
        // Jobs that ran at once each had a worker; all are kept for the next jobs.
        const { started, idle } = engine.workers.stats;
        expect(started).toBeGreaterThan(1);
        expect(idle).toBe(started);

        engine.setJobConcurrency(1);
        expect(engine.workers.stats.idle).toBe(1);
      } finally {
        await engine.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    "serves an engine's consecutive jobs from one worker, and ends it when the engine closes",
    async () => {
      ws = await startUploadWorkspace();
      const { url, apiKey } = ws.server;
      const versionPrn = await createArtifactVersion(apiFor(url, apiKey));
      const dataDir = await tempDir('pool-engine-');
      const engine = new UploadEngine({
        dataDir,
        connection: ws.connection,
        workspace: 'pool-test',
        jobConcurrency: 1,
        resolveSigner: () => Promise.reject(new Error('no signing in this test')),
        signingKeyPrn: () => undefined,
      });
      try {
        const ids: string[] = [];
        // Three files of two parts, then one of one part, which needs no worker.
        const sizes = {
          a: IN_THREAD_MAX_BYTES + MiB,
          b: IN_THREAD_MAX_BYTES + MiB,
          c: 9 * MiB,
          d: MiB,
        };
        for (const [name, size] of Object.entries(sizes)) {
          const { path: file } = await ws.writeFile(`${name}.bin`, size);
          const job = await engine.enqueue({
            path: file,
            artifactVersionPrn: versionPrn,
            target: name,
          });
          ids.push(job.id);
        }
        await engine.run({ onlyJobIds: ids });

        expect(ids.map((id) => engine.store.get(id).status)).toEqual([
          'done',
          'done',
          'done',
          'done',
        ]);
        expect(engine.workers.stats).toEqual({ started: 1, idle: 1, lent: 0 });
      } finally {
        await engine.close();
        await rm(dataDir, { recursive: true, force: true });
      }
      expect(engine.workers.stats).toMatchObject({ idle: 0, lent: 0 });
    },
    TIMEOUT,
  );
});
