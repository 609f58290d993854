// The same file uploaded twice at once to the same target: both uploads end well and the
// server holds one binary, signed as asked. Two `upload` commands on one data folder join one
// job (the second follows the first); two jobs on one binary in one queue run one after the
// other.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  apiFor,
  binariesOf,
  content,
  createArtifactVersion,
  sha256Hex,
  spawnServer,
  tempDir,
  type Api,
  type Json,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { registerNewSigningKey, runCli, startCli } from './cli-harness.js';

const KEY = 'concurrent-uploads-key';
const MiB = 1024 * 1024;

let dir: string;
let server: SpawnedServer;
let api: Api;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir('concurrent-uploads-');
  server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  api = apiFor(server.url, KEY);
  env = {
    PERIDIO_BASE_URL: server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
  };
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

async function firmware(name: string, seed: number): Promise<{ path: string; data: Buffer }> {
  const data = content(20 * MiB + 4321, seed);
  const file = path.join(dir, name);
  await writeFile(file, data);
  return { path: file, data };
}

/** The live binaries of a version's target, as the server lists them. */
async function liveBinaries(versionPrn: string, target: string): Promise<Json[]> {
  return (await binariesOf(api, versionPrn)).filter(
    (b) => b.target === target && b.state !== 'destroyed',
  );
}

it('two upload commands of one file to one target, started together, both end signed on one binary', async () => {
  const versionPrn = await createArtifactVersion(api);
  const key = await registerNewSigningKey(api, path.join(dir, 'keys'), 'together');
  const { path: file, data } = await firmware('together.img', 11);
  const args = [
    'upload',
    file,
    '--artifact-version',
    versionPrn,
    '--target',
    'aarch64-unknown-linux-gnu',
    '--signing-key-private',
    key.pem,
    '--signing-key-prn',
    key.prn,
    '--json',
  ];

  const runs = [startCli(args, env), startCli(args, env)];
  const codes = await Promise.all(runs.map((run) => run.exited));

  for (const [i, run] of runs.entries()) {
    expect(codes[i], `upload ${i + 1}: ${JSON.stringify(run.lines.at(-1))} ${run.stderr()}`).toBe(
      0,
    );
    expect(run.lines.at(-1)).toMatchObject({ event: 'done', state: 'signed' });
  }
  const [binary, ...others] = await liveBinaries(versionPrn, 'aarch64-unknown-linux-gnu');
  expect(others).toEqual([]);
  expect(runs.map((run) => run.lines.at(-1).binary_prn)).toEqual([binary.prn, binary.prn]);
  expect(binary).toMatchObject({ state: 'signed', size: data.length, hash: sha256Hex(data) });
  expect(binary.signatures.map((s: Json) => s.signing_key_prn)).toEqual([key.prn]);
});

it('two jobs for one file and target in one queue run one after the other, and both end well', async () => {
  const versionPrn = await createArtifactVersion(api);
  const first = await registerNewSigningKey(api, path.join(dir, 'keys'), 'first');
  const second = await registerNewSigningKey(api, path.join(dir, 'keys'), 'second');
  const { path: file, data } = await firmware('two-keys.img', 12);
  const queueEnv = { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-two-jobs') };
  const upload = (key: { pem: string; prn: string }) =>
    runCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        'x86_64-unknown-linux-gnu',
        '--signing-key-private',
        key.pem,
        '--signing-key-prn',
        key.prn,
        '--no-wait',
        '--json',
      ],
      queueEnv,
    );
  // Two requests that differ (the key), so two jobs, each of which would create the binary.
  const queued = [await upload(first), await upload(second)];
  expect(queued.map((q) => q.code)).toEqual([0, 0]);
  expect(queued[0]!.last.job_id).not.toBe(queued[1]!.last.job_id);

  const run = await runCli(['queue', 'run', '--jobs', '2', '--json'], queueEnv);

  expect(run.code, `${JSON.stringify(run.lines.slice(-3))} ${run.stderr}`).toBe(0);
  const list = await runCli(['queue', 'list', '--json'], queueEnv);
  expect(list.last.jobs.map((job: Json) => [job.status, job.error])).toEqual([
    ['done', null],
    ['done', null],
  ]);
  const [binary, ...others] = await liveBinaries(versionPrn, 'x86_64-unknown-linux-gnu');
  expect(others).toEqual([]);
  expect(binary).toMatchObject({ state: 'signed', size: data.length, hash: sha256Hex(data) });
  expect(binary.signatures.map((s: Json) => s.signing_key_prn).sort()).toEqual(
    [first.prn, second.prn].sort(),
  );
});
