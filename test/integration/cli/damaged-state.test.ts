// A damaged, read-only or full queue and a broken settings file, met by the command line and
// the dashboard as processes: each says which file and what to do, and loses nothing.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JobStore } from '../../../src-main/queue/index.js';
import {
  apiFor,
  createArtifactVersion,
  startTestServer,
  tempDir,
  type TestServer,
} from '../local-peridio/helpers.js';
import { runCli, startCli } from '../upload-engine/cli-harness.js';
import { command } from '../dashboard/dashboard-http.js';

const PAGE = 4096;
const isRoot = process.getuid?.() === 0;

let dir: string;
let server: TestServer;
let versionPrn: string;
let file: string;

beforeAll(async () => {
  dir = await tempDir('damaged-state-');
  server = await startTestServer();
  versionPrn = await createArtifactVersion(apiFor(server.server.url, server.server.apiKey));
  file = path.join(dir, 'firmware.bin');
  await writeFile(file, 'new firmware');
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function envFor(dataDir: string): Record<string, string> {
  return {
    PERIDIO_BASE_URL: server.server.url,
    PERIDIO_API_KEY: server.server.apiKey,
    PERIDIO_DESK_DATA_DIR: dataDir,
  };
}

/** A queue of `count` jobs for the environment's workspace; answers each job's stored request. */
function seedQueue(dataDir: string, count: number): Map<string, string> {
  const store = JobStore.open(path.join(dataDir, 'queue.sqlite'));
  const requests = new Map<string, string>();
  try {
    for (let i = 0; i < count; i += 1) {
      const request = {
        path: path.join(dataDir, `build-${i}.bin`),
        artifactVersionPrn: versionPrn,
        target: `board-${i}`,
        signingKey: null,
        replace: false,
        workspace: `environment:${server.server.url}`,
      };
      const job = store.enqueue(request, { size: 100 + i, mtimeMs: 1_700_000_000_000 + i });
      requests.set(job.id, JSON.stringify(request));
    }
  } finally {
    store.close();
  }
  return requests;
}

/**
 * Overwrites pages in the middle of the queue file with noise, as a failing disk would, and
 * answers the jobs whose stored row survived: those whose request text is still on one of the
 * jobs table's leaf pages that the noise spared.
 */
function damageMiddle(queueFile: string, requests: Map<string, string>): Set<string> {
  // Rewritten compactly first, so a job's text sits on a leaf page only where its row lives
  // (a page split leaves stale copies of rows in a page's free space).
  const db = new Database(queueFile);
  db.exec('VACUUM');
  const leaves = (
    db.prepare("SELECT pageno FROM dbstat WHERE name = 'jobs' AND pagetype = 'leaf'").all() as {
      pageno: number;
    }[]
  ).map((row) => row.pageno);
  db.close();
  const bytes = readFileSync(queueFile);
  const pages = bytes.length / PAGE;
  const damaged = (page: number) =>
    page >= Math.floor(pages / 3) && page < Math.floor((pages * 2) / 3);
  let seed = 7;
  for (let page = 0; page < pages; page += 1) {
    if (!damaged(page)) continue;
    for (let at = page * PAGE; at < (page + 1) * PAGE; at += 1) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[at] = seed & 0xff;
    }
  }
  writeFileSync(queueFile, bytes);
  const spared = leaves
    .filter((pageno) => !damaged(pageno - 1))
    .map((pageno) => bytes.toString('utf8', (pageno - 1) * PAGE, pageno * PAGE));
  return new Set(
    [...requests]
      .filter(([, request]) => spared.some((page) => page.includes(request)))
      .map(([id]) => id),
  );
}

function keptAside(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith('queue.sqlite.damaged-') && !name.endsWith('-wal'))
    .map((name) => path.join(dataDir, name));
}

function integrity(queueFile: string): string {
  const db = new Database(queueFile, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('a queue file with pages overwritten in the middle', () => {
  let requests: Map<string, string>;
  let readable: Set<string>;
  let damagedBytes: Buffer;
  const cliData = () => path.join(dir, 'cli-data');
  const dashboardData = () => path.join(dir, 'dashboard-data');

  beforeAll(async () => {
    await mkdir(cliData(), { recursive: true });
    requests = seedQueue(cliData(), 80);
    readable = damageMiddle(path.join(cliData(), 'queue.sqlite'), requests);
    damagedBytes = readFileSync(path.join(cliData(), 'queue.sqlite'));
    await mkdir(dashboardData(), { recursive: true });
    copyFileSync(path.join(cliData(), 'queue.sqlite'), path.join(dashboardData(), 'queue.sqlite'));
    // The damage must have reached some jobs and spared others, or the test shows nothing.
    expect(readable.size).toBeGreaterThan(0);
    expect(readable.size).toBeLessThan(requests.size);
  });

  test('queue list shows the readable jobs and changes nothing; the next upload sets the file aside and carries them over', async () => {
    const list = await runCli(['queue', 'list', '--json'], envFor(cliData()));
    expect(list.stderr).toContain(
      `The upload queue ${path.join(cliData(), 'queue.sqlite')} is damaged`,
    );
    expect(list.code).toBe(0);
    expect(new Set(list.last.jobs.map((job: { id: string }) => job.id))).toEqual(readable);
    // Looking moved nothing.
    expect(keptAside(cliData())).toEqual([]);
    expect(readFileSync(path.join(cliData(), 'queue.sqlite')).equals(damagedBytes)).toBe(true);

    const upload = await runCli(
      ['upload', file, '--artifact-version', versionPrn, '--target', 'new-board', '--no-wait'],
      envFor(cliData()),
    );
    expect(upload.code).toBe(0);
    const [kept] = keptAside(cliData());
    expect(kept).toBeDefined();
    expect(upload.stderr).toContain(`It is kept as ${kept}`);
    expect(upload.stderr).toContain(`the ${readable.size} jobs that could still be read`);
    expect(readFileSync(kept!).equals(damagedBytes)).toBe(true);

    const after = await runCli(['queue', 'list', '--json'], envFor(cliData()));
    expect(after.code).toBe(0);
    expect(after.stderr).toBe('');
    const jobs = after.last.jobs as { id: string; request: { target: string } }[];
    expect(jobs.map((job) => job.request.target)).toContain('new-board');
    expect(
      new Set(jobs.filter((job) => job.request.target !== 'new-board').map((job) => job.id)),
    ).toEqual(readable);
    expect(integrity(path.join(cliData(), 'queue.sqlite'))).toBe('ok');
  });

  test('the dashboard starts on it, answers, and lists the readable jobs', async () => {
    const run = startCli(
      ['dashboard', '--json', '--port', '0', '--renderer-dir', path.join(dir, 'none')],
      envFor(dashboardData()),
    );
    try {
      const ready = await run.waitForLine((line) => line?.event === 'ready');
      const url = new URL(ready.url);
      const token = /^#token=(.+)$/.exec(url.hash)![1]!;
      expect((await command(url.origin, token, 'workspace.get')).json).toMatchObject({ ok: true });
      const listed = await command(url.origin, token, 'jobs.list', { limit: 500 });
      expect(listed.json.ok).toBe(true);
      expect(new Set(listed.json.result.items.map((job: { id: string }) => job.id))).toEqual(
        readable,
      );
      const [kept] = keptAside(dashboardData());
      expect(kept).toBeDefined();
      expect(run.stderr()).toContain(kept);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

/** Runs `mount` as root; answers why it cannot, or undefined once done. */
function mount(args: string[]): string | undefined {
  if (!isRoot) return 'needs root to mount a file system (CI runs as root)';
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount ${args.join(' ')} failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

describe('a full disk', () => {
  const disk = () => path.join(dir, 'full-disk');
  let skipReason: string | undefined;

  beforeAll(async () => {
    await mkdir(disk(), { recursive: true });
    skipReason = mount(['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', disk()]);
    if (skipReason) console.log(`Full-disk test skipped: ${skipReason}`);
  });

  afterAll(() => {
    if (!skipReason) execFileSync('umount', [disk()]);
  });

  test('is said as such, and queue list still shows the queue', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const dataDir = path.join(disk(), 'data');
    await mkdir(dataDir);
    const requests = seedQueue(dataDir, 3);
    // Fill what is left of the disk.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(disk(), 'filler')}`, 'bs=4k'], {
        stdio: 'pipe',
      });
    } catch {
      // dd ends with "No space left on device": the disk is full, as wanted.
    }
    const upload = await runCli(
      ['upload', file, '--artifact-version', versionPrn, '--target', 'full-board', '--no-wait'],
      envFor(dataDir),
    );
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain(
      `The disk holding the upload queue ${path.join(dataDir, 'queue.sqlite')} is full; free some space there`,
    );
    expect(upload.stderr).not.toMatch(/disk I\/O error/);

    const list = await runCli(['queue', 'list', '--json'], envFor(dataDir));
    expect(list.code).toBe(0);
    expect(new Set(list.last.jobs.map((job: { id: string }) => job.id))).toEqual(
      new Set(requests.keys()),
    );
  });
});

describe('a queue this user cannot write', () => {
  const folder = () => path.join(dir, 'read-only');
  let skipReason: string | undefined;
  let requests: Map<string, string>;

  beforeAll(async () => {
    await mkdir(folder(), { recursive: true });
    requests = seedQueue(folder(), 3);
    if (isRoot) {
      // Root writes through any file mode: a read-only mount is what stops it.
      skipReason =
        mount(['--bind', folder(), folder()]) ?? mount(['-o', 'remount,ro,bind', folder()]);
    } else {
      execFileSync('chmod', ['a-w', folder(), path.join(folder(), 'queue.sqlite')]);
    }
    if (skipReason) console.log(`Read-only queue test skipped: ${skipReason}`);
  });

  afterAll(() => {
    if (isRoot) execFileSync('umount', [folder()], { stdio: 'ignore' });
    else execFileSync('chmod', ['u+w', folder(), path.join(folder(), 'queue.sqlite')]);
  });

  test('is listed read-only, and an upload says which file and what to do', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const list = await runCli(['queue', 'list', '--json'], envFor(folder()));
    expect(list.code).toBe(0);
    expect(new Set(list.last.jobs.map((job: { id: string }) => job.id))).toEqual(
      new Set(requests.keys()),
    );

    const upload = await runCli(
      ['upload', file, '--artifact-version', versionPrn, '--target', 'ro-board', '--no-wait'],
      envFor(folder()),
    );
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain(
      `The upload queue ${path.join(folder(), 'queue.sqlite')} cannot be written by this user`,
    );
    expect(upload.stderr).toContain('PERIDIO_DESK_DATA_DIR');
  });
});

describe('a settings file that is not JSON', () => {
  const dataDir = () => path.join(dir, 'broken-settings');
  const settingsFile = () => path.join(dataDir(), 'config.json');
  const broken = '{"profiles": {"prod": ';

  beforeAll(async () => {
    await mkdir(dataDir(), { recursive: true });
    await writeFile(settingsFile(), broken);
  });

  test('does not stop an upload whose server comes from the environment, and is left as it is', async () => {
    const upload = await runCli(
      ['upload', file, '--artifact-version', versionPrn, '--target', 'env-board'],
      envFor(dataDir()),
    );
    expect(upload.code).toBe(0);
    expect(upload.stderr).toContain(
      'Going on without the settings, as PERIDIO_API_KEY names the server',
    );
    expect(upload.stderr).toContain(settingsFile());
    expect(readFileSync(settingsFile(), 'utf8')).toBe(broken);
  });

  test('stops a command that needs it, with a command that does what the message says', async () => {
    const env = { ...envFor(dataDir()), PERIDIO_API_KEY: '', PERIDIO_BASE_URL: '' };
    const refused = await runCli(['queue', 'list'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`The settings file "${settingsFile()}" is not valid JSON`);
    expect(readFileSync(settingsFile(), 'utf8')).toBe(broken);
    const move = /mv "([^"]+)" "([^"]+)"/.exec(refused.stderr);
    expect(move?.[1]).toBe(settingsFile());
    execFileSync('mv', [move![1]!, move![2]!]);
    expect(readFileSync(move![2]!, 'utf8')).toBe(broken);
    expect(move![2]).toMatch(/config\.json\.broken-\d{8}T\d{6}Z$/);
    expect(existsSync(settingsFile())).toBe(false);
    const fresh = await runCli(['preferences', '--json'], env);
    expect(fresh.code).toBe(0);
  });
});
