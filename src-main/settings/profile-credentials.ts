// A profile together with its API key and its proxy's password: the profile in the settings
// file, the secrets in the keychain, written in the order that never leaves a key without its
// check.
import {
  apiKeyAccount,
  apiKeyProblem,
  proxyPasswordAccount,
  type SecretVault,
} from '../credentials/index.js';
import { dropStalePassword, proxyPartsOrThrow } from './proxy-credentials.js';
import { SettingsError } from './settings-errors.js';
import type { Profile, ProfileInput, ReplaceOption, SettingsStore } from './settings-store.js';

export interface CredentialStores {
  settings: SettingsStore;
  vault: SecretVault;
}

export interface SaveProfileOptions extends ReplaceOption {
  /** Stored in the keychain; a profile saved without one keeps any key it already has. */
  apiKey?: string;
  /** The password of the proxy's user, typed apart from `proxyUrl`; stored in the keychain. */
  proxyPassword?: string;
}

/**
 * Saves a profile, its API key and its proxy's password. Everything is checked before
 * anything is written; the secrets go to the keychain first, so a keychain that cannot be
 * reached leaves no profile behind that would look logged in. `proxyUrl` may hold a password:
 * it goes to the keychain, and the settings keep the URL without it. Replacing a profile
 * without a `proxyUrl` keeps the proxy it has: it is how this machine reaches the server.
 */
export async function saveProfile(
  stores: CredentialStores,
  input: ProfileInput,
  options: SaveProfileOptions = {},
): Promise<Profile> {
  const what = `The profile "${String(input.name)}" cannot be saved`;
  const { proxyPassword } = options;
  if (input.proxyUrl === undefined && proxyPassword !== undefined) {
    const message = 'a proxy password needs a proxy URL to go with';
    throw new SettingsError('invalid_profile', `${what}: ${message}.`, [
      { field: 'proxyPassword', message },
    ]);
  }
  const proxy =
    input.proxyUrl === undefined
      ? undefined
      : proxyPartsOrThrow(
          { proxyUrl: input.proxyUrl, ...(proxyPassword === undefined ? {} : { proxyPassword }) },
          what,
        );
  const checked = stores.settings.checkProfile({
    ...input,
    ...(proxy === undefined ? {} : { proxyUrl: proxy.url }),
  });
  const existing = stores.settings.getProfile(checked.name);
  if (existing !== undefined && options.replace !== true) {
    throw new SettingsError(
      'profile_exists',
      `A profile named "${checked.name}" already exists. Update it, or remove it first.`,
    );
  }
  const profile =
    proxy === undefined && existing?.proxyUrl !== undefined
      ? { ...checked, proxyUrl: existing.proxyUrl }
      : checked;
  if (options.apiKey !== undefined) {
    const problem = apiKeyProblem(options.apiKey);
    if (problem !== undefined) {
      throw new SettingsError('invalid_profile', `The API key cannot be saved: ${problem}.`, [
        { field: 'apiKey', message: problem },
      ]);
    }
    await stores.vault.set(apiKeyAccount(profile.name), options.apiKey);
  }
  if (proxy?.password !== undefined) {
    await stores.vault.set(proxyPasswordAccount(profile.name), proxy.password);
  }
  const saved = stores.settings.addProfile(profile, { replace: options.replace === true });
  if (proxy !== undefined && proxy.password === undefined) {
    await dropStalePassword(stores.vault, profile.name, existing?.proxyUrl, proxy);
  }
  return saved;
}

/** Whether the keychain holds an API key for the profile (without handing the key out). */
export async function hasApiKey(vault: SecretVault, profileName: string): Promise<boolean> {
  return (await vault.get(apiKeyAccount(profileName))) !== null;
}

/** Removes a profile, its API key and its proxy's password. True when any existed. */
export async function forgetProfile(stores: CredentialStores, name: string): Promise<boolean> {
  const removed = stores.settings.removeProfile(name);
  const keyRemoved = await stores.vault.delete(apiKeyAccount(name));
  const passwordRemoved = await stores.vault.delete(proxyPasswordAccount(name));
  return removed || keyRemoved || passwordRemoved;
}
