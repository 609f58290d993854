// Files dropped in the browser: `POST /api/files` keeps the bytes in `<data>/dropped-files` and
// answers a path `uploads.enqueue` takes; the entry goes once its job is done. Bad names,
// wrong content types, a missing token and an aborted send leave nothing behind.
import { readFile, readdir, rm, utimes } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DROPPED_FILES_FOLDER,
  DroppedFiles,
  startDashboard,
  type Dashboard,
} from '../../../src-main/dashboard/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { Spool } from '../../../src-main/watch/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import { content, startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import { command, openSse } from './dashboard-http.js';

let dir: string;
let dataDir: string;
let server: TestServer;
let service: DeskService;
let spool: Spool;
let dashboard: Dashboard;

beforeAll(async () => {
  dir = await tempDir('dropped-files-');
  dataDir = path.join(dir, 'desk');
  server = await startTestServer();
  service = await openDeskService({
    dataDir,
    env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
    vault: new MemoryVault(),
    engine: { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } },
  });
  spool = new Spool(dataDir, DROPPED_FILES_FOLDER);
  const files = new DroppedFiles(spool, () => service.pathsInUse());
  dashboard = await startDashboard({ service, rendererDir: path.join(dir, 'none'), files });
});

afterAll(async () => {
  await dashboard?.close();
  await service?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface FilesReply {
  ok: boolean;
  result?: { path: string };
  error?: { code: string; message: string };
}

async function send(
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; json: FilesReply }> {
  const response = await fetch(`${dashboard.origin}/api/files`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as FilesReply };
}

const auth = () => ({
  authorization: `Bearer ${dashboard.token}`,
  'content-type': 'application/octet-stream',
});

async function spoolEntries(): Promise<string[]> {
  return readdir(spool.dir).catch(() => []);
}

describe('POST /api/files', () => {
  it('keeps the bytes in the spool, the job uploads them, and the entry goes once it is done', async () => {
    const bytes = content(3 * 1024 * 1024 + 17, 9);
    const sent = await send(bytes, { ...auth(), 'x-file-name': encodeURIComponent('fw ünï.img') });
    expect(sent.status).toBe(200);
    const stored = sent.json.result!.path;
    expect(path.basename(stored)).toBe('fw ünï.img');
    expect(spool.holds(stored)).toBe(true);
    // Apart from the watcher's spool, whose sweeps follow the watch rules' own timing.
    expect(path.dirname(path.dirname(stored))).toBe(path.join(dataDir, 'dropped-files'));
    expect((await readFile(stored)).equals(bytes)).toBe(true);

    const artifact = await command(dashboard.origin, dashboard.token, 'artifacts.create', {
      name: 'dropped-firmware',
    });
    const version = await command(dashboard.origin, dashboard.token, 'artifactVersions.create', {
      artifactPrn: artifact.json.result.prn,
      version: '1.0.0',
    });
    const stream = openSse(dashboard.origin, `/api/events?token=${dashboard.token}`);
    try {
      const enqueued = await command(dashboard.origin, dashboard.token, 'uploads.enqueue', {
        path: stored,
        artifactVersionPrn: version.json.result.prn,
        target: 'x86_64-unknown-linux-gnu',
      });
      expect(enqueued.json.ok).toBe(true);
      const ended = await stream.waitFor(
        (e) => e.event === 'job:ended' && e.data.job.id === enqueued.json.result.id,
      );
      expect(ended.data.outcome).toEqual({ status: 'done' });
    } finally {
      stream.close();
    }
    const binaries = await command(dashboard.origin, dashboard.token, 'binaries.list', {
      artifactVersionPrn: version.json.result.prn,
    });
    expect(binaries.json.result.items[0].size).toBe(bytes.length);
    await expect.poll(() => spoolEntries()).toEqual([]);
  });

  it('refuses names that are not one plain file name, keeping nothing', async () => {
    for (const name of [
      '',
      '..',
      '.',
      'a%2Fb',
      '..%2F..%2Fescape',
      'back%5Cslash',
      'nul%00',
      '%E0%A4%A',
    ]) {
      const sent = await send(Buffer.from('x'), { ...auth(), 'x-file-name': name });
      expect(sent.status, name).toBe(400);
      expect(sent.json.error!.code, name).toBe('bad_file_name');
      expect(sent.json.error!.message).toContain('x-file-name');
    }
    const missing = await send(Buffer.from('x'), auth());
    expect(missing.json.error!.message).toContain('is missing');
    expect(await spoolEntries()).toEqual([]);
  });

  it('wants raw bytes: JSON or text is refused with what to send', async () => {
    for (const type of ['application/json', 'text/plain']) {
      const sent = await send(Buffer.from('{"a":1}'), {
        ...auth(),
        'content-type': type,
        'x-file-name': 'a.img',
      });
      expect(sent.status, type).toBe(415);
      expect(sent.json.error!.message).toContain('application/octet-stream');
    }
    expect(await spoolEntries()).toEqual([]);
  });

  it('needs the token before a byte is stored', async () => {
    const sent = await send(Buffer.alloc(1024), {
      'content-type': 'application/octet-stream',
      'x-file-name': 'a.img',
    });
    expect(sent.status).toBe(401);
    expect(await spoolEntries()).toEqual([]);
  });

  it('leaves nothing when the browser stops sending halfway', async () => {
    const url = new URL(dashboard.origin);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/files',
        headers: {
          ...auth(),
          'x-file-name': 'half.img',
          'content-length': String(8 * 1024 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024 * 1024), () => setTimeout(() => req.destroy(), 200));
    });
    await expect.poll(() => spoolEntries()).toEqual([]);
  });
});

describe('a cancelled job', () => {
  it('keeps its dropped file, so that a retry uploads it; the entry goes once that is done', async () => {
    // A queue that runs only when told, so that the job is still queued when it is cancelled.
    const quietDir = path.join(dir, 'quiet');
    const quiet = await openDeskService({
      dataDir: quietDir,
      env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
      vault: new MemoryVault(),
      runQueue: false,
    });
    const quietSpool = new Spool(quietDir, DROPPED_FILES_FOLDER);
    const files = new DroppedFiles(quietSpool, () => quiet.pathsInUse());
    const stopCleaning = files.cleanUpAfterJobs(quiet);
    try {
      const bytes = content(64 * 1024 + 3, 11);
      const stored = await quietSpool.receive(Readable.from([bytes]), 'cancelled.img');
      const artifact = await quiet.call('artifacts.create', { name: 'cancelled-firmware' });
      const version = await quiet.call('artifactVersions.create', {
        artifactPrn: artifact.prn,
        version: '1.0.0',
      });
      const job = await quiet.call('uploads.enqueue', {
        path: stored,
        artifactVersionPrn: version.prn,
        target: 'x86_64-unknown-linux-gnu',
      });
      expect((await quiet.call('jobs.cancel', { id: job.id })).status).toBe('cancelled');
      // Its entry past the hour a dialog that was never confirmed gets (the file itself is
      // left as queued): only being needed keeps it.
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
      await utimes(path.dirname(stored), twoHoursAgo, twoHoursAgo);
      expect(await files.sweep()).toBe(0);
      expect((await readFile(stored)).equals(bytes)).toBe(true);

      expect((await quiet.call('jobs.retry', { id: job.id })).status).toBe('queued');
      await quiet.runJobs({ onlyJobIds: [job.id] });
      const binaries = await quiet.call('binaries.list', { artifactVersionPrn: version.prn });
      expect(binaries.items.map((b) => b.size)).toEqual([bytes.length]);
      await expect.poll(() => readdir(quietSpool.dir).catch(() => [])).toEqual([]);
    } finally {
      stopCleaning();
      await quiet.close();
    }
  });
});

describe('sweeping at start', () => {
  it('removes old entries no job needs, and keeps new ones and those a job needs', async () => {
    const sweepDir = path.join(dir, 'sweep');
    const sweepSpool = new Spool(sweepDir);
    const old = await sweepSpool.receive(bytesOf('old'), 'old.img');
    const needed = await sweepSpool.receive(bytesOf('needed'), 'needed.img');
    const fresh = await sweepSpool.receive(bytesOf('fresh'), 'fresh.img');
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    for (const file of [old, needed]) await utimes(path.dirname(file), dayAgo, dayAgo);
    const files = new DroppedFiles(sweepSpool, () => new Set([needed]));
    expect(await files.sweep()).toBe(1);
    const left = (await readdir(sweepSpool.dir)).sort();
    expect(left).toEqual(
      [path.dirname(needed), path.dirname(fresh)].map((d) => path.basename(d)).sort(),
    );
  });
});

function bytesOf(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}
