// Which server and key the engine uses: a profile with its key from the vault, the
// environment on build machines, or the local workspace; and that the key never shows.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CredentialsError,
  VaultUnavailableError,
  apiKeyAccount,
  checkBaseUrl,
  proxyPasswordAccount,
  resolveConnection,
  type ConnectionProfile,
  type SecretVault,
} from '../../../src-main/credentials/index.js';
import { MemoryVault } from '../memory-vault.js';

const LOCAL = { baseUrl: 'http://127.0.0.1:4001', apiKey: 'local-key' };

function profiles(list: ConnectionProfile[], current: string | null = null) {
  return {
    currentProfileName: () => current,
    getProfile: (name: string) => list.find((p) => p.name === name),
  };
}

const PROD: ConnectionProfile = {
  name: 'prod',
  baseUrl: 'https://api.cremini.peridio.com',
  apiVersion: 2,
};
const CORP: ConnectionProfile = {
  name: 'corp',
  baseUrl: 'https://peridio.corp.example',
  caPath: '/etc/corp-ca.pem',
  apiVersion: 1,
};

async function vaultWith(entries: Record<string, string>): Promise<MemoryVault> {
  const vault = new MemoryVault();
  for (const [account, secret] of Object.entries(entries)) await vault.set(account, secret);
  return vault;
}

/** A vault that fails like a machine without a keychain. */
const noKeychain: SecretVault = {
  get: async () => {
    throw new VaultUnavailableError('no session bus');
  },
  set: async () => {
    throw new VaultUnavailableError('no session bus');
  },
  delete: async () => {
    throw new VaultUnavailableError('no session bus');
  },
};

describe('resolveConnection', () => {
  it('uses the current profile with its key from the vault', async () => {
    const connection = await resolveConnection({
      profiles: profiles([PROD, CORP], 'corp'),
      vault: await vaultWith({ [apiKeyAccount('corp')]: 'corp-key' }),
      localWorkspace: () => LOCAL,
      env: {},
    });
    expect(connection).toMatchObject({
      profileName: 'corp',
      baseUrl: 'https://peridio.corp.example',
      caPath: '/etc/corp-ca.pem',
      apiVersion: 1,
      source: 'profile',
    });
    expect(connection.apiKey).toBe('corp-key');
  });

  it('lets an explicit profile win over PERIDIO_PROFILE, which wins over the current one', async () => {
    const vault = await vaultWith({ [apiKeyAccount('prod')]: 'p', [apiKeyAccount('corp')]: 'c' });
    const base = { profiles: profiles([PROD, CORP], 'prod'), vault, localWorkspace: () => LOCAL };
    expect(
      (await resolveConnection({ ...base, env: { PERIDIO_PROFILE: 'corp' } })).profileName,
    ).toBe('corp');
    expect(
      (await resolveConnection({ ...base, profileName: 'prod', env: { PERIDIO_PROFILE: 'corp' } }))
        .profileName,
    ).toBe('prod');
  });

  it('takes PERIDIO_API_KEY and PERIDIO_BASE_URL without touching the keychain (build machines)', async () => {
    const connection = await resolveConnection({
      profiles: profiles([]),
      vault: noKeychain,
      localWorkspace: () => {
        throw new Error('the local workspace must not be started');
      },
      env: {
        PERIDIO_API_KEY: 'env-key',
        PERIDIO_BASE_URL: 'https://peridio.ci.example/',
        PERIDIO_CA_PATH: '/ci/ca.pem',
      },
    });
    expect(connection).toMatchObject({
      profileName: null,
      baseUrl: 'https://peridio.ci.example',
      caPath: '/ci/ca.pem',
      apiVersion: 2,
      source: 'environment',
    });
    expect(connection.apiKey).toBe('env-key');
  });

  it('defaults to Peridio cloud when only PERIDIO_API_KEY is set, and overrides a profile field by field', async () => {
    const cloud = await resolveConnection({
      profiles: profiles([]),
      vault: noKeychain,
      localWorkspace: () => LOCAL,
      env: { PERIDIO_API_KEY: 'env-key' },
    });
    expect(cloud.baseUrl).toBe('https://api.cremini.peridio.com');
    const overridden = await resolveConnection({
      profiles: profiles([CORP], 'corp'),
      vault: noKeychain,
      localWorkspace: () => LOCAL,
      env: { PERIDIO_API_KEY: 'env-key' },
    });
    expect(overridden).toMatchObject({
      profileName: 'corp',
      baseUrl: CORP.baseUrl,
      caPath: CORP.caPath,
      source: 'environment',
    });
  });

  it('goes to the local workspace when there is no profile and no key in the environment', async () => {
    const connection = await resolveConnection({
      profiles: profiles([PROD]),
      vault: noKeychain,
      localWorkspace: async () => LOCAL,
      env: { PERIDIO_API_KEY: '' },
    });
    expect(connection).toMatchObject({
      profileName: null,
      baseUrl: LOCAL.baseUrl,
      source: 'local-workspace',
    });
    expect(connection.apiKey).toBe('local-key');
  });

  it('says what to do when the profile has no key, does not exist, or the environment is unusable', async () => {
    const base = { vault: new MemoryVault(), localWorkspace: () => LOCAL };
    await expect(
      resolveConnection({ ...base, profiles: profiles([PROD], 'prod'), env: {} }),
    ).rejects.toThrow(
      'The profile "prod" has no API key in the keychain. Log in to this profile again to store one, or set PERIDIO_API_KEY.',
    );
    await expect(
      resolveConnection({
        ...base,
        profiles: profiles([PROD]),
        env: { PERIDIO_PROFILE: 'staging' },
      }),
    ).rejects.toThrow('There is no profile named "staging" (PERIDIO_PROFILE).');
    await expect(
      resolveConnection({
        ...base,
        profiles: profiles([]),
        env: { PERIDIO_BASE_URL: 'https://x.example' },
      }),
    ).rejects.toThrow('PERIDIO_BASE_URL is set but PERIDIO_API_KEY is not.');
    const insecure = resolveConnection({
      ...base,
      profiles: profiles([]),
      env: { PERIDIO_API_KEY: 'k', PERIDIO_BASE_URL: 'http://peridio.example.com' },
    });
    await expect(insecure).rejects.toBeInstanceOf(CredentialsError);
    await expect(insecure).rejects.toThrow('must use https://');
    await expect(
      resolveConnection({
        ...base,
        profiles: profiles([]),
        env: { PERIDIO_API_KEY: 'a key\nwith lines' },
      }),
    ).rejects.toThrow('PERIDIO_API_KEY cannot be used');
  });

  it('passes on the keychain error, which explains the environment route', async () => {
    await expect(
      resolveConnection({
        profiles: profiles([PROD], 'prod'),
        vault: noKeychain,
        localWorkspace: () => LOCAL,
        env: {},
      }),
    ).rejects.toThrow(/PERIDIO_API_KEY.*--signing-key-private FILE --signing-key-prn PRN/);
  });
});

describe('a connection', () => {
  it('never shows its API key in JSON, console output or string form', async () => {
    const connection = await resolveConnection({
      profiles: profiles([]),
      vault: noKeychain,
      localWorkspace: () => LOCAL,
      env: { PERIDIO_API_KEY: 'very-secret-key' },
    });
    const json = JSON.stringify({ connection });
    expect(json).not.toContain('very-secret-key');
    expect(JSON.parse(json).connection).toEqual({
      profileName: null,
      baseUrl: 'https://api.cremini.peridio.com',
      apiKey: '[redacted]',
      apiVersion: 2,
      source: 'environment',
    });
    expect(inspect(connection, { showHidden: true, depth: 5 })).not.toContain('very-secret-key');
    expect(`${String(connection)} ${Object.values(connection).join(' ')}`).not.toContain(
      'very-secret-key',
    );
    expect({ ...connection }).not.toHaveProperty('apiKey');
  });

  it('names its workspace in the queue the same way for every face', async () => {
    const fromEnv = await resolveConnection({
      profiles: profiles([]),
      vault: noKeychain,
      localWorkspace: () => LOCAL,
      env: { PERIDIO_API_KEY: 'k', PERIDIO_BASE_URL: 'https://peridio.example.com' },
    });
    expect(fromEnv.workspaceName).toBe('environment:https://peridio.example.com');
    const local = await resolveConnection({
      profiles: profiles([]),
      vault: noKeychain,
      localWorkspace: () => LOCAL,
      env: {},
    });
    expect(local.workspaceName).toBe('local');
  });
});

describe("a profile's proxy", () => {
  const OFFICE: ConnectionProfile = {
    name: 'office',
    baseUrl: 'https://peridio.corp.example',
    proxyUrl: 'http://alice@proxy.corp.example:3128',
  };
  const PLAIN: ConnectionProfile = {
    name: 'plain',
    baseUrl: 'https://peridio.corp.example',
    proxyUrl: 'http://proxy.corp.example:3128',
  };
  /** A keychain that holds the API keys but fails when asked for a proxy password. */
  const keysOnly = (reason: string): SecretVault => ({
    get: async (account) => {
      if (account.startsWith('proxy-password:')) throw new VaultUnavailableError(reason, account);
      return 'the-api-key';
    },
    set: async () => {},
    delete: async () => false,
  });

  it('comes with the profile, its password from the keychain filled in', async () => {
    const connection = await resolveConnection({
      profiles: profiles([OFFICE], 'office'),
      vault: await vaultWith({
        [apiKeyAccount('office')]: 'office-key',
        [proxyPasswordAccount('office')]: 'p@ss:word',
      }),
      localWorkspace: () => LOCAL,
      env: {},
    });
    expect(connection.proxy?.url).toBe('http://alice:p%40ss%3Aword@proxy.corp.example:3128');
    expect(connection.proxy?.profileName).toBe('office');
  });

  it('comes with the profile chosen beside PERIDIO_API_KEY, and not without a profile', async () => {
    const vault = await vaultWith({ [proxyPasswordAccount('office')]: 'pw' });
    const withProfile = await resolveConnection({
      profiles: profiles([OFFICE]),
      vault,
      localWorkspace: () => LOCAL,
      env: { PERIDIO_API_KEY: 'env-key', PERIDIO_PROFILE: 'office' },
    });
    expect(withProfile.source).toBe('environment');
    expect(withProfile.proxy?.url).toBe('http://alice:pw@proxy.corp.example:3128');
    const withoutProfile = await resolveConnection({
      profiles: profiles([OFFICE]),
      vault,
      localWorkspace: () => LOCAL,
      env: { PERIDIO_API_KEY: 'env-key' },
    });
    expect(withoutProfile.proxy).toBeUndefined();
    expect(withoutProfile.toJSON()).not.toHaveProperty('proxy');
    const local = await resolveConnection({
      profiles: profiles([OFFICE]),
      vault,
      localWorkspace: () => LOCAL,
      env: {},
    });
    expect(local.proxy).toBeUndefined();
  });

  it('asks the keychain only for a proxy with a user, and goes on with the user alone when no password is saved', async () => {
    const plain = await resolveConnection({
      profiles: profiles([PLAIN], 'plain'),
      vault: keysOnly('must not be asked'),
      localWorkspace: () => LOCAL,
      env: {},
    });
    expect(plain.proxy?.url).toBe('http://proxy.corp.example:3128');
    const noPassword = await resolveConnection({
      profiles: profiles([OFFICE], 'office'),
      vault: await vaultWith({ [apiKeyAccount('office')]: 'k' }),
      localWorkspace: () => LOCAL,
      env: {},
    });
    expect(noPassword.proxy?.url).toBe('http://alice@proxy.corp.example:3128');
  });

  it('says which profile and what to do when the keychain will not give the password', async () => {
    for (const env of [{}, { PERIDIO_API_KEY: 'env-key' }]) {
      const failed = resolveConnection({
        profiles: profiles([OFFICE], 'office'),
        vault: keysOnly('the keychain is locked'),
        localWorkspace: () => LOCAL,
        env,
      });
      await expect(failed).rejects.toBeInstanceOf(CredentialsError);
      await expect(failed).rejects.toMatchObject({
        code: 'proxy_password_unreadable',
        profileName: 'office',
      });
      await expect(failed).rejects.toThrow(
        'The password of the proxy of the profile "office" (http://alice@proxy.corp.example:3128) ' +
          'could not be read from the OS keychain: no OS keychain is reachable (the keychain is ' +
          'locked). Unlock the keychain and try again; or set HTTPS_PROXY and HTTP_PROXY to the ' +
          "proxy with its password, which win over the profile's proxy; or remove the profile's " +
          'proxy (in the Profiles view, or `peridio-desk profiles set-proxy office --none`).',
      );
    }
  });

  it('never shows the password in JSON, console output or string form', async () => {
    const connection = await resolveConnection({
      profiles: profiles([OFFICE], 'office'),
      vault: await vaultWith({
        [apiKeyAccount('office')]: 'office-key',
        [proxyPasswordAccount('office')]: 'hunter2-proxy',
      }),
      localWorkspace: () => LOCAL,
      env: {},
    });
    const json = JSON.stringify({ connection });
    expect(JSON.parse(json).connection.proxy).toEqual({
      url: 'http://alice:***@proxy.corp.example:3128',
      profileName: 'office',
    });
    const proxy = connection.proxy!;
    const shown = [
      json,
      JSON.stringify(proxy),
      inspect(connection, { showHidden: true, depth: 8 }),
      inspect(proxy, { showHidden: true }),
      String(proxy),
      `${proxy}`,
      Object.values(proxy).join(' '),
      JSON.stringify({ ...proxy }),
    ].join('\n');
    expect(shown).not.toContain('hunter2-proxy');
    expect(String(proxy)).toBe('http://alice:***@proxy.corp.example:3128');
  });
});

describe('checkBaseUrl', () => {
  it('allows https anywhere and http only on this machine', () => {
    expect(checkBaseUrl('https://api.cremini.peridio.com/')).toEqual({
      ok: true,
      baseUrl: 'https://api.cremini.peridio.com',
    });
    expect(checkBaseUrl('https://proxy.example/peridio/')).toEqual({
      ok: true,
      baseUrl: 'https://proxy.example/peridio',
    });
    for (const url of [
      'http://localhost:4001',
      'http://127.0.0.1',
      'http://127.1.2.3:80',
      'http://[::1]:4001',
    ]) {
      expect(checkBaseUrl(url).ok).toBe(true);
    }
    for (const url of [
      'http://example.com',
      'http://10.0.0.1',
      'http://localhost.example.com',
      'file:///x',
      'nonsense',
    ]) {
      expect(checkBaseUrl(url).ok).toBe(false);
    }
  });
});
