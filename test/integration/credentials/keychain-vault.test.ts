// The real OS keychain (a throwaway gnome-keyring in a private D-Bus session under npm test):
// secrets go in, come back exactly, and are gone after delete.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KeyringVault,
  apiKeyAccount,
  signingKeyAccount,
} from '../../../src-main/credentials/index.js';
import { testVault } from './keyring.js';

const { vault, service, cleanup } = testVault();
const used = [apiKeyAccount('prod'), signingKeyAccount('release'), apiKeyAccount('shared')];
afterAll(() => cleanup(used));

describe('KeyringVault against the OS keychain', () => {
  it('reports the keychain as working', async () => {
    expect(await vault.probe()).toEqual({ available: true });
  });

  it('round-trips an API key: set, get, replace, delete', async () => {
    const account = apiKeyAccount('prod');
    expect(await vault.get(account)).toBeNull();
    await vault.set(account, 'peridio-api-key-1');
    expect(await vault.get(account)).toBe('peridio-api-key-1');
    await vault.set(account, 'peridio-api-key-2');
    expect(await new KeyringVault({ service }).get(account)).toBe('peridio-api-key-2');
    expect(await vault.delete(account)).toBe(true);
    expect(await vault.get(account)).toBeNull();
    expect(await vault.delete(account)).toBe(false);
  });

  it('round-trips a PEM private key byte for byte, newlines included', async () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const account = signingKeyAccount('release');
    await vault.set(account, pem);
    expect(await vault.get(account)).toBe(pem);
    expect(await vault.delete(account)).toBe(true);
    expect(await vault.get(account)).toBeNull();
  });

  it('keeps services apart, so one app (or test) never sees another one’s keys', async () => {
    const other = testVault();
    const account = apiKeyAccount('shared');
    await vault.set(account, 'mine');
    expect(await other.vault.get(account)).toBeNull();
    await other.vault.set(account, 'theirs');
    expect(await vault.get(account)).toBe('mine');
    await other.cleanup([account]);
    expect(await vault.get(account)).toBe('mine');
  });
});
