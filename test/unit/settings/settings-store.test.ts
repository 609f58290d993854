// Profiles, signing key records and preferences in a real conf file in a temp folder: the
// rules a person runs into when adding, changing and choosing profiles.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsError,
  openSettings,
  type SettingsStore,
} from '../../../src-main/settings/index.js';
import { DEFAULT_STALL_TIMEOUT_MS } from '../../../src-main/upload/index.js';

const ORG = 'prn:1:6a1f9e2c-6f1e-4c43-9c47-0a7d7bbd8c11';
const KEY_PRN = `${ORG}:signing_key:9a2a9a43-3b0e-4f3a-9a4e-2cd1c7f9e001`;
const VALUE = 'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=';

let dir: string;
let settings: SettingsStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-'));
  settings = openSettings({ dataDir: dir });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function settingsError(run: () => unknown): SettingsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

async function fileContent(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
}

describe('profiles', () => {
  it('adds, lists, updates, uses and removes profiles, kept in <dataDir>/config.json', async () => {
    expect(settings.path).toBe(join(dir, 'config.json'));
    expect(settings.listProfiles()).toEqual([]);
    expect(settings.currentProfileName()).toBeNull();

    settings.addProfile({ name: 'prod', baseUrl: 'https://api.cremini.peridio.com/' });
    settings.addProfile({ name: 'local.dev', baseUrl: 'http://127.0.0.1:4001', apiVersion: 1 });
    expect(settings.listProfiles()).toEqual([
      { name: 'local.dev', baseUrl: 'http://127.0.0.1:4001', apiVersion: 1 },
      { name: 'prod', baseUrl: 'https://api.cremini.peridio.com', apiVersion: 2 },
    ]);

    settings.useProfile('local.dev');
    expect(settings.currentProfileName()).toBe('local.dev');
    // A second store on the same folder (another process) sees the same settings.
    expect(openSettings({ dataDir: dir }).currentProfileName()).toBe('local.dev');

    const updated = settings.updateProfile('prod', { organizationPrn: ORG });
    expect(updated).toEqual({
      name: 'prod',
      baseUrl: 'https://api.cremini.peridio.com',
      apiVersion: 2,
      organizationPrn: ORG,
    });
    expect(
      settings.updateProfile('prod', { organizationPrn: null }).organizationPrn,
    ).toBeUndefined();

    expect(settings.removeProfile('local.dev')).toBe(true);
    expect(settings.currentProfileName()).toBeNull();
    expect(settings.removeProfile('local.dev')).toBe(false);
    expect((await fileContent()).profiles).toEqual({
      prod: { baseUrl: 'https://api.cremini.peridio.com', apiVersion: 2 },
    });
  });

  it('refuses names that are empty, too long, or have other characters', () => {
    for (const name of ['', 'a'.repeat(65), 'my profile', '-prod', '__proto__', 'prød', 'a/b']) {
      const error = settingsError(() =>
        settings.addProfile({ name, baseUrl: 'https://api.cremini.peridio.com' }),
      );
      expect(error.code).toBe('invalid_profile');
      expect(error.message).toContain('a name is 1 to 64 letters, digits, "-", "_" or "."');
    }
    expect(
      settings.addProfile({ name: 'a'.repeat(64), baseUrl: 'https://x.example' }).name,
    ).toHaveLength(64);
    expect(
      settings.addProfile({ name: 'Org_1.staging-2', baseUrl: 'https://x.example' }).name,
    ).toBe('Org_1.staging-2');
  });

  it('allows http only to this machine, because the API key would cross the network readably', () => {
    const error = settingsError(() =>
      settings.addProfile({ name: 'lan', baseUrl: 'http://192.168.1.20:4000' }),
    );
    expect(error.message).toContain('must use https://');
    expect(error.message).toContain('API key');
    for (const baseUrl of ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000']) {
      expect(
        settings.addProfile({ name: `l${settings.listProfiles().length}`, baseUrl }).baseUrl,
      ).toBe(baseUrl);
    }
    for (const baseUrl of [
      'ftp://example.com',
      'api.cremini.peridio.com',
      'https://u:p@example.com',
      'https://example.com/?x=1',
    ]) {
      expect(settingsError(() => settings.addProfile({ name: 'bad', baseUrl })).code).toBe(
        'invalid_profile',
      );
    }
  });

  it('requires a CA file that exists and stores it as an absolute path', async () => {
    const missing = join(dir, 'missing-ca.pem');
    const error = settingsError(() =>
      settings.addProfile({
        name: 'corp',
        baseUrl: 'https://peridio.corp.example',
        caPath: missing,
      }),
    );
    expect(error.message).toContain(`the CA file "${missing}" does not exist`);
    await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    const relative = join(dir, 'ca.pem').slice(process.cwd().length + 1);
    const profile = settings.addProfile({
      name: 'corp',
      baseUrl: 'https://peridio.corp.example',
      caPath: dir.startsWith(process.cwd()) ? relative : join(dir, 'ca.pem'),
    });
    expect(profile.caPath).toBe(join(dir, 'ca.pem'));
    expect(settings.updateProfile('corp', { caPath: null }).caPath).toBeUndefined();
  });

  it('refuses an organization PRN of the wrong kind and an unknown API version', () => {
    expect(
      settingsError(() =>
        settings.addProfile({ name: 'p', baseUrl: 'https://x.example', organizationPrn: KEY_PRN }),
      ).message,
    ).toContain('organization PRN');
    expect(
      settingsError(() =>
        settings.addProfile({ name: 'p', baseUrl: 'https://x.example', apiVersion: 3 as 2 }),
      ).message,
    ).toContain('the API version is 1 or 2');
  });

  it('never takes an API key into the settings file', async () => {
    const error = settingsError(() =>
      settings.addProfile({
        name: 'p',
        baseUrl: 'https://x.example',
        apiKey: 'secret-key',
      } as never),
    );
    expect(error.message).toContain('unknown field "apiKey"');
    expect(error.message).toContain('OS keychain');
    expect(error.message).not.toContain('secret-key');
    expect(settings.listProfiles()).toEqual([]);
  });

  it('keeps a proxy URL without a password, and changes or clears it', async () => {
    settings.addProfile({
      name: 'office',
      baseUrl: 'https://a.example',
      proxyUrl: 'HTTP://Alice@Proxy.Example:3128/',
    });
    expect(settings.getProfile('office')?.proxyUrl).toBe('http://Alice@proxy.example:3128');
    const stored = (await fileContent()).profiles as Record<string, Record<string, unknown>>;
    expect(stored.office?.proxyUrl).toBe('http://Alice@proxy.example:3128');
    expect(settings.updateProfile('office', { proxyUrl: 'https://proxy2:8443' }).proxyUrl).toBe(
      'https://proxy2:8443',
    );
    expect(settings.updateProfile('office', { proxyUrl: null })).not.toHaveProperty('proxyUrl');
    const withPassword = settingsError(() =>
      settings.updateProfile('office', { proxyUrl: 'http://alice:hunter2@proxy:3128' }),
    );
    expect(withPassword.problems).toEqual([
      { field: 'proxyUrl', message: expect.stringMatching(/must not hold a password/) },
    ]);
    expect(withPassword.message).not.toContain('hunter2');
    const socks = settingsError(() =>
      settings.addProfile({ name: 's', baseUrl: 'https://a.example', proxyUrl: 'socks5://p:1' }),
    );
    expect(socks.message).toContain('the proxy URL must start with http:// or https://');
    expect(settings.listProfiles().map((p) => p.name)).toEqual(['office']);
  });

  it('refuses duplicates unless replacing, and unknown profiles by name', () => {
    settings.addProfile({ name: 'prod', baseUrl: 'https://a.example' });
    expect(
      settingsError(() => settings.addProfile({ name: 'prod', baseUrl: 'https://b.example' })).code,
    ).toBe('profile_exists');
    settings.addProfile({ name: 'prod', baseUrl: 'https://b.example' }, { replace: true });
    expect(settings.getProfile('prod')?.baseUrl).toBe('https://b.example');
    const missing = settingsError(() => settings.useProfile('staging'));
    expect(missing.code).toBe('profile_not_found');
    expect(missing.message).toBe('There is no profile named "staging". Profiles: prod.');
    expect(settingsError(() => settings.updateProfile('staging', {})).code).toBe(
      'profile_not_found',
    );
    settings.useProfile('prod');
    settings.useProfile(null);
    expect(settings.currentProfileName()).toBeNull();
  });

  it('does not mistake object built-ins for profiles', () => {
    expect(settings.getProfile('constructor')).toBeUndefined();
    settings.addProfile({ name: 'constructor', baseUrl: 'https://x.example' });
    expect(settings.getProfile('constructor')?.baseUrl).toBe('https://x.example');
  });
});

describe('signing key records', () => {
  it('adds, lists and removes records; the private key is never part of them', async () => {
    const record = settings.addSigningKey({
      name: 'release.2025',
      signingKeyPrn: KEY_PRN,
      keyid: 'ab'.repeat(32),
      publicValue: VALUE,
    });
    expect(record).toEqual({
      name: 'release.2025',
      signingKeyPrn: KEY_PRN,
      keyid: 'ab'.repeat(32),
      publicValue: VALUE,
      source: 'keychain',
    });
    expect(settings.listSigningKeys()).toEqual([record]);
    expect(Object.keys((await fileContent()).signingKeys as object)).toEqual(['release.2025']);
    expect(settings.removeSigningKey('release.2025')).toBe(true);
    expect(settings.getSigningKey('release.2025')).toBeUndefined();
  });

  it('refuses a bad PRN, a bad public value, a private key field and duplicates', () => {
    const base = { name: 'k', signingKeyPrn: KEY_PRN, keyid: 'x', publicValue: VALUE };
    expect(
      settingsError(() => settings.addSigningKey({ ...base, signingKeyPrn: ORG })).message,
    ).toContain('signing key PRN');
    expect(
      settingsError(() => settings.addSigningKey({ ...base, publicValue: 'AAAA' })).message,
    ).toContain('raw 32-byte Ed25519 public key');
    expect(
      settingsError(() => settings.addSigningKey({ ...base, privateKey: 'x' } as never)).message,
    ).toContain('never in this file');
    settings.addSigningKey(base);
    expect(settingsError(() => settings.addSigningKey(base)).code).toBe('signing_key_exists');
  });
});

describe('preferences', () => {
  const retention = {
    finishedJobsKeepDays: 30,
    finishedJobsKeepLast: 1000,
    maxRate: 'unlimited',
    stallTimeoutSeconds: 60,
    jobConcurrency: null,
  };

  it('has defaults, keeps changes, and refuses values out of range', () => {
    expect(settings.getPreferences()).toEqual({ uploadConcurrency: 4, spool: false, ...retention });
    expect(settings.updatePreferences({ uploadConcurrency: 16 })).toEqual({
      uploadConcurrency: 16,
      spool: false,
      ...retention,
    });
    expect(settings.updatePreferences({ spool: true })).toEqual({
      uploadConcurrency: 16,
      spool: true,
      ...retention,
    });
    for (const uploadConcurrency of [0, 17, 2.5]) {
      const error = settingsError(() => settings.updatePreferences({ uploadConcurrency }));
      expect(error.code).toBe('invalid_preferences');
      expect(error.message).toMatch(/upload concurrency/);
    }
    expect(openSettings({ dataDir: dir }).getPreferences()).toEqual({
      uploadConcurrency: 16,
      spool: true,
      ...retention,
    });
  });

  it('keeps a fixed number of uploads at once, or none (adaptive), within 1 to 16', () => {
    expect(settings.updatePreferences({ jobConcurrency: 3 }).jobConcurrency).toBe(3);
    for (const jobConcurrency of [0, 17, 2.5]) {
      const error = settingsError(() => settings.updatePreferences({ jobConcurrency }));
      expect(error.code).toBe('invalid_preferences');
      expect(error.message).toMatch(/uploads at once must be a whole number from 1 to 16/);
    }
    expect(openSettings({ dataDir: dir }).getPreferences().jobConcurrency).toBe(3);
    expect(settings.updatePreferences({ jobConcurrency: null }).jobConcurrency).toBeNull();
  });

  it('keeps finished jobs as long and as many as asked, within bounds it names', () => {
    expect(
      settings.updatePreferences({ finishedJobsKeepDays: 7, finishedJobsKeepLast: 0 }),
    ).toMatchObject({ finishedJobsKeepDays: 7, finishedJobsKeepLast: 0 });
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ finishedJobsKeepDays: 0 }, /at least 1 day/],
      [{ finishedJobsKeepDays: 1.5 }, /whole number/],
      [{ finishedJobsKeepLast: -1 }, /0 or more/],
      [{ finishedJobsKeepLast: 100_001 }, /at most 100,000/],
    ];
    for (const [change, words] of refused) {
      const error = settingsError(() => settings.updatePreferences(change));
      expect(error.code).toBe('invalid_preferences');
      expect(error.message).toMatch(words);
    }
    expect(openSettings({ dataDir: dir }).getPreferences()).toMatchObject({
      finishedJobsKeepDays: 7,
      finishedJobsKeepLast: 0,
    });
  });

  it('keeps the bandwidth cap as the app writes it, and refuses one it cannot read', () => {
    expect(settings.updatePreferences({ maxRate: '40Mbps' }).maxRate).toBe('40 Mbit/s');
    expect(openSettings({ dataDir: dir }).getPreferences().maxRate).toBe('40 Mbit/s');
    const error = settingsError(() => settings.updatePreferences({ maxRate: '5 MB' }));
    expect(error.code).toBe('invalid_preferences');
    expect(error.message).toContain('maxRate');
    expect(error.message).toContain('add "/s"');
    expect(settings.getPreferences().maxRate).toBe('40 Mbit/s');
    expect(settings.updatePreferences({ maxRate: 'off' }).maxRate).toBe('unlimited');
  });

  it('keeps the stall timeout in whole seconds from 5 to 3600, a minute unless set', () => {
    // The preference's default is the upload room's own, so a task without one waits as long.
    expect(settings.getPreferences().stallTimeoutSeconds * 1000).toBe(DEFAULT_STALL_TIMEOUT_MS);
    expect(settings.updatePreferences({ stallTimeoutSeconds: 5 }).stallTimeoutSeconds).toBe(5);
    expect(settings.updatePreferences({ stallTimeoutSeconds: 3600 }).stallTimeoutSeconds).toBe(
      3600,
    );
    for (const stallTimeoutSeconds of [4, 3601, 90.5, '90', null]) {
      const change: Record<string, unknown> = { stallTimeoutSeconds };
      const error = settingsError(() => settings.updatePreferences(change));
      expect(error.code).toBe('invalid_preferences');
      expect(error.message).toContain('stallTimeoutSeconds');
      expect(error.message).toContain('a whole number of seconds from 5 to 3600');
    }
    expect(openSettings({ dataDir: dir }).getPreferences().stallTimeoutSeconds).toBe(3600);
  });
});
