// A profile together with its API key: the profile in the settings file, the key in the
// keychain, written in the order that never leaves a key without its check.
import { apiKeyAccount, apiKeyProblem, type SecretVault } from '../credentials/index.js';
import { SettingsError } from './settings-errors.js';
import type { Profile, ProfileInput, ReplaceOption, SettingsStore } from './settings-store.js';

export interface CredentialStores {
  settings: SettingsStore;
  vault: SecretVault;
}

export interface SaveProfileOptions extends ReplaceOption {
  /** Stored in the keychain; a profile saved without one keeps any key it already has. */
  apiKey?: string;
}

/**
 * Saves a profile and its API key. Everything is checked before anything is written; the key
 * goes to the keychain first, so a keychain that cannot be reached leaves no profile behind
 * that would look logged in.
 */
export async function saveProfile(
  stores: CredentialStores,
  input: ProfileInput,
  options: SaveProfileOptions = {},
): Promise<Profile> {
  const profile = stores.settings.checkProfile(input);
  if (stores.settings.getProfile(profile.name) !== undefined && options.replace !== true) {
    throw new SettingsError(
      'profile_exists',
      `A profile named "${profile.name}" already exists. Update it, or remove it first.`,
    );
  }
  if (options.apiKey !== undefined) {
    const problem = apiKeyProblem(options.apiKey);
    if (problem !== undefined) {
      throw new SettingsError('invalid_profile', `The API key cannot be saved: ${problem}.`, [
        { field: 'apiKey', message: problem },
      ]);
    }
    await stores.vault.set(apiKeyAccount(profile.name), options.apiKey);
  }
  return stores.settings.addProfile(profile, { replace: options.replace === true });
}

/** Whether the keychain holds an API key for the profile (without handing the key out). */
export async function hasApiKey(vault: SecretVault, profileName: string): Promise<boolean> {
  return (await vault.get(apiKeyAccount(profileName))) !== null;
}

/** Removes a profile and its API key. True when either existed. */
export async function forgetProfile(stores: CredentialStores, name: string): Promise<boolean> {
  const removed = stores.settings.removeProfile(name);
  const keyRemoved = await stores.vault.delete(apiKeyAccount(name));
  return removed || keyRemoved;
}
