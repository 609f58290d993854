// A burst during which the server goes away and comes back: files seen while it is gone are
// hashed and queued, and in the end every file is one signed binary, none lost, none twice.
// (The burst of 1,000 runs through the built CLI, in watch-cli.test.ts.)
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binariesOf, content } from '../local-peridio/helpers.js';
import {
  ruleFor,
  sha256Hex,
  startAgent,
  workbench,
  type RunningAgent,
  type Workbench,
} from './watch-harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let bench: Workbench;
let running: RunningAgent | undefined;

beforeEach(async () => {
  bench = await workbench();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await bench.close();
});

/** Each file is its own target (its name), so all of them fit in one artifact version. */
const targetFromName = { target: { fromPath: '^(?<target>[^/]+)\\.bin$' } };

interface BurstFile {
  name: string;
  path: string;
  data: Buffer;
}

function burst(folder: string, count: number, from = 0): BurstFile[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const name = `t${String(i).padStart(4, '0')}`;
    // 1 byte to 1 KiB.
    return {
      name,
      path: path.join(folder, `${name}.bin`),
      data: content(1 + ((i * 389) % 1024), 1000 + i),
    };
  });
}

async function writeAll(files: BurstFile[]): Promise<void> {
  for (let at = 0; at < files.length; at += 50) {
    await Promise.all(files.slice(at, at + 50).map((f) => writeFile(f.path, f.data)));
  }
}

/** Every file is one signed binary of its target holding its content, and nothing else is. */
async function expectAllSigned(files: BurstFile[]): Promise<void> {
  const binaries = await binariesOf(bench.api, bench.versionPrn);
  expect(binaries).toHaveLength(files.length);
  const byTarget = new Map(binaries.map((b) => [b.target, b]));
  for (const file of files) {
    expect(byTarget.get(file.name), file.name).toMatchObject({
      state: 'signed',
      hash: sha256Hex(file.data),
      size: file.data.length,
    });
  }
}

function expectOnceEach(running: RunningAgent, files: BurstFile[]): void {
  const queued = running.of('job:queued').map((e) => e.path);
  expect(new Set(queued).size).toBe(queued.length);
  expect(queued.sort()).toEqual(files.map((f) => f.path).sort());
  const done = running.of('job:done').map((e) => e.path);
  expect(new Set(done).size).toBe(done.length);
  expect(running.of('job:failed')).toEqual([]);
  expect(running.of('file:conflict')).toEqual([]);
}

describe('watch burst with the server gone', () => {
  it('loses nothing and duplicates nothing when the server goes away during a burst', async () => {
    running = await startAgent(bench, [ruleFor(bench, targetFromName)], { jobConcurrency: 8 });
    const first = burst(bench.folder, 100);
    await writeAll(first);
    await running.waitForCount('job:done', 10, undefined, 120_000);
    await bench.stopServer();
    // Files seen while the server is unreachable are hashed and queued all the same.
    const second = burst(bench.folder, 60, 100);
    await writeAll(second);
    await running.waitFor('connectivity:changed', (e) => !e.online, 60_000);
    await running.waitForCount('job:queued', 160, undefined, 120_000);
    await bench.startServer();
    await running.waitForCount('job:done', 160, undefined, 300_000);
    const all = [...first, ...second];
    expectOnceEach(running, all);
    await expectAllSigned(all);
    await expect.poll(() => readdir(running!.agent.spool.dir)).toEqual([]);
  }, 600_000);

  it('keeps a file whose artifact version must be created waiting while the server is gone, then creates it once', async () => {
    const artifact = await bench.api('POST', '/artifacts', { name: 'watched-firmware' });
    const artifactPrn = artifact.body.artifact.prn as string;
    running = await startAgent(bench, [
      ruleFor(bench, {
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn, fromPath: '^(?<version>[^/]+)/' },
      }),
    ]);
    await bench.stopServer();
    await mkdir(path.join(bench.folder, '1.4.0'));
    const data = [content(2000, 1), content(3000, 2)];
    const files = ['1.4.0/a.bin', '1.4.0/b.bin'].map((name) => path.join(bench.folder, name));
    await writeFile(files[0]!, data[0]!);
    await running.waitFor('connectivity:changed', (e) => !e.online, 60_000);
    await writeFile(files[1]!, data[1]!);
    await sleep(1000);
    // Nothing can be queued without the version's PRN; the files wait, spooled.
    expect(running.of('job:queued')).toEqual([]);
    expect(await readdir(running.agent.spool.dir)).toHaveLength(2);
    await bench.startServer();
    const done = await running.waitForCount('job:done', 1, undefined, 60_000);
    // Both files have the same target, so the second is a conflict with the first.
    const conflict = await running.waitFor('file:conflict');
    const versions = (
      await bench.api(
        'GET',
        `/artifact_versions?search=${encodeURIComponent(`artifact_prn:'${artifactPrn}'`)}`,
      )
    ).body.artifact_versions;
    expect(versions.map((v: { version: string }) => v.version)).toEqual(['1.4.0']);
    const taken = files.indexOf(done[0]!.path);
    expect(conflict.path).toBe(files[1 - taken]);
    const binary = (await bench.api('GET', `/binaries/${done[0]!.binaryPrn}`)).body.binary;
    expect(binary).toMatchObject({
      artifact_version_prn: versions[0].prn,
      hash: sha256Hex(data[taken]!),
      state: 'signed',
    });
  }, 120_000);
});
