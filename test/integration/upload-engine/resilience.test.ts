// The upload survives what build machines and laptops go through: the uploader killed with
// -9 at random moments, the server gone for ten seconds, and flaky part uploads.
import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiFor,
  content,
  createArtifactVersion,
  sha256Hex,
  spawnServer,
  tempDir,
  waitFor,
  type Api,
  type Json,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { runCli, startCli } from './cli-harness.js';

const KEY = 'resilience-key';
const MiB = 1024 * 1024;
const servers: SpawnedServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The local server on `dir`'s data folder (the same one again after a restart). */
async function serve(dir: string, ...args: string[]): Promise<SpawnedServer> {
  const server = await spawnServer([
    '--data-dir',
    path.join(dir, 'server'),
    '--api-key',
    KEY,
    ...args,
  ]);
  servers.push(server);
  return server;
}

async function setup(serverArgs: string[] = []) {
  const dir = await tempDir('resilience-');
  dirs.push(dir);
  const server = await serve(dir, ...serverArgs);
  const api = apiFor(server.url, KEY);
  const env = {
    PERIDIO_BASE_URL: server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
  };
  return { dir, server, api, env, versionPrn: await createArtifactVersion(api) };
}

async function download(api: Api, binaryPrn: string): Promise<Buffer> {
  const url = await api('GET', `/binaries/${binaryPrn}/download_url`);
  return Buffer.from(await (await fetch(url.body.download_url)).arrayBuffer());
}

async function validParts(api: Api, binaryPrn: string): Promise<Json[]> {
  const parts = (await api('GET', `/binaries/${binaryPrn}/parts?limit=100`)).body.binary_parts;
  return parts.filter((p: Json) => p.state === 'valid');
}

describe('resilience', () => {
  it('resumes after kill -9 of the uploader at random moments, re-sending no valid part', async () => {
    const { dir, api, env, versionPrn } = await setup(['--faults', 'latencyMs=150']);
    const data = content(96 * MiB, 11);
    const file = path.join(dir, 'big.img');
    await writeFile(file, data);
    const args = [
      '--artifact-version',
      versionPrn,
      '--target',
      'aarch64-unknown-linux-gnu',
      '--json',
      '--concurrency',
      '2',
    ];
    const queued = await runCli(['upload', file, ...args, '--no-wait'], env);
    expect(queued.code).toBe(0);

    let binaryPrn: string | undefined;
    const keptPartPrns = new Set<string>();
    const steps: string[] = [];
    for (let kill = 0; kill < 3; kill += 1) {
      const run = startCli(['queue', 'run', '--json', '--concurrency', '2'], env);
      const uploading = await run.waitForLine(
        (l) => l.event === 'job:step' && l.step === 'uploading',
      );
      binaryPrn ??= uploading.message.split(' ').at(-1);
      // A random moment while parts are in flight, once this run has made a part valid.
      const validBefore = (await validParts(api, binaryPrn!)).length;
      await waitFor(
        'a part to become valid',
        () => validParts(api, binaryPrn!),
        (valid) => valid.length > validBefore,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      run.child.kill('SIGKILL');
      await run.exited;
      for (const part of await validParts(api, binaryPrn!)) keptPartPrns.add(part.prn);
      steps.push(...run.lines.filter((l) => l.event === 'job:step').map((l) => l.message));
    }
    // The first run hashed and sent the new binary's parts in one read and was killed before
    // it declared the content; the next one declared it and kept the valid parts.
    expect(steps).toContainEqual(expect.stringContaining('hashed as it is read'));
    expect(steps).toContainEqual(`declared the content of ${binaryPrn}`);
    expect(binaryPrn).toMatch(/^prn:1:/);
    const finish = await runCli(['queue', 'run', '--json'], env);
    expect(finish.code).toBe(0);
    expect(finish.lines.filter((l) => l.event === 'job:done')).toEqual([
      expect.objectContaining({ binary_prn: binaryPrn, state: 'signable' }),
    ]);
    expect(finish.lines.at(-1)).toMatchObject({ event: 'done', failed: 0 });
    // A part valid before a kill was never sent again: it keeps its PRN (a re-sent part gets a new one).
    const after = new Set((await validParts(api, binaryPrn!)).map((p: Json) => p.prn));
    expect(keptPartPrns.size).toBeGreaterThan(0);
    for (const prn of keptPartPrns) expect(after).toContain(prn);
    expect(sha256Hex(await download(api, binaryPrn!))).toBe(sha256Hex(data));
    // Four CLI starts and 96 MiB through a server that answers each request 150 ms late: about
    // 35 s alone, and up to twice that beside the suite's addon build on two cores.
  }, 150_000);

  it('waits while the server is gone for 10 s and finishes on its own when it is back', async () => {
    const { dir, server, api, env, versionPrn } = await setup(['--faults', 'latencyMs=100']);
    const port = new URL(server.url).port;
    const data = content(40 * MiB, 12);
    const file = path.join(dir, 'offline.img');
    await writeFile(file, data);
    const run = startCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        'riscv64gc-unknown-linux-gnu',
        '--json',
        '--concurrency',
        '1',
      ],
      env,
    );
    await run.waitForLine((l) => l.event === 'job:step' && l.step === 'uploading');
    server.child.kill('SIGKILL');
    await server.exited;
    await run.waitForLine((l) => l.event === 'offline', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await serve(dir, '--port', port);
    await run.waitForLine((l) => l.event === 'online', 60_000);
    expect(await run.exited).toBe(0);
    const done = run.lines.at(-1);
    expect(done).toMatchObject({ event: 'done', state: 'signable' });
    expect(sha256Hex(await download(api, done.binary_prn))).toBe(sha256Hex(data));
    expect(run.lines.filter((l) => l.event === 'failed')).toEqual([]);
  }, 120_000);

  it('queued while the server is down: says it waits, probes, and goes on by itself', async () => {
    const { dir, server, api, env, versionPrn } = await setup();
    const port = new URL(server.url).port;
    server.child.kill('SIGTERM');
    await server.exited;
    const data = content(9 * MiB, 14);
    const file = path.join(dir, 'offline-first.img');
    await writeFile(file, data);
    const run = startCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        'sparc64-unknown-linux-gnu',
        '--json',
      ],
      env,
    );
    const offline = await run.waitForLine((l) => l.event === 'offline', 30_000);
    expect(offline.reason).toMatch(/ECONNREFUSED|connect/i);
    await serve(dir, '--port', port);
    await run.waitForLine((l) => l.event === 'online', 60_000);
    expect(await run.exited).toBe(0);
    expect(run.lines.at(-1)).toMatchObject({ event: 'done', state: 'signable' });
    expect(sha256Hex(await download(api, run.lines.at(-1).binary_prn))).toBe(sha256Hex(data));
  }, 120_000);

  it('finishes with the right content when 10 % of part uploads fail and 10 % drop the connection', async () => {
    const { dir, api, env, versionPrn } = await setup([
      '--faults',
      'part500=0.1,partDrop=0.1,seed=5',
    ]);
    const data = content(48 * MiB + 7, 13);
    const file = path.join(dir, 'flaky.img');
    await writeFile(file, data);
    const result = await runCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        'mips-unknown-linux-gnu',
        '--json',
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sha256Hex(await download(api, result.last.binary_prn))).toBe(sha256Hex(data));
    await waitFor(
      'signable',
      () => api('GET', `/binaries/${result.last.binary_prn}`),
      (r) => r.body.binary.state === 'signable',
    );
  }, 120_000);
});
