// Profiles, keys and binaries from the command line, with the real keychain (npm test runs
// this inside a private D-Bus session with a throwaway gnome-keyring) and a real server.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_VECTOR,
  apiFor,
  content,
  createArtifactVersion,
  spawnServer,
  tempDir,
  type Api,
  type Json,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { runCli, writeTestVectorPem } from '../upload-engine/cli-harness.js';

const KEY = 'accounts-key-123';
let dir: string;
let server: SpawnedServer;
let api: Api;
let env: Record<string, string>;
let versionPrn: string;

beforeAll(async () => {
  dir = await tempDir('accounts-');
  server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  api = apiFor(server.url, KEY);
  versionPrn = await createArtifactVersion(api);
  // No PERIDIO_* variables: the profile is what decides. A unique keychain service name is
  // not needed: HOME and the keyring are throwaway, and so is the data folder.
  env = {
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
    PERIDIO_API_KEY: '',
    PERIDIO_BASE_URL: '',
  };
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

describe('login and profiles', () => {
  it('refuses a bad key with the server’s 403 explained, and keeps nothing', async () => {
    const bad = await runCli(
      ['login', '--profile', 'local', '--base-url', server.url],
      env,
      'wrong-key-999\n',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/403/);
    expect(bad.stderr).toMatch(/API key/);
    expect(bad.stderr).not.toContain('wrong-key-999');
    const list = await runCli(['profiles', 'list', '--json'], env);
    expect(list.last).toEqual([]);
  });

  it('logs in with a key on stdin, keeps it in the keychain, and uses the profile', async () => {
    const login = await runCli(
      ['login', '--profile', 'local', '--base-url', server.url],
      env,
      `${KEY}\n`,
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.last).toContain('"local" is now the current profile');
    const list = await runCli(['profiles', 'list', '--json'], env);
    expect(list.last).toEqual([
      expect.objectContaining({
        name: 'local',
        baseUrl: server.url,
        current: true,
        hasApiKey: true,
      }),
    ]);
    // The key is not in the settings file.
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(path.join(dir, 'desk', 'config.json'), 'utf8')).not.toContain(KEY);
    const binaries = await runCli(
      ['binaries', 'list', '--artifact-version', versionPrn, '--json'],
      env,
    );
    expect(binaries.code).toBe(0);
    expect(binaries.last).toEqual({
      workspace: { kind: 'profile', profileName: 'local', baseUrl: server.url },
      binaries: [],
    });
  });
});

describe('signing keys and binaries', () => {
  it('creates a key, signs an upload with it, then resets, resumes and destroys binaries', async () => {
    const created = await runCli(['keys', 'create', 'release', '--json'], env);
    expect(created.code).toBe(0);
    const record = created.last.key;
    const registered = await api('GET', `/signing_keys/${record.signingKeyPrn}`);
    expect(registered.body.signing_key.value).toBe(record.publicValue);

    const file = path.join(dir, 'fw.bin');
    await writeFile(file, content(2 * 1024 * 1024, 21));
    const upload = await runCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        'aarch64-unknown-linux-gnu',
        '--signing-key',
        'release',
        '--json',
      ],
      env,
    );
    expect(upload.code).toBe(0);
    expect(upload.last).toMatchObject({ event: 'done', state: 'signed' });
    const signedPrn = upload.last.binary_prn;

    const other = path.join(dir, 'other.bin');
    await writeFile(other, content(1024, 22));
    const unsigned = await runCli(
      [
        'upload',
        other,
        '--artifact-version',
        versionPrn,
        '--target',
        'x86_64-unknown-linux-gnu',
        '--json',
      ],
      env,
    );
    const reset = await runCli(['binaries', 'reset', unsigned.last.binary_prn, '--json'], env);
    expect(reset.code).toBe(0);
    expect(reset.last.binary).toMatchObject({ state: 'uploadable', revision: 1 });

    const listed = await runCli(
      ['binaries', 'list', '--artifact-version', versionPrn, '--json'],
      env,
    );
    expect(listed.last.binaries.map((b: Json) => [b.target, b.state]).sort()).toEqual([
      ['aarch64-unknown-linux-gnu', 'signed'],
      ['x86_64-unknown-linux-gnu', 'uploadable'],
    ]);

    // The reset binary's upload, queued again from this computer's record of it, then sent.
    const resumed = await runCli(['binaries', 'resume', unsigned.last.binary_prn, '--json'], env);
    expect(resumed.code).toBe(0);
    expect(resumed.last.job).toMatchObject({ status: 'queued', request: { path: other } });
    const ran = await runCli(['queue', 'run', '--json'], env);
    expect(ran.code).toBe(0);
    const again = await api('GET', `/binaries/${unsigned.last.binary_prn}`);
    expect(again.body.binary.state).toBe('signable');
    const signedAgain = await runCli(['binaries', 'resume', signedPrn], env);
    expect(signedAgain.code).toBe(1);
    expect(signedAgain.stderr).toMatch(/its upload is finished, there is nothing to resume/);

    const bundle = await api('POST', '/bundles', {
      binaries: [{ prn: signedPrn, custom_metadata: null }],
    });
    const product = await api('POST', '/products', { name: 'gw' });
    const cohort = await api('POST', '/cohorts', {
      name: 'field',
      product_prn: product.body.product.prn,
    });
    await api('POST', '/releases', {
      bundle_prn: bundle.body.bundle.prn,
      cohort_prn: cohort.body.cohort.prn,
      name: 'v1 rollout',
      required: true,
      schedule_date: null,
    });
    const unconfirmed = await runCli(['binaries', 'destroy', signedPrn], env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('REQUIRED release v1 rollout');
    expect(unconfirmed.stderr).toContain('confirm with --yes');
    expect((await api('GET', `/binaries/${signedPrn}`)).body.binary.state).toBe('signed');
    const destroyed = await runCli(['binaries', 'destroy', signedPrn, '--yes', '--json'], env);
    expect(destroyed.code).toBe(0);
    expect(destroyed.last.binary).toMatchObject({ state: 'destroyed', destroyed: true });
  });

  it('imports a PEM key, finding its registration on the server by public value', async () => {
    await api('POST', '/signing_keys', { name: 'vector-on-server', value: TEST_VECTOR.value });
    const pem = await writeTestVectorPem(path.join(dir, 'keys'));
    const imported = await runCli(
      ['keys', 'import', 'vector', '--private-key', pem, '--json'],
      env,
    );
    expect(imported.code).toBe(0);
    expect(imported.last.key).toMatchObject({ name: 'vector', publicValue: TEST_VECTOR.value });
    const onServer = await api('GET', `/signing_keys/${imported.last.key.signingKeyPrn}`);
    expect(onServer.body.signing_key.name).toBe('vector-on-server');
    const list = await runCli(['keys', 'list', '--json'], env);
    expect(list.last.map((k: Json) => k.name).sort()).toEqual(['release', 'vector']);
    // Given a PRN, the pair must be that registration's: the vector is not "release".
    const release = list.last.find((k: Json) => k.name === 'release');
    const mismatched = await runCli(
      ['keys', 'import', 'wrong', '--private-key', pem, '--signing-key-prn', release.signingKeyPrn],
      env,
    );
    expect(mismatched.code).toBe(1);
    expect(mismatched.stderr).toContain(`is not the pair of ${release.signingKeyPrn}`);
    const after = await runCli(['keys', 'list', '--json'], env);
    expect(after.last.map((k: Json) => k.name).sort()).toEqual(['release', 'vector']);
    const bad = await runCli(
      ['keys', 'import', 'broken', '--private-key', path.join(dir, 'fw.bin')],
      env,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toMatch(/at .*\.ts/);
  });

  it('imports the Peridio CLI’s profiles and keys with a report', async () => {
    const cliDir = path.join(dir, 'peridio-cli');
    await mkdir(cliDir, { recursive: true });
    const pem = await writeTestVectorPem(cliDir);
    await writeFile(
      path.join(cliDir, 'config.json'),
      JSON.stringify({
        version: 2,
        profiles: { staging: { base_url: server.url }, broken: { base_url: 42 } },
        signing_key_pairs: {
          ci: {
            signing_key_prn:
              'prn:1:1f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f:signing_key:2a7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f',
            signing_key_private_path: pem,
          },
        },
      }),
    );
    await writeFile(
      path.join(cliDir, 'credentials.json'),
      JSON.stringify({ staging: { api_key: KEY } }),
    );
    const imported = await runCli(
      ['profiles', 'import-cli', '--config-dir', cliDir, '--json'],
      env,
    );
    expect(imported.code).toBe(0);
    expect(imported.last.profiles).toEqual([
      expect.objectContaining({ name: 'staging', apiKey: 'imported' }),
    ]);
    expect(imported.last.signingKeys).toEqual([expect.objectContaining({ name: 'ci' })]);
    expect(imported.last.skipped).toEqual([expect.objectContaining({ name: 'broken' })]);
    const use = await runCli(['profiles', 'use', 'staging'], env);
    expect(use.code).toBe(0);
    const me = await runCli(['binaries', 'list', '--artifact-version', versionPrn, '--json'], env);
    expect(me.code).toBe(0);
  });
});
