// The command line as a face of the engine, run as processes against real servers: artifacts
// and versions made and found by name, an upload by name signed with one key and a second
// signature added with `binaries sign`, the JSON documents, the line naming the server, the
// exit statuses (2, 75, 130), and a PRN of another organization refused before any request.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyringVault, signingKeyAccount } from '../../../src-main/credentials/index.js';
import { publicKeyValue } from '../../../src-main/signing/index.js';
import {
  TEST_VECTOR,
  apiFor,
  content,
  createArtifactVersion,
  sha256Hex,
  spawnServer,
  tempDir,
  type Api,
  type Json,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { runCli, startCli, writeTestVectorPem } from '../upload-engine/cli-harness.js';

const KEY = 'cli-face-key';
const FOREIGN_ORG = '11111111-2222-4333-8444-555555555555';
const FOREIGN_VERSION = `prn:1:${FOREIGN_ORG}:artifact_version:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;

let dir: string;
let server: SpawnedServer;
let api: Api;
let env: Record<string, string>;
let firstKey: { pem: string; prn: string };
let secondKey: { pem: string; prn: string };

beforeAll(async () => {
  dir = await tempDir('cli-face-');
  server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  api = apiFor(server.url, KEY);
  env = {
    PERIDIO_BASE_URL: server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_PROFILE: '',
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
  };
  const first = await api('POST', '/signing_keys', { name: 'first', value: TEST_VECTOR.value });
  firstKey = {
    pem: await writeTestVectorPem(path.join(dir, 'keys')),
    prn: first.body.signing_key.prn,
  };
  const pair = generateKeyPairSync('ed25519');
  const second = await api('POST', '/signing_keys', {
    name: 'second',
    value: publicKeyValue(pair.privateKey),
  });
  const secondPem = path.join(dir, 'keys', 'second.pem');
  await writeFile(secondPem, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
    mode: 0o600,
  });
  secondKey = { pem: secondPem, prn: second.body.signing_key.prn };
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

const workspaceOf = (url: string) => ({ kind: 'environment', profileName: null, baseUrl: url });

describe('artifacts, versions and binaries by name', () => {
  it('creates an artifact and a version by name, uploads to it by name, and adds a second signature', async () => {
    const created = await runCli(
      ['artifacts', 'create', 'gateway-fw', '--description', 'the gateway image', '--json'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.last).toEqual({
      workspace: workspaceOf(server.url),
      artifact: expect.objectContaining({ name: 'gateway-fw', description: 'the gateway image' }),
    });

    const listed = await runCli(['artifacts', 'list', '--json'], env);
    expect(listed.last.artifacts.map((a: Json) => a.name)).toContain('gateway-fw');

    const version = await runCli(
      ['versions', 'create', '--artifact', 'gateway-fw', '2.1.0', '--json'],
      env,
    );
    expect(version.code).toBe(0);
    expect(version.last.version).toMatchObject({
      version: '2.1.0',
      artifact_prn: created.last.artifact.prn,
    });
    const versions = await runCli(['versions', 'list', '--artifact', 'gateway-fw', '--json'], env);
    expect(versions.last).toMatchObject({
      workspace: workspaceOf(server.url),
      artifact: { name: 'gateway-fw' },
      versions: [expect.objectContaining({ prn: version.last.version.prn, version: '2.1.0' })],
    });
    const missing = await runCli(['versions', 'list', '--artifact', 'no-such-fw'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no artifact named "no-such-fw"');
    expect(missing.stderr).toContain('gateway-fw');

    const file = path.join(dir, 'gateway.img');
    const data = content(3 * 1024 * 1024 + 17, 41);
    await writeFile(file, data);
    const upload = await runCli(
      [
        'upload',
        file,
        '--artifact',
        'gateway-fw',
        '--version',
        '2.1.0',
        '--target',
        'aarch64-unknown-linux-gnu',
        '--signing-key-private',
        firstKey.pem,
        '--signing-key-prn',
        firstKey.prn,
        '--json',
      ],
      env,
    );
    expect(upload.stderr).toBe('');
    expect(upload.code).toBe(0);
    expect(upload.last).toMatchObject({
      event: 'done',
      state: 'signed',
      workspace: workspaceOf(server.url),
    });
    const binaryPrn = upload.last.binary_prn;
    const stored = (await api('GET', `/binaries/${binaryPrn}`)).body.binary;
    expect(stored).toMatchObject({
      artifact_version_prn: version.last.version.prn,
      hash: sha256Hex(data),
    });

    const signed = await runCli(
      [
        'binaries',
        'sign',
        binaryPrn,
        '--signing-key-private',
        secondKey.pem,
        '--signing-key-prn',
        secondKey.prn,
        '--json',
      ],
      env,
    );
    expect(signed.code).toBe(0);
    expect(signed.last.binary.signatures.map((s: Json) => s.signing_key_prn).sort()).toEqual(
      [firstKey.prn, secondKey.prn].sort(),
    );
    const onServer = (await api('GET', `/binaries/${binaryPrn}`)).body.binary;
    expect(onServer.signatures).toHaveLength(2);

    // For a person: the server named first on stderr, the end of an upload said once.
    const another = path.join(dir, 'gateway-person.img');
    await writeFile(another, content(64 * 1024, 45));
    const told = await runCli(
      ['upload', another, '--artifact', 'gateway-fw', '--version', '2.1.0', '--target', 'person'],
      env,
    );
    expect(told.code).toBe(0);
    expect(told.stderr).toBe(`Environment (PERIDIO_API_KEY, ${server.url})\n`);
    const ends = told.lines.filter((line) => String(line).startsWith('done:'));
    expect(ends).toEqual([expect.stringMatching(/^done: prn:\S+:binary:\S+ is signable$/)]);
    expect(told.lines.at(-1)).toBe(ends[0]);

    // The binary on stdout.
    const shown = await runCli(['binaries', 'show', binaryPrn], env);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toBe(`Environment (PERIDIO_API_KEY, ${server.url})\n`);
    expect(shown.lines[0]).toBe(`aarch64-unknown-linux-gnu (${binaryPrn})`);
    expect(shown.lines.join('\n')).toContain(secondKey.prn);
    const json = await runCli(['binaries', 'show', binaryPrn, '--json'], env);
    expect(json.lines).toHaveLength(1);
    expect(json.last).toMatchObject({
      workspace: workspaceOf(server.url),
      binary: { prn: binaryPrn, state: 'signed', allowedActions: { sign: true, reset: false } },
    });
  });
});

describe('exit statuses', () => {
  it('is 2 for a usage mistake and for an input the contract refuses, with the contract’s words', async () => {
    const cases: [string[], RegExp][] = [
      [['artifacts', 'create'], /artifacts create needs a NAME/],
      [['versions', 'list'], /versions list needs --artifact NAME\|PRN/],
      [['binaries', 'sign', 'prn:1:x'], /binaries sign needs --signing-key NAME/],
      [['binaries', 'show', 'not-a-prn'], /the binary PRN must be a binary PRN/],
      [['artifacts', 'list', '--colour'], /Unknown option '--colour'/],
      [['no-such-command'], /Unknown command "no-such-command"/],
      [
        ['upload', 'x.img', '--artifact', 'fw', '--target', 't'],
        /--artifact NAME\|PRN and --version VERSION go together/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const version = await runCli(['--version'], env);
    expect(version.code).toBe(0);
    expect(version.last).toMatch(/^peridio-desk \d+\.\d+\.\d+/);
  });

  it('is 130 when Ctrl+C interrupts a foreground upload, and the job stays queued', async () => {
    const slow = await spawnServer([
      '--data-dir',
      path.join(dir, 'slow'),
      '--api-key',
      KEY,
      '--faults',
      'latencyMs=300',
    ]);
    try {
      const slowEnv = {
        ...env,
        PERIDIO_BASE_URL: slow.url,
        PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-sigint'),
      };
      const artifact = await runCli(['artifacts', 'create', 'slow-fw', '--json'], slowEnv);
      expect(artifact.code).toBe(0);
      await runCli(['versions', 'create', '--artifact', 'slow-fw', '1.0.0'], slowEnv);
      const file = path.join(dir, 'interrupted.img');
      await writeFile(file, content(40 * 1024 * 1024, 42));
      const run = startCli(
        [
          'upload',
          file,
          '--artifact',
          'slow-fw',
          '--version',
          '1.0.0',
          '--target',
          'interrupted',
          '--concurrency',
          '1',
          '--json',
        ],
        slowEnv,
      );
      const queued = await run.waitForLine((l) => l.event === 'job:queued');
      await run.waitForLine((l) => l.event === 'job:step' && l.step === 'uploading');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(run.lines.at(-1)).toMatchObject({
        event: 'stopped',
        job_id: queued.job_id,
        status: 'queued',
      });
      const list = await runCli(['queue', 'list', '--json'], slowEnv);
      expect(list.last.jobs).toEqual([
        expect.objectContaining({ id: queued.job_id, status: 'queued' }),
      ]);
    } finally {
      slow.child.kill('SIGTERM');
      await slow.exited;
    }
  });

  it('is 75 when --timeout runs out with the server down, and the job stays waiting for it', async () => {
    const downEnv = {
      ...env,
      // Nothing listens on the discard port.
      PERIDIO_BASE_URL: 'http://127.0.0.1:9',
      PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-down'),
    };
    const file = path.join(dir, 'offline.img');
    await writeFile(file, content(64 * 1024, 43));
    const version = (await api('GET', '/artifact_versions?limit=1')).body.artifact_versions[0].prn;
    const started = Date.now();
    const result = await runCli(
      [
        'upload',
        file,
        '--artifact-version',
        version,
        '--target',
        'offline',
        '--timeout',
        '8',
        '--json',
      ],
      downEnv,
    );
    expect(result.code).toBe(75);
    expect(Date.now() - started).toBeLessThan(20_000);
    // The job found the server down (its requests' retries take about 2.5 s here, well
    // within the 8 s) and waits for it, saying why: in the queue, never failed, and
    // `queue run` takes it up.
    expect(result.last).toMatchObject({
      event: 'timeout',
      status: 'waiting',
      waiting_reason: expect.stringContaining('could not reach http://127.0.0.1:9'),
      workspace: workspaceOf('http://127.0.0.1:9'),
    });
    const list = await runCli(['queue', 'list', '--json'], downEnv);
    expect(list.last.jobs).toEqual([
      expect.objectContaining({ id: result.last.job_id, status: 'waiting' }),
    ]);
  });
});

describe('the engine’s log on stderr', () => {
  it('is JSON lines beside --json, and leaves a person what the command already says in words', async () => {
    const file = path.join(dir, 'unreachable.img');
    await writeFile(file, content(64 * 1024, 44));
    const version = (await api('GET', '/artifact_versions?limit=1')).body.artifact_versions[0].prn;
    const upload = (folder: string, extra: string[]) =>
      runCli(
        ['upload', file, '--artifact-version', version, '--target', 'nowhere', ...extra],
        // Long enough for the requests to give up, so the engine logs the server unreachable.
        {
          ...env,
          PERIDIO_BASE_URL: 'http://127.0.0.1:9',
          PERIDIO_DESK_DATA_DIR: path.join(dir, folder),
        },
      );
    const [machine, person] = await Promise.all([
      upload('log-json', ['--timeout', '8', '--json']),
      upload('log-person', ['--timeout', '8']),
    ]);
    expect([machine.code, person.code]).toEqual([75, 75]);
    const logged = machine.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; module: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 40, module: 'connectivity' }));
    // A person was told in words already ("the server cannot be reached ..."): no JSON, and
    // no second line from the log saying it again.
    expect(person.stderr).not.toMatch(/^\{|connectivity warn/m);
  });
});

describe('check before sending', () => {
  it('refuses a mismatched, RSA, missing or foreign signing key before any binary exists, naming the key', async () => {
    const version = await runCli(
      ['versions', 'create', '--artifact', 'gateway-fw', '3.0.0', '--json'],
      env,
    );
    expect(version.code).toBe(0);
    const versionPrn = version.last.version.prn;
    const file = path.join(dir, 'checked.img');
    await writeFile(file, content(256 * 1024, 45));
    const rsa = path.join(dir, 'keys', 'rsa.pem');
    await writeFile(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        format: 'pem',
        type: 'pkcs8',
      }),
    );
    const foreignKeyPrn = `prn:1:${FOREIGN_ORG}:signing_key:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
    const cases: [string[], RegExp][] = [
      [
        ['--signing-key-private', secondKey.pem, '--signing-key-prn', firstKey.prn],
        /does not match .*first.*not the pair of the public key registered there/,
      ],
      [
        ['--signing-key-private', rsa, '--signing-key-prn', firstKey.prn],
        /rsa\.pem.*cannot be used.*Ed25519/,
      ],
      [
        ['--signing-key', 'no-such-key'],
        /signing key "no-such-key" cannot be used: There is no signing key named "no-such-key"/,
      ],
      [
        ['--signing-key-private', firstKey.pem, '--signing-key-prn', foreignKeyPrn],
        /belongs to organization 11111111-2222-4333-8444-555555555555/,
      ],
    ];
    for (const [keyArgs, message] of cases) {
      const result = await runCli(
        ['upload', file, '--artifact-version', versionPrn, '--target', 'checked', ...keyArgs],
        { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-checked') },
      );
      expect(result.code, keyArgs.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
    }
    const binaries = await api(
      'GET',
      `/binaries?search=${encodeURIComponent(`artifact_version_prn:'${versionPrn}'`)}`,
    );
    expect(binaries.body.binaries).toEqual([]);
    const queue = await runCli(['queue', 'list', '--json'], {
      ...env,
      PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-checked'),
    });
    expect(queue.last.jobs).toEqual([]);

    // watch --check runs the same check on each rule's key; a key kept here whose private
    // half has gone from the keychain is refused too.
    const created = await runCli(['keys', 'create', 'emptied'], env);
    expect(created.code).toBe(0);
    await new KeyringVault().delete(signingKeyAccount('emptied'));
    const rules = path.join(dir, 'rules.json');
    const rule = (name: string, signingKey: unknown) => ({
      name,
      folder: path.join(dir, 'builds'),
      target: 'arm',
      artifactVersionPrn: versionPrn,
      signingKey,
    });
    await writeFile(
      rules,
      JSON.stringify({
        rules: [
          rule('mismatched', { privateKeyPath: secondKey.pem, signingKeyPrn: firstKey.prn }),
          rule('rsa', { privateKeyPath: rsa, signingKeyPrn: firstKey.prn }),
          rule('missing', 'no-such-key'),
          rule('emptied', 'emptied'),
          rule('foreign', { privateKeyPath: firstKey.pem, signingKeyPrn: foreignKeyPrn }),
          rule('good', { privateKeyPath: firstKey.pem, signingKeyPrn: firstKey.prn }),
        ],
      }),
    );
    const checked = await runCli(['watch', '--check', rules], env);
    await runCli(['keys', 'remove', 'emptied'], env);
    expect(checked.code).toBe(1);
    const problems = checked.stderr.split('\n').slice(1, -1);
    expect(problems).toEqual([
      expect.stringMatching(
        /^ {2}rule "mismatched", field "signingKey": .*second\.pem.*does not match/,
      ),
      expect.stringMatching(
        /^ {2}rule "rsa", field "signingKey": .*rsa\.pem.*cannot be used.*Ed25519/,
      ),
      expect.stringMatching(
        /^ {2}rule "missing", field "signingKey": The signing key "no-such-key" cannot be used/,
      ),
      expect.stringMatching(
        /^ {2}rule "emptied", field "signingKey": The signing key "emptied" cannot be used: .*not in the OS keychain/,
      ),
      expect.stringMatching(
        /^ {2}rule "foreign", field "signingKey": prn:1:11111111-[-0-9a-f]+:signing_key:[-0-9a-f]+ belongs to organization 11111111-2222-4333-8444-555555555555/,
      ),
    ]);
    const after = await api(
      'GET',
      `/binaries?search=${encodeURIComponent(`artifact_version_prn:'${versionPrn}'`)}`,
    );
    expect(after.body.binaries).toEqual([]);
  });
});

describe('the bandwidth cap', () => {
  it('is a preference the command line shows and sets, said by the commands it slows', async () => {
    const capEnv = { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-cap') };
    expect((await runCli(['preferences'], capEnv)).lines).toEqual([
      'max-rate       unlimited',
      'stall-timeout  60 s',
      'jobs           auto',
    ]);
    const set = await runCli(['preferences', 'set', 'max-rate', '40Mbps', '--json'], capEnv);
    expect(set.code).toBe(0);
    expect(set.last.maxRate).toEqual({ bytesPerSecond: 5_000_000, text: '40 Mbit/s' });
    expect((await runCli(['preferences'], capEnv)).lines).toEqual([
      'max-rate       40 Mbit/s',
      'stall-timeout  60 s',
      'jobs           auto',
    ]);

    const versionPrn = await createArtifactVersion(api);
    const file = path.join(dir, 'capped.img');
    await writeFile(file, content(256 * 1024, 45));
    const upload = (...more: string[]) =>
      runCli(
        ['upload', file, '--artifact-version', versionPrn, '--target', 'arm', ...more],
        capEnv,
      );
    const byPreference = await upload();
    expect(byPreference.code).toBe(0);
    expect(byPreference.stderr).toContain(
      'Uploads are capped at 40 Mbit/s (the preference; `peridio-desk preferences set max-rate off` lifts it)',
    );
    const byOption = await upload('--target', 'arm64', '--max-rate', '8MiB/s');
    expect(byOption.code).toBe(0);
    expect(byOption.stderr).toContain('Uploads are capped at 8 MiB/s (--max-rate)');
    // The option was for that command: the preference is as it was.
    expect((await runCli(['preferences'], capEnv)).lines).toEqual([
      'max-rate       40 Mbit/s',
      'stall-timeout  60 s',
      'jobs           auto',
    ]);
  });

  it('refuses a rate it cannot read with exit 2, saying what was wrong and how to write one', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['upload', 'x.img', '--artifact-version', 'prn:1:x', '--target', 't', '--max-rate', '5'],
        /--max-rate: "5" has no unit: write 5MB\/s for megabytes, or 5Mbit\/s/,
      ],
      [['queue', 'run', '--max-rate', '5 Mb/s'], /--max-rate: "5 Mb\/s" is ambiguous/],
      [['watch', '--max-rate', 'fast'], /--max-rate: "fast" is not a rate/],
      [
        ['dashboard', '--max-rate=-1MB/s'],
        /--max-rate: "-1MB\/s" is not a rate: a cap cannot be negative/,
      ],
      [['preferences', 'set', 'max-rate', '5MB'], /max-rate: "5MB" is an amount, not a rate/],
      [['preferences', 'set', 'speed', '5MB/s'], /there is no preference "speed"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('e.g. 5MB/s');
    }
  });
});

describe('the stall timeout', () => {
  it('is a preference the command line shows and sets, in whole seconds', async () => {
    const stallEnv = { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-stall') };
    const set = await runCli(['preferences', 'set', 'stall-timeout', '90'], stallEnv);
    expect(set.code).toBe(0);
    expect(set.lines).toEqual([
      'max-rate       unlimited',
      'stall-timeout  90 s',
      'jobs           auto',
    ]);
    const json = await runCli(['preferences', 'set', 'stall-timeout', '5s', '--json'], stallEnv);
    expect(json.last.stallTimeoutSeconds).toBe(5);
    expect((await runCli(['preferences', '--json'], stallEnv)).last).toMatchObject({
      maxRate: { text: 'unlimited' },
      stallTimeoutSeconds: 5,
    });
  });

  it('refuses a stall timeout it cannot use with exit 2, saying the bounds', async () => {
    const stallEnv = { ...env, PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-stall-bad') };
    const bounds = 'stall-timeout must be a whole number of seconds from 5 to 3600 (e.g. 60)';
    const cases: [string[], string][] = [
      [['preferences', 'set', 'stall-timeout', '4'], `${bounds}, got "4"`],
      [['preferences', 'set', 'stall-timeout', '3601'], `${bounds}, got "3601"`],
      [['preferences', 'set', 'stall-timeout', '1m'], `${bounds}, got "1m"`],
      [
        ['preferences', 'set', 'stall-timeout'],
        'preferences set stall-timeout needs SECONDS, e.g. 60',
      ],
      [
        ['preferences', 'set', 'timeout', '60'],
        'there is no preference "timeout"; the ones to set are max-rate, stall-timeout, jobs',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, stallEnv);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`peridio-desk preferences: ${message}`);
    }
    expect((await runCli(['preferences'], stallEnv)).lines).toEqual([
      'max-rate       unlimited',
      'stall-timeout  60 s',
      'jobs           auto',
    ]);
  });
});

describe('which server', () => {
  // No PERIDIO_* variables and no profile: the embedded local workspace, started by the command.
  const localEnv = () => ({
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-local'),
    PERIDIO_API_KEY: '',
    PERIDIO_BASE_URL: '',
    PERIDIO_PROFILE: '',
  });

  it('names the local workspace first and has the app’s demo artifact and version', async () => {
    const human = await runCli(['versions', 'list', '--artifact', 'demo-firmware'], localEnv());
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^Local workspace \(http:\/\/127\.0\.0\.1:\d+\)\n$/);
    expect(human.lines[0]).toMatch(/^1\.0\.0 +prn:1:/);
    const json = await runCli(['artifacts', 'list', '--json'], localEnv());
    expect(json.stderr).toBe('');
    expect(json.last.workspace).toEqual({
      kind: 'local',
      profileName: null,
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(json.last.artifacts.map((a: Json) => a.name)).toEqual(['demo-firmware']);
  });

  it('refuses a PRN of another organization before any request, naming the local workspace and how to choose another', async () => {
    const file = path.join(dir, 'foreign.img');
    await writeFile(file, content(1024, 44));
    const refused = await runCli(
      ['upload', file, '--artifact-version', FOREIGN_VERSION, '--target', 'arm'],
      localEnv(),
    );
    expect(refused.code).toBe(1);
    const [line, message] = refused.stderr.split('\n');
    expect(line).toMatch(/^Local workspace \(http:\/\/127\.0\.0\.1:\d+\)$/);
    expect(message).toContain(`${FOREIGN_VERSION} belongs to organization ${FOREIGN_ORG}`);
    expect(message).toContain('the workspace in use is the local workspace');
    expect(message).toMatch(/PERIDIO_PROFILE.*PERIDIO_API_KEY.*profiles use/);
    const list = await runCli(['queue', 'list', '--json'], localEnv());
    expect(list.last.jobs).toEqual([]);
    const binaries = await runCli(
      ['binaries', 'list', '--artifact-version', FOREIGN_VERSION, '--json'],
      localEnv(),
    );
    expect(binaries.code).toBe(1);
    expect(binaries.stderr).toContain('the workspace in use is the local workspace');
  });
});
