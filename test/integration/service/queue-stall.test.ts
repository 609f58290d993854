// The queue's database taken away under a running engine: locked by another program
// (SQLITE_BUSY), removed, or removed with a folder put in its place. Each is logged, shown to
// every face as an event, and the loop goes on by itself once the cause is gone.
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeskEvent, EventName, EventPayload } from '../../../src-preload/contract.js';
import { engineLogFile } from '../../../src-main/logging/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import { content, tempDir } from '../local-peridio/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  service: DeskService;
  dataDir: string;
  queueFile: string;
  upload(name: string): Promise<string>;
}

async function open(): Promise<Setup> {
  const dir = await tempDir('queue-stall-');
  const dataDir = path.join(dir, 'desk');
  const service = await openDeskService({
    dataDir,
    env: {},
    vault: new MemoryVault(),
    engine: { pollMs: 50, queueBusyTimeoutMs: 100, queueRetryMs: { initial: 50, max: 200 } },
  });
  cleanups.push(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });
  const artifact = await service.call('artifacts.create', { name: 'stall' });
  const version = await service.call('artifactVersions.create', {
    artifactPrn: artifact.prn,
    version: '1.0.0',
  });
  let seed = 0;
  return {
    service,
    dataDir,
    queueFile: path.join(dataDir, 'queue.sqlite'),
    async upload(name) {
      const file = path.join(dir, name);
      await writeFile(file, content(64 * 1024, ++seed));
      const ended = eventOf(service, 'job:ended', (p) => p.job.request.path === file);
      const job = await service.call('uploads.enqueue', {
        path: file,
        artifactVersionPrn: version.prn,
        target: `target-${name}`,
      });
      const end = await ended;
      expect(end.outcome).toEqual({ status: 'done' });
      return job.id;
    },
  };
}

function eventOf<N extends EventName>(
  service: DeskService,
  name: N,
  match: (payload: EventPayload<N>) => boolean = () => true,
): Promise<EventPayload<N>> {
  return new Promise((resolve) => {
    const stop = service.subscribe((event: DeskEvent) => {
      if (event.name !== name || !match(event.payload as EventPayload<N>)) return;
      stop();
      resolve(event.payload as EventPayload<N>);
    });
  });
}

async function logLines(dataDir: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(engineLogFile(dataDir), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function removeQueueFiles(queueFile: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${queueFile}${suffix}`, { force: true });
}

describe('a queue database taken away under the scheduler', () => {
  it('locked by another program: logged, shown as stalled, and working again once the lock goes', async () => {
    const { service, dataDir, queueFile, upload } = await open();
    await upload('before.img');

    const stalled = eventOf(service, 'queue:stalled', (p) => p.stalled);
    const other = new Database(queueFile);
    other.exec('BEGIN EXCLUSIVE');
    const stall = await stalled;
    expect(stall.reason).toContain('is locked by another program (SQLITE_BUSY)');
    expect(stall.reason).toContain(queueFile);

    const recovered = eventOf(service, 'queue:stalled', (p) => !p.stalled);
    other.exec('COMMIT');
    other.close();
    expect(await recovered).toEqual({ stalled: false, reason: null, retryInMs: null });
    await upload('after.img');

    const lines = await logLines(dataDir);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        module: 'scheduler',
        msg: stall.reason,
        err: expect.objectContaining({ code: 'SQLITE_BUSY' }),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ module: 'scheduler', msg: 'the upload queue works again' }),
    );
  });

  it('removed: written back from the open copy, shown and logged, and no job is lost', async () => {
    const { service, dataDir, queueFile, upload } = await open();
    const before = await upload('before.img');

    const told = eventOf(service, 'engine:error', (p) => p.source === 'queue');
    await removeQueueFiles(queueFile);
    const error = await told;
    expect(error.message).toContain(`${queueFile} was removed while in use`);
    const after = await upload('after.img');

    // Both jobs are in the file at the queue's path (not in a removed file nobody sees). Read
    // once the service is closed: a reader beside a writer in the middle of a checkpoint can
    // be told "disk I/O error" on a busy machine.
    await service.close();
    const reader = new Database(queueFile, { readonly: true });
    const ids = reader.prepare('SELECT id FROM jobs').all() as { id: string }[];
    reader.close();
    expect(ids.map((row) => row.id).sort()).toEqual([before, after].sort());
    expect(await logLines(dataDir)).toContainEqual(
      expect.objectContaining({ level: 50, module: 'scheduler', msg: error.message }),
    );
  });

  it('removed with a folder in its place: stalled until the folder goes, then written back', async () => {
    const { service, dataDir, queueFile, upload } = await open();
    const before = await upload('before.img');

    const stalled = eventOf(service, 'queue:stalled', (p) => p.stalled);
    await removeQueueFiles(queueFile);
    await mkdir(queueFile);
    const stall = await stalled;
    expect(stall.reason).toContain(`${queueFile} is not a file`);
    expect(await logLines(dataDir)).toContainEqual(
      expect.objectContaining({ level: 50, module: 'scheduler', msg: stall.reason }),
    );

    const recovered = eventOf(service, 'queue:stalled', (p) => !p.stalled);
    const writtenBack = eventOf(service, 'engine:error', (p) => p.source === 'queue');
    await rmdir(queueFile);
    expect((await writtenBack).message).toContain('no job was lost');
    await recovered;
    const after = await upload('after.img');
    const reader = new Database(queueFile, { readonly: true });
    const ids = reader.prepare('SELECT id FROM jobs').all() as { id: string }[];
    reader.close();
    expect(ids.map((row) => row.id).sort()).toEqual([before, after].sort());
  });
});
