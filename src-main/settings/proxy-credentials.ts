// A profile's proxy together with its password: the URL (with the user name) in the settings
// file, the password in the keychain, written in the order that never leaves a password in
// the settings or a URL pointing at a password that is not there.
import { checkProxyInput, type ProxyUrlParts } from '../../src-preload/contract.js';
import { proxyPasswordAccount, type SecretVault } from '../credentials/index.js';
import { SettingsError } from './settings-errors.js';
import type { Profile, SettingsStore } from './settings-store.js';

export interface ProxyInput {
  /** May hold the password (`http://user:pass@proxy:3128`): it goes to the keychain. */
  proxyUrl: string;
  /** The password typed apart from the URL. */
  proxyPassword?: string;
}

interface Stores {
  settings: SettingsStore;
  vault: SecretVault;
}

/** The URL for the settings and the password for the keychain, or a SettingsError. */
export function proxyPartsOrThrow(input: ProxyInput, what: string): ProxyUrlParts {
  const checked = checkProxyInput(input.proxyUrl, input.proxyPassword);
  if (!checked.ok) {
    throw new SettingsError('invalid_profile', `${what}: ${checked.message}.`, [
      { field: checked.field, message: checked.message },
    ]);
  }
  return checked.parts;
}

/**
 * Whether a saved password still belongs to the new URL: the same user on the same host
 * (another port or scheme is the same proxy). Sent anywhere else it would leak.
 */
export function keepsSavedPassword(previousUrl: string | undefined, next: ProxyUrlParts): boolean {
  if (previousUrl === undefined || next.username === undefined) return false;
  const before = new URL(previousUrl);
  return before.username === next.username && before.hostname === new URL(next.url).hostname;
}

/**
 * After the settings point at `next` (a URL without a new password): deletes the saved
 * password unless it still belongs.
 */
export async function dropStalePassword(
  vault: SecretVault,
  profileName: string,
  previousUrl: string | undefined,
  next: ProxyUrlParts | undefined,
): Promise<void> {
  if (next !== undefined && keepsSavedPassword(previousUrl, next)) return;
  await vault.delete(proxyPasswordAccount(profileName));
}

/**
 * Sets, changes or (with null) removes a profile's proxy. A new password goes to the keychain
 * before the settings change; a password no longer needed is deleted after they have.
 */
export async function setProfileProxy(
  stores: Stores,
  name: string,
  proxy: ProxyInput | null,
): Promise<Profile> {
  const previous = stores.settings.requireProfile(name).proxyUrl;
  if (proxy === null) {
    const profile = stores.settings.updateProfile(name, { proxyUrl: null });
    await stores.vault.delete(proxyPasswordAccount(name));
    return profile;
  }
  const parts = proxyPartsOrThrow(proxy, `The proxy of the profile "${name}" cannot be saved`);
  if (parts.password !== undefined) {
    await stores.vault.set(proxyPasswordAccount(name), parts.password);
    return stores.settings.updateProfile(name, { proxyUrl: parts.url });
  }
  const profile = stores.settings.updateProfile(name, { proxyUrl: parts.url });
  await dropStalePassword(stores.vault, name, previous, parts);
  return profile;
}

/** Whether the keychain holds the password of the profile's proxy user (never handing it out). */
export async function hasProxyPassword(vault: SecretVault, profile: Profile): Promise<boolean> {
  if (profile.proxyUrl === undefined || new URL(profile.proxyUrl).username === '') return false;
  return (await vault.get(proxyPasswordAccount(profile.name))) !== null;
}
