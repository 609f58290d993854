// Where secrets live: one small interface, so the OS keychain can be swapped (tests, another
// backend) without touching the code that stores API keys and private keys.

export interface SecretVault {
  /** The secret, or null when there is none under this account. */
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when a secret was deleted, false when there was none. */
  delete(account: string): Promise<boolean>;
}

/** The keychain service name everything of this app is filed under. */
export const DEFAULT_VAULT_SERVICE = 'peridio-desk';

function account(kind: string, name: string): string {
  if (name === '') throw new TypeError(`A ${kind} account needs a name.`);
  return `${kind}:${name}`;
}

/** The account of a profile's Admin API key. */
export function apiKeyAccount(profileName: string): string {
  return account('api-key', profileName);
}

/** The account of the password of a profile's proxy user (the settings keep the rest of the URL). */
export function proxyPasswordAccount(profileName: string): string {
  return account('proxy-password', profileName);
}

/** The account of a signing key's PKCS#8 PEM private key. */
export function signingKeyAccount(keyName: string): string {
  return account('signing-key', keyName);
}
