// Profiles with their API keys and signing key records with their private keys: the record
// in the settings file, the secret in the vault, and what happens when one half is missing.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiKeyAccount,
  proxyPasswordAccount,
  signingKeyAccount,
} from '../../../src-main/credentials/index.js';
import type {
  CreateSigningKeyInput as ApiCreateInput,
  SigningKey,
} from '../../../src-main/peridio/index.js';
import {
  SettingsError,
  createSigningKey,
  forgetProfile,
  forgetSigningKey,
  hasApiKey,
  hasProxyPassword,
  loadSigningKey,
  openSettings,
  saveProfile,
  setProfileProxy,
  storeSigningKey,
  type SettingsStore,
} from '../../../src-main/settings/index.js';
import {
  exportPrivateKeyPem,
  generateSigningKeyPair,
  verifyBinaryHash,
  signBinaryHash,
} from '../../../src-main/signing/index.js';
import { MemoryVault } from '../memory-vault.js';

const ORG = 'prn:1:6a1f9e2c-6f1e-4c43-9c47-0a7d7bbd8c11';
const KEY_PRN = `${ORG}:signing_key:9a2a9a43-3b0e-4f3a-9a4e-2cd1c7f9e001`;
const HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

let dir: string;
let settings: SettingsStore;
let vault: MemoryVault;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credential-pairs-'));
  settings = openSettings({ dataDir: dir });
  vault = new MemoryVault();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profiles with API keys', () => {
  it('keeps the key in the vault only, and forgets both together', async () => {
    await saveProfile(
      { settings, vault },
      { name: 'prod', baseUrl: 'https://a.example' },
      { apiKey: 'KEY-123' },
    );
    expect(vault.entries.get(apiKeyAccount('prod'))).toBe('KEY-123');
    expect(await hasApiKey(vault, 'prod')).toBe(true);
    expect(await readFile(settings.path, 'utf8')).not.toContain('KEY-123');
    expect(await forgetProfile({ settings, vault }, 'prod')).toBe(true);
    expect(settings.getProfile('prod')).toBeUndefined();
    expect(await hasApiKey(vault, 'prod')).toBe(false);
    expect(await forgetProfile({ settings, vault }, 'prod')).toBe(false);
  });

  it('stores nothing when the profile or the key is refused', async () => {
    await expect(
      saveProfile(
        { settings, vault },
        { name: 'lan', baseUrl: 'http://10.0.0.2' },
        { apiKey: 'KEY' },
      ),
    ).rejects.toThrow('must use https://');
    await expect(
      saveProfile(
        { settings, vault },
        { name: 'p', baseUrl: 'https://a.example' },
        { apiKey: 'two words' },
      ),
    ).rejects.toThrow('printable ASCII without spaces');
    settings.addProfile({ name: 'taken', baseUrl: 'https://a.example' });
    await expect(
      saveProfile(
        { settings, vault },
        { name: 'taken', baseUrl: 'https://b.example' },
        { apiKey: 'NEW' },
      ),
    ).rejects.toThrow('already exists');
    expect(vault.entries.size).toBe(0);
    expect(settings.listProfiles().map((p) => p.name)).toEqual(['taken']);
  });
});

describe("profiles with their proxy's password", () => {
  const stores = () => ({ settings, vault });
  const saved = () => vault.entries.get(proxyPasswordAccount('office'));

  it('splits the password off the URL into the vault, and forgets it with the profile', async () => {
    const profile = await saveProfile(
      stores(),
      {
        name: 'office',
        baseUrl: 'https://a.example',
        proxyUrl: 'http://alice:pr%40xy@proxy:3128',
      },
      { apiKey: 'KEY' },
    );
    expect(profile.proxyUrl).toBe('http://alice@proxy:3128');
    expect(saved()).toBe('pr@xy');
    expect(await hasProxyPassword(vault, profile)).toBe(true);
    expect(await readFile(settings.path, 'utf8')).not.toMatch(/pr(%40|@)xy/);
    expect(await forgetProfile(stores(), 'office')).toBe(true);
    expect(vault.entries.size).toBe(0);
  });

  it('takes the password typed apart, and refuses one without a user before storing anything', async () => {
    await saveProfile(
      stores(),
      { name: 'office', baseUrl: 'https://a.example', proxyUrl: 'http://alice@proxy:3128' },
      { proxyPassword: 'typed' },
    );
    expect(saved()).toBe('typed');
    await expect(
      saveProfile(
        stores(),
        { name: 'other', baseUrl: 'https://a.example', proxyUrl: 'http://proxy:3128' },
        { apiKey: 'KEY', proxyPassword: 'typed' },
      ),
    ).rejects.toMatchObject({
      code: 'invalid_profile',
      problems: [{ field: 'proxyPassword', message: expect.stringMatching(/needs a user name/) }],
    });
    expect(vault.entries.has(apiKeyAccount('other'))).toBe(false);
    expect(settings.getProfile('other')).toBeUndefined();
  });

  it('logging in again without a proxy keeps the proxy and its password', async () => {
    await saveProfile(
      stores(),
      { name: 'office', baseUrl: 'https://a.example', proxyUrl: 'http://alice:pw@proxy:3128' },
      { apiKey: 'OLD' },
    );
    const again = await saveProfile(
      stores(),
      { name: 'office', baseUrl: 'https://b.example' },
      { apiKey: 'NEW', replace: true },
    );
    expect(again).toMatchObject({
      baseUrl: 'https://b.example',
      proxyUrl: 'http://alice@proxy:3128',
    });
    expect(saved()).toBe('pw');
  });

  it('keeps a saved password while the user and host stay, and deletes it when either changes', async () => {
    settings.addProfile({ name: 'office', baseUrl: 'https://a.example' });
    await setProfileProxy(stores(), 'office', { proxyUrl: 'http://alice:pw@proxy:3128' });
    expect(saved()).toBe('pw');
    // Another port or scheme is the same proxy.
    await setProfileProxy(stores(), 'office', { proxyUrl: 'https://alice@proxy:8443' });
    expect(saved()).toBe('pw');
    await setProfileProxy(stores(), 'office', { proxyUrl: 'https://alice@elsewhere:8443' });
    expect(saved()).toBeUndefined();
    await setProfileProxy(stores(), 'office', {
      proxyUrl: 'https://alice@proxy:8443',
      proxyPassword: 'pw2',
    });
    await setProfileProxy(stores(), 'office', { proxyUrl: 'https://bob@proxy:8443' });
    expect(saved()).toBeUndefined();
    expect(settings.getProfile('office')?.proxyUrl).toBe('https://bob@proxy:8443');
    expect(await hasProxyPassword(vault, settings.getProfile('office')!)).toBe(false);
  });

  it('removes the proxy and its password together; an unknown profile changes nothing', async () => {
    settings.addProfile({ name: 'office', baseUrl: 'https://a.example' });
    await setProfileProxy(stores(), 'office', { proxyUrl: 'http://alice:pw@proxy:3128' });
    const removed = await setProfileProxy(stores(), 'office', null);
    expect(removed).not.toHaveProperty('proxyUrl');
    expect(vault.entries.size).toBe(0);
    await expect(
      setProfileProxy(stores(), 'nope', { proxyUrl: 'http://alice:pw@proxy:3128' }),
    ).rejects.toThrow('There is no profile named "nope". Profiles: office.');
    expect(vault.entries.size).toBe(0);
  });
});

describe('signing keys with private keys', () => {
  it('stores, loads (ready to sign) and forgets a key pair', async () => {
    const pair = generateSigningKeyPair();
    const record = await storeSigningKey(
      { settings, vault },
      { name: 'release', signingKeyPrn: KEY_PRN, keyPair: pair },
    );
    expect(record).toMatchObject({
      keyid: pair.keyid,
      publicValue: pair.publicValue,
      source: 'keychain',
    });
    expect(vault.entries.get(signingKeyAccount('release'))).toBe(
      exportPrivateKeyPem(pair.privateKey),
    );
    const loaded = await loadSigningKey({ settings, vault }, 'release');
    expect(
      verifyBinaryHash(pair.publicValue, HASH, signBinaryHash(loaded.keyPair.privateKey, HASH)),
    ).toBe(true);
    expect(await forgetSigningKey({ settings, vault }, 'release')).toBe(true);
    expect(vault.entries.size).toBe(0);
    expect(settings.listSigningKeys()).toEqual([]);
  });

  it('says so when the keychain lost the private key or holds a different one', async () => {
    await storeSigningKey(
      { settings, vault },
      { name: 'release', signingKeyPrn: KEY_PRN, keyPair: generateSigningKeyPair() },
    );
    await vault.set(
      signingKeyAccount('release'),
      exportPrivateKeyPem(generateSigningKeyPair().privateKey),
    );
    await expect(loadSigningKey({ settings, vault }, 'release')).rejects.toMatchObject({
      code: 'signing_key_mismatch',
    });
    await vault.delete(signingKeyAccount('release'));
    const missing = loadSigningKey({ settings, vault }, 'release');
    await expect(missing).rejects.toMatchObject({ code: 'signing_key_missing' });
    await expect(missing).rejects.toThrow('--signing-key-private FILE --signing-key-prn PRN');
    await expect(loadSigningKey({ settings, vault }, 'nope')).rejects.toThrow(
      'There is no signing key named "nope". Signing keys: release.',
    );
  });

  it('refuses a bad record before the private key reaches the vault', async () => {
    await expect(
      storeSigningKey(
        { settings, vault },
        { name: 'bad name', signingKeyPrn: KEY_PRN, keyPair: generateSigningKeyPair() },
      ),
    ).rejects.toBeInstanceOf(SettingsError);
    await expect(
      storeSigningKey(
        { settings, vault },
        { name: 'k', signingKeyPrn: ORG, keyPair: generateSigningKeyPair() },
      ),
    ).rejects.toThrow('signing key PRN');
    expect(vault.entries.size).toBe(0);
  });
});

describe('createSigningKey', () => {
  function fakeApi(answer: (input: ApiCreateInput) => SigningKey | Error) {
    const calls: ApiCreateInput[] = [];
    return {
      calls,
      signingKeys: {
        create: async (input: ApiCreateInput) => {
          calls.push(input);
          const result = answer(input);
          if (result instanceof Error) throw result;
          return result;
        },
      },
    };
  }

  it('registers the new public key under the same name and keeps the server keyid and PRN', async () => {
    const api = fakeApi((input) => ({
      prn: KEY_PRN,
      organization_prn: ORG,
      name: input.name,
      value: input.value,
      keyid: 'server-keyid',
      inserted_at: '2025-01-01T00:00:00.000000Z',
      updated_at: '2025-01-01T00:00:00.000000Z',
    }));
    const created = await createSigningKey(
      { settings, vault, signingKeys: api.signingKeys },
      { name: 'ci' },
    );
    expect(api.calls).toEqual([{ name: 'ci', value: created.keyPair.publicValue }]);
    expect(created.record).toEqual({
      name: 'ci',
      signingKeyPrn: KEY_PRN,
      keyid: 'server-keyid',
      publicValue: created.keyPair.publicValue,
      source: 'keychain',
    });
    expect((await loadSigningKey({ settings, vault }, 'ci')).keyPair.publicValue).toBe(
      created.keyPair.publicValue,
    );
  });

  it('removes the private key again when the server refuses, and refuses taken or bad names first', async () => {
    const api = fakeApi(() => new Error('422 name has already been taken'));
    await expect(
      createSigningKey({ settings, vault, signingKeys: api.signingKeys }, { name: 'ci' }),
    ).rejects.toThrow('already been taken');
    expect(vault.entries.size).toBe(0);
    expect(settings.listSigningKeys()).toEqual([]);

    await storeSigningKey(
      { settings, vault },
      { name: 'ci', signingKeyPrn: KEY_PRN, keyPair: generateSigningKeyPair() },
    );
    await expect(
      createSigningKey({ settings, vault, signingKeys: api.signingKeys }, { name: 'ci' }),
    ).rejects.toMatchObject({
      code: 'signing_key_exists',
    });
    await expect(
      createSigningKey({ settings, vault, signingKeys: api.signingKeys }, { name: '-x' }),
    ).rejects.toMatchObject({
      code: 'invalid_signing_key',
    });
    expect(api.calls).toHaveLength(1);
  });
});
