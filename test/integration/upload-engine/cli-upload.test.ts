// `peridio-desk upload` and `queue` as a person or a build machine runs them, against a real
// local server: signed results with the right content, duplicate targets, a file changed
// mid-upload, and the queue commands.
import { writeFile, appendFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_VECTOR,
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
import { registerNewSigningKey, runCli, startCli, writeTestVectorPem } from './cli-harness.js';

const KEY = 'upload-engine-key';
const MiB = 1024 * 1024;

let dir: string;
let server: SpawnedServer;
let api: Api;
let env: Record<string, string>;
let versionPrn: string;
let signingKeyPrn: string;
let pem: string;

beforeAll(async () => {
  dir = await tempDir('cli-upload-');
  server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  api = apiFor(server.url, KEY);
  env = {
    PERIDIO_BASE_URL: server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
  };
  versionPrn = await createArtifactVersion(api);
  const key = await api('POST', '/signing_keys', { name: 'vector', value: TEST_VECTOR.value });
  signingKeyPrn = key.body.signing_key.prn;
  pem = await writeTestVectorPem(path.join(dir, 'keys'));
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

async function file(
  name: string,
  size: number,
  seed: number,
): Promise<{ path: string; data: Buffer }> {
  const data = content(size, seed);
  const target = path.join(dir, name);
  await writeFile(target, data);
  return { path: target, data };
}

async function download(binaryPrn: string): Promise<Buffer> {
  const url = await api('GET', `/binaries/${binaryPrn}/download_url`);
  const response = await fetch(url.body.download_url);
  return Buffer.from(await response.arrayBuffer());
}

const signArgs = () => ['--signing-key-private', pem, '--signing-key-prn', signingKeyPrn];

describe('peridio-desk upload', () => {
  it('takes a multi-part file to a signed binary whose stored content has the file’s hash', async () => {
    const { path: p, data } = await file('firmware.img', 20 * MiB + 12345, 1);
    const result = await runCli(
      [
        'upload',
        p,
        '--artifact-version',
        versionPrn,
        '--target',
        'aarch64-unknown-linux-gnu',
        '--json',
        ...signArgs(),
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.last).toMatchObject({
      event: 'done',
      state: 'signed',
      binary_prn: expect.any(String),
    });
    const binary = (await api('GET', `/binaries/${result.last.binary_prn}`)).body.binary;
    expect(binary).toMatchObject({ state: 'signed', size: data.length, hash: sha256Hex(data) });
    expect(binary.signatures).toEqual([
      expect.objectContaining({ signing_key_prn: signingKeyPrn }),
    ]);
    const parts = (await api('GET', `/binaries/${binary.prn}/parts?limit=100`)).body.binary_parts;
    expect(parts.map((part: Json) => part.size)).toEqual([8 * MiB, 8 * MiB, 4 * MiB + 12345]);
    expect(sha256Hex(await download(binary.prn))).toBe(sha256Hex(data));
    const steps = result.lines.filter((l) => l.event === 'job:step').map((l) => l.step);
    expect(steps).toEqual(
      expect.arrayContaining([
        'hashing-file',
        'finding-binary',
        'uploading',
        'completing',
        'hashing',
        'waiting-signable',
        'signing',
        'done',
      ]),
    );
    const progress = result.lines.filter((l) => l.event === 'job:progress');
    expect(progress.at(-1)).toMatchObject({
      phase: 'uploading',
      bytes_done: data.length,
      bytes_total: data.length,
    });
  });

  it('handles a target that already has a binary: same content continues, other content needs --replace, signed is final', async () => {
    const target = 'x86_64-unknown-linux-gnu';
    const first = await file('a.bin', 3 * MiB, 2);
    const base = ['--artifact-version', versionPrn, '--target', target, '--json'];
    const unsigned = await runCli(['upload', first.path, ...base], env);
    expect(unsigned.code).toBe(0);
    expect(unsigned.last).toMatchObject({ event: 'done', state: 'signable' });
    const prn = unsigned.last.binary_prn;

    const again = await runCli(['upload', first.path, ...base], env);
    expect(again.last).toMatchObject({ event: 'done', binary_prn: prn, state: 'signable' });
    expect(
      again.lines.filter((l) => l.event === 'job:progress' && l.phase === 'uploading'),
    ).toEqual([]);

    const second = await file('b.bin', 2 * MiB, 3);
    const refused = await runCli(['upload', second.path, ...base], env);
    expect(refused.code).toBe(1);
    expect(refused.last.error.code).toBe('target_taken');
    expect(refused.last.error.message).toContain('--replace');
    expect((await api('GET', `/binaries/${prn}`)).body.binary.hash).toBe(sha256Hex(first.data));

    const replaced = await runCli(
      ['upload', second.path, ...base, '--replace', ...signArgs()],
      env,
    );
    expect(replaced.code).toBe(0);
    expect(replaced.last).toMatchObject({ binary_prn: prn, state: 'signed' });
    const binary = (await api('GET', `/binaries/${prn}`)).body.binary;
    expect(binary).toMatchObject({ hash: sha256Hex(second.data), revision: 1 });
    expect(sha256Hex(await download(prn))).toBe(sha256Hex(second.data));

    const final = await runCli(['upload', first.path, ...base, '--replace'], env);
    expect(final.code).toBe(1);
    expect(final.last.error.code).toBe('binary_signed');
    expect(final.last.error.message).toContain('destroy it first');
  });

  it('adds the signature of a second key to a binary signed with another, and nothing when it signed already', async () => {
    const target = 'riscv64gc-unknown-linux-gnu';
    const { path: p } = await file('two-keys.bin', 1 * MiB, 7);
    const base = ['upload', p, '--artifact-version', versionPrn, '--target', target, '--json'];
    const first = await runCli([...base, ...signArgs()], env);
    expect(first.last).toMatchObject({ event: 'done', state: 'signed' });
    const prn = first.last.binary_prn;

    const second = await registerNewSigningKey(api, path.join(dir, 'keys'), 'second-cli');
    const secondArgs = ['--signing-key-private', second.pem, '--signing-key-prn', second.prn];
    const added = await runCli([...base, ...secondArgs], env);
    expect(added.code).toBe(0);
    expect(added.last).toMatchObject({ event: 'done', binary_prn: prn, state: 'signed' });
    const said = added.lines.filter((l) => l.event === 'job:step').map((l) => l.message);
    expect(said).toContain(
      `added the signature of ${second.prn} to ${prn}, already signed with ${signingKeyPrn}`,
    );
    const signedBy = async () =>
      (await api('GET', `/binaries/${prn}`)).body.binary.signatures.map(
        (s: Json) => s.signing_key_prn,
      );
    expect((await signedBy()).sort()).toEqual([signingKeyPrn, second.prn].sort());

    const again = await runCli([...base, ...secondArgs], env);
    expect(again.last).toMatchObject({ event: 'done', binary_prn: prn, state: 'signed' });
    expect(again.lines.filter((l) => l.event === 'job:step').map((l) => l.message)).toContain(
      `${prn} is already signed with ${second.prn}`,
    );
    expect(await signedBy()).toHaveLength(2);
  });

  it('fails a file changed during the upload with a clear reason, uploading nothing of the new content', async () => {
    const slow = await spawnServer([
      '--data-dir',
      path.join(dir, 'slow'),
      '--api-key',
      KEY,
      '--faults',
      'latencyMs=400',
    ]);
    try {
      const slowApi = apiFor(slow.url, KEY);
      const version = await createArtifactVersion(slowApi);
      const { path: p } = await file('changing.img', 24 * MiB, 4);
      const run = startCli(
        [
          'upload',
          p,
          '--artifact-version',
          version,
          '--target',
          'armv7-unknown-linux-gnueabihf',
          '--json',
          '--concurrency',
          '1',
        ],
        { ...env, PERIDIO_BASE_URL: slow.url, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-slow') },
      );
      await run.waitForLine((l) => l.event === 'job:step' && l.step === 'uploading');
      await appendFile(p, 'a late write by the build');
      const code = await run.exited;
      expect(code).toBe(1);
      const last = run.lines.at(-1);
      expect(last.event).toBe('failed');
      expect(last.error.code).toBe('file_changed');
      expect(last.error.message).toContain(p);
      const binary = (await slowApi('GET', `/binaries/${last.binary_prn}`)).body.binary;
      expect(binary.state).toBe('uploadable');
    } finally {
      slow.child.kill('SIGTERM');
      await slow.exited;
    }
  });

  it('refuses bad input before queueing anything, saying what was wrong', async () => {
    // A file that cannot be uploaded is a failure to fix (1), not a usage mistake (2).
    const files: [string[], RegExp][] = [
      [
        [
          'upload',
          path.join(dir, 'missing.img'),
          '--artifact-version',
          versionPrn,
          '--target',
          't',
        ],
        /missing\.img does not exist/,
      ],
      [['upload', dir, '--artifact-version', versionPrn, '--target', 't'], /is not a regular file/],
    ];
    for (const [args, message] of files) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
    }
    const cases: [string[], RegExp][] = [
      [
        ['upload', pem, '--artifact-version', 'prn:1:nope', '--target', 't'],
        /the artifact version PRN must be an artifact_version PRN/,
      ],
      [
        ['upload', pem, '--artifact-version', versionPrn, '--target', 'x'.repeat(129)],
        /at most 128 characters/,
      ],
      // The rule of a watch rule's target: one word.
      [
        ['upload', pem, '--artifact-version', versionPrn, '--target', 'has space'],
        /the target must be at most 128 characters with no spaces/,
      ],
      [['upload', pem, '--artifact-version', versionPrn], /--target TARGET is required/],
      [
        [
          'upload',
          pem,
          '--artifact-version',
          versionPrn,
          '--target',
          't',
          '--signing-key-private',
          pem,
        ],
        /go together/,
      ],
      [
        ['upload', pem, '--artifact-version', versionPrn, '--target', 't', '--concurrency', '0'],
        /--concurrency must be a whole number from 1 to 16/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const list = await runCli(['queue', 'list', '--json'], env);
    const queued = list.last.jobs.filter((job: Json) => job.status === 'queued');
    expect(queued).toEqual([]);
  });
});

describe('peridio-desk queue', () => {
  it('queues with --no-wait, lists, pauses, resumes and runs the queue', async () => {
    const qenv = { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-queue') };
    const one = await file('q1.bin', 1 * MiB, 5);
    const two = await file('q2.bin', 1 * MiB, 6);
    const queued1 = await runCli(
      [
        'upload',
        one.path,
        '--artifact-version',
        versionPrn,
        '--target',
        'q1',
        '--no-wait',
        '--json',
      ],
      qenv,
    );
    const queued2 = await runCli(
      [
        'upload',
        two.path,
        '--artifact-version',
        versionPrn,
        '--target',
        'q2',
        '--no-wait',
        '--json',
        ...signArgs(),
      ],
      qenv,
    );
    expect(queued1.code).toBe(0);
    const id1 = queued1.last.job_id;
    const id2 = queued2.last.job_id;
    const paused = await runCli(['queue', 'pause', id1, '--json'], qenv);
    expect(paused.last.job).toMatchObject({ id: id1, status: 'paused' });
    const listed = await runCli(['queue', 'list', '--json'], qenv);
    expect(listed.last.jobs.map((j: Json) => [j.id, j.status])).toEqual([
      [id1, 'paused'],
      [id2, 'queued'],
    ]);
    const run = await runCli(['queue', 'run', '--json'], qenv);
    expect(run.code).toBe(0);
    expect(run.lines.filter((l) => l.event === 'job:done').map((l) => l.job_id)).toEqual([id2]);
    const resumed = await runCli(['queue', 'resume', id1], qenv);
    expect(resumed.code).toBe(0);
    const again = await runCli(['queue', 'run', '--json'], qenv);
    expect(
      again.lines.filter((l) => l.event === 'job:done').map((l) => [l.job_id, l.state]),
    ).toEqual([[id1, 'signable']]);
    const wrong = await runCli(['queue', 'resume', id1], qenv);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('cannot be resumed: it has ended');
    await waitFor(
      'both binaries listed',
      () =>
        api(
          'GET',
          `/binaries?search=${encodeURIComponent(`artifact_version_prn:'${versionPrn}' and target~'q'`)}`,
        ),
      (r) => r.body.binaries.length === 2,
    );
  });
});

describe('a reader that goes away', () => {
  it('ends the upload with the closed-pipe status, no stack trace, and the job still queued', async () => {
    const { path: big } = await file('piped.img', 48 * MiB, 31);
    const penv = { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-piped') };
    const run = startCli(
      ['upload', big, '--artifact-version', versionPrn, '--target', 'piped', '--json'],
      penv,
    );
    await run.waitForLine((l) => l.event === 'job:queued');
    run.child.stdout!.destroy(); // like `| head -1`
    expect(await run.exited).toBe(141);
    expect(run.stderr()).not.toMatch(/EPIPE|at .*\.js/);
    const listed = await runCli(['queue', 'list', '--json'], penv);
    expect(listed.last.jobs).toEqual([
      // "running" until the next run finds its runner gone and takes it over.
      expect.objectContaining({
        request: expect.objectContaining({ target: 'piped' }),
        status: expect.stringMatching(/queued|running/),
      }),
    ]);
  });
});
