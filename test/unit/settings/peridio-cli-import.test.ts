// Importing the official Peridio CLI's settings from a temp folder laid out as the CLI leaves
// it: what is imported, where each secret goes, and why each other item is skipped.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  VaultUnavailableError,
  apiKeyAccount,
  proxyPasswordAccount,
  signingKeyAccount,
} from '../../../src-main/credentials/index.js';
import {
  SettingsFileError,
  importPeridioCliSettings,
  loadSigningKey,
  openSettings,
  peridioCliConfigDir,
  type PeridioCliImportReport,
  type SettingsStore,
} from '../../../src-main/settings/index.js';
import {
  importPrivateKeyPem,
  signBinaryHash,
  verifyBinaryHash,
} from '../../../src-main/signing/index.js';
import { MemoryVault } from '../memory-vault.js';

const ORG = '6a1f9e2c-6f1e-4c43-9c47-0a7d7bbd8c11';
const prn = (id: string) => `prn:1:${ORG}:signing_key:${id}`;
const PRN_A = prn('9a2a9a43-3b0e-4f3a-9a4e-2cd1c7f9e001');
const PRN_B = prn('9a2a9a43-3b0e-4f3a-9a4e-2cd1c7f9e002');
const HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

let root: string;
let cliDir: string;
let settings: SettingsStore;
let vault: MemoryVault;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-import-'));
  cliDir = join(root, 'peridio');
  await mkdir(cliDir);
  settings = openSettings({ dataDir: join(root, 'desk') });
  vault = new MemoryVault();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function ed25519Pem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

async function writeJson(name: string, value: unknown): Promise<void> {
  await writeFile(join(cliDir, name), JSON.stringify(value, null, 2));
}

function run(overwrite = false): Promise<PeridioCliImportReport> {
  return importPeridioCliSettings({ settings, vault, configDir: cliDir, overwrite });
}

function reasons(report: PeridioCliImportReport): Record<string, string> {
  return Object.fromEntries(
    report.skipped.map((skip) => [`${skip.kind}:${skip.name}`, skip.reason]),
  );
}

/** A config.json version 2 as the CLI writes it, with its credentials.json and key files. */
async function writeVersion2(): Promise<{ releasePem: string }> {
  const releasePem = ed25519Pem();
  await mkdir(join(cliDir, 'keys'));
  await writeFile(join(cliDir, 'keys', 'release.pem'), releasePem);
  await writeFile(join(root, 'corp-ca.pem'), '-----BEGIN CERTIFICATE-----\n');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  await writeFile(join(cliDir, 'keys', 'rsa.pem'), rsa);
  const encrypted = generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
  await writeFile(join(cliDir, 'keys', 'encrypted.pem'), encrypted);
  await writeJson('config.json', {
    version: 2,
    profiles: {
      acme: {
        base_url: 'https://api.cremini.peridio.com',
        ca_path: null,
        api_version: 2,
        organization_name: 'acme',
      },
      'acme-corp': { base_url: 'https://peridio.corp.example', ca_path: join(root, 'corp-ca.pem') },
      evk: { organization_name: 'evk' },
      insecure: { base_url: 'http://peridio.example.com' },
      'bad ca': { ca_path: join(root, 'missing.pem') },
    },
    signing_key_pairs: {
      release: { signing_key_prn: PRN_A, signing_key_private_path: 'keys/release.pem' },
      old: { signing_key_prn: PRN_B, signing_key_private_path: join(cliDir, 'keys', 'gone.pem') },
      rsa: { signing_key_prn: PRN_B, signing_key_private_path: 'keys/rsa.pem' },
      locked: { signing_key_prn: PRN_B, signing_key_private_path: 'keys/encrypted.pem' },
      'wrong-prn': {
        signing_key_prn: `prn:1:${ORG}`,
        signing_key_private_path: 'keys/release.pem',
      },
    },
    certificate_authorities: {
      'acme-ca': { private_key: 'ca-key.pem', certificate: 'ca.pem' },
    },
  });
  await writeJson('credentials.json', {
    acme: { api_key: 'KEY-ACME-1234' },
    'acme-corp': { api_key: 'KEY-CORP-5678' },
    evk: { api_key: null },
    ghost: { api_key: 'KEY-GHOST-0000' },
  });
  return { releasePem };
}

describe('importing config.json version 2 with credentials.json', () => {
  it('imports profiles and signing keys, putting every secret in the vault', async () => {
    const { releasePem } = await writeVersion2();
    const report = await run();

    expect(report.configDir).toBe(cliDir);
    expect(report.layout).toBe('version 2');
    expect(report.profiles).toEqual([
      {
        name: 'acme',
        baseUrl: 'https://api.cremini.peridio.com',
        apiKey: 'imported',
        replaced: false,
      },
      {
        name: 'acme-corp',
        baseUrl: 'https://peridio.corp.example',
        apiKey: 'imported',
        replaced: false,
      },
      {
        name: 'evk',
        baseUrl: 'https://api.cremini.peridio.com',
        apiKey: 'missing',
        replaced: false,
      },
    ]);
    expect(settings.getProfile('acme-corp')).toEqual({
      name: 'acme-corp',
      baseUrl: 'https://peridio.corp.example',
      caPath: join(root, 'corp-ca.pem'),
      apiVersion: 2,
    });
    expect(vault.entries.get(apiKeyAccount('acme'))).toBe('KEY-ACME-1234');
    expect(vault.entries.get(apiKeyAccount('acme-corp'))).toBe('KEY-CORP-5678');
    expect(vault.entries.has(apiKeyAccount('evk'))).toBe(false);
    expect(vault.entries.has(apiKeyAccount('ghost'))).toBe(false);

    const release = importPrivateKeyPem(releasePem);
    expect(report.signingKeys).toEqual([
      { name: 'release', signingKeyPrn: PRN_A, keyid: release.keyid, replaced: false },
    ]);
    expect(settings.getSigningKey('release')).toEqual({
      name: 'release',
      signingKeyPrn: PRN_A,
      keyid: release.keyid,
      publicValue: release.publicValue,
      source: 'keychain',
    });
    expect(vault.entries.get(signingKeyAccount('release'))).toBe(releasePem);
    const loaded = await loadSigningKey({ settings, vault }, 'release');
    const signature = signBinaryHash(loaded.keyPair.privateKey, HASH);
    expect(verifyBinaryHash(release.publicValue, HASH, signature)).toBe(true);
  });

  it('reports every skipped item with its reason', async () => {
    await writeVersion2();
    const skipped = reasons(await run());
    expect(Object.keys(skipped).sort()).toEqual([
      'api-key:ghost',
      'certificate-authority:acme-ca',
      'profile:bad ca',
      'profile:insecure',
      'signing-key:locked',
      'signing-key:old',
      'signing-key:rsa',
      'signing-key:wrong-prn',
    ]);
    expect(skipped['profile:insecure']).toContain('must use https://');
    expect(skipped['profile:bad ca']).toContain('the name cannot be used here');
    expect(skipped['signing-key:old']).toBe(
      `The signing key file "${join(cliDir, 'keys', 'gone.pem')}" does not exist.`,
    );
    expect(skipped['signing-key:rsa']).toContain('This is an RSA private key');
    expect(skipped['signing-key:locked']).toContain('protected by a passphrase');
    expect(skipped['signing-key:wrong-prn']).toContain('expected a signing_key PRN');
    expect(skipped['api-key:ghost']).toContain('config.json has no such profile');
  });

  it('never puts a secret into the report or the settings file', async () => {
    const { releasePem } = await writeVersion2();
    const report = JSON.stringify(await run());
    const file = await readFile(settings.path, 'utf8');
    const pemBody = releasePem.split('\n')[1]!;
    for (const text of [report, file]) {
      for (const secret of ['KEY-ACME-1234', 'KEY-CORP-5678', 'KEY-GHOST-0000', pemBody]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('skips a profile whose CA file is missing, naming the file', async () => {
    await writeJson('config.json', {
      version: 2,
      profiles: { corp: { base_url: 'https://x.example', ca_path: 'missing-ca.pem' } },
    });
    expect(reasons(await run())['profile:corp']).toBe(
      `the CA file "${join(cliDir, 'missing-ca.pem')}" does not exist`,
    );
  });
});

describe('names that already exist here', () => {
  it('are skipped by default and replaced, keys included, with overwrite', async () => {
    await writeVersion2();
    settings.addProfile({
      name: 'acme',
      baseUrl: 'https://old.example',
      proxyUrl: 'http://alice@proxy:3128',
    });
    await vault.set(apiKeyAccount('acme'), 'OLD-KEY');
    await vault.set(proxyPasswordAccount('acme'), 'PROXY-PW');
    settings.addProfile({ name: 'evk', baseUrl: 'https://old.example' });
    await vault.set(apiKeyAccount('evk'), 'OLD-EVK-KEY');

    const first = await run();
    expect(reasons(first)['profile:acme']).toContain('already exists here');
    expect(settings.getProfile('acme')?.baseUrl).toBe('https://old.example');
    expect(vault.entries.get(apiKeyAccount('acme'))).toBe('OLD-KEY');

    const second = await run(true);
    expect(second.profiles.find((p) => p.name === 'acme')).toMatchObject({ replaced: true });
    expect(settings.getProfile('acme')?.baseUrl).toBe('https://api.cremini.peridio.com');
    expect(vault.entries.get(apiKeyAccount('acme'))).toBe('KEY-ACME-1234');
    // The way out of this machine is not the Peridio CLI's to change: the proxy stays.
    expect(settings.getProfile('acme')?.proxyUrl).toBe('http://alice@proxy:3128');
    expect(vault.entries.get(proxyPasswordAccount('acme'))).toBe('PROXY-PW');
    // The replaced profile came without a key: the old one must not go to its new server.
    expect(settings.getProfile('evk')?.baseUrl).toBe('https://api.cremini.peridio.com');
    expect(vault.entries.has(apiKeyAccount('evk'))).toBe(false);
    expect(second.signingKeys.find((k) => k.name === 'release')).toMatchObject({ replaced: true });
  });
});

describe('older and broken layouts', () => {
  it('reads a version 1 file (profile names at the top, keys inside)', async () => {
    await writeJson('config.json', {
      legacy: { api_key: 'KEY-LEGACY', base_url: 'https://api.cremini.peridio.com', ca_path: null },
      nokey: { base_url: 'http://localhost:4000' },
      broken: 'not an object',
    });
    const report = await run();
    expect(report.layout).toBe('version 1');
    expect(report.profiles.map((p) => [p.name, p.apiKey])).toEqual([
      ['legacy', 'imported'],
      ['nokey', 'missing'],
    ]);
    expect(vault.entries.get(apiKeyAccount('legacy'))).toBe('KEY-LEGACY');
    expect(reasons(report)['profile:broken']).toBe('its entry is not an object of settings');
  });

  it('reads a version-less file with top-level profiles, credentials.json winning over inline keys', async () => {
    await writeJson('config.json', {
      profiles: { a: { base_url: 'https://a.example', api_key: 'INLINE' }, b: { api_version: 7 } },
    });
    await writeJson('credentials.json', { a: { api_key: 'FROM-CREDENTIALS' } });
    const report = await run();
    expect(report.layout).toBe('version-less with profiles');
    expect(vault.entries.get(apiKeyAccount('a'))).toBe('FROM-CREDENTIALS');
    expect(reasons(report)['profile:b']).toBe('its api_version 7 is not 1 or 2');
  });

  it('reports a missing folder, broken JSON and unknown versions without importing anything', async () => {
    const missing = await importPeridioCliSettings({
      settings,
      vault,
      configDir: join(root, 'nowhere'),
    });
    expect(missing.skipped).toEqual([
      {
        kind: 'file',
        name: join(root, 'nowhere', 'config.json'),
        reason: 'not found: no Peridio CLI profiles to import',
      },
    ]);

    await writeFile(join(cliDir, 'config.json'), '{"version": 2, "profiles": {');
    expect((await run()).skipped[0]?.reason).toMatch(/^is not valid JSON/);

    await writeJson('config.json', { version: 3, profiles: {} });
    expect((await run()).skipped[0]?.reason).toBe('has version 3, which this app cannot read');

    await writeJson('config.json', {
      version: 2,
      profiles: { a: { base_url: 'https://a.example' } },
    });
    await writeFile(join(cliDir, 'credentials.json'), 'api_key=oops');
    const report = await run();
    expect(report.profiles).toEqual([
      { name: 'a', baseUrl: 'https://a.example', apiKey: 'missing', replaced: false },
    ]);
    expect(reasons(report)[`file:${join(cliDir, 'credentials.json')}`]).toMatch(
      /^is not valid JSON/,
    );
    expect(vault.entries.size).toBe(0);
  });
});

describe('when the keychain or the settings cannot be used', () => {
  it('stops before writing any profile when the vault is unavailable', async () => {
    await writeVersion2();
    const unavailable = {
      get: async () => null,
      set: async () => {
        throw new VaultUnavailableError('no Secret Service');
      },
      delete: async () => false,
    };
    await expect(
      importPeridioCliSettings({ settings, vault: unavailable, configDir: cliDir }),
    ).rejects.toThrow(/PERIDIO_API_KEY/);
    expect(settings.listProfiles()).toEqual([]);
    expect(settings.listSigningKeys()).toEqual([]);
  });

  it('stops at once when the settings file is broken', async () => {
    await writeVersion2();
    await writeFile(settings.path, '{ broken');
    await expect(run()).rejects.toThrow(SettingsFileError);
    expect(vault.entries.size).toBe(0);
  });
});

describe('peridioCliConfigDir', () => {
  it('finds the folder where the CLI keeps it on each platform, or PERIDIO_CONFIG_DIRECTORY', () => {
    expect(peridioCliConfigDir({ HOME: '/home/ada' }, 'linux')).toBe('/home/ada/.config/peridio');
    expect(peridioCliConfigDir({ HOME: '/home/ada', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe(
      '/cfg/peridio',
    );
    expect(peridioCliConfigDir({ HOME: '/Users/ada' }, 'darwin')).toBe(
      '/Users/ada/Library/Application Support/peridio',
    );
    expect(peridioCliConfigDir({ HOME: '/u', APPDATA: '/appdata' }, 'win32')).toMatch(
      /^\/appdata[\\/]peridio[\\/]config$/,
    );
    expect(
      peridioCliConfigDir({ HOME: '/u', PERIDIO_CONFIG_DIRECTORY: '/etc/peridio' }, 'linux'),
    ).toBe('/etc/peridio');
  });

  it('is where the import looks when no folder is given', async () => {
    await writeJson('config.json', {
      version: 2,
      profiles: { a: { base_url: 'https://a.example' } },
    });
    const report = await importPeridioCliSettings({
      settings,
      vault,
      env: { HOME: root, PERIDIO_CONFIG_DIRECTORY: cliDir },
    });
    expect(report.configDir).toBe(cliDir);
    expect(report.profiles.map((p) => p.name)).toEqual(['a']);
  });
});
