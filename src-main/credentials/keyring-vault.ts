// The OS keychain (macOS Keychain, Windows Credential Manager, the Linux Secret Service)
// through @napi-rs/keyring, loaded at the first use: a command that needs no secret (an API
// key from the environment, a key file) does not load the native library.
import { randomUUID } from 'node:crypto';
import type { AsyncEntry } from '@napi-rs/keyring';
import { DEFAULT_VAULT_SERVICE, type SecretVault } from './secret-vault.js';
import { VaultError, VaultUnavailableError } from './vault-errors.js';

// The library's words for "there is no usable store here" (keyring-rs PlatformFailure,
// NoStorageAccess, NoDefaultStore); every other failure is about one entry.
const UNAVAILABLE = /^(Platform failure|Couldn't access platform storage|No default store)/i;

export type VaultProbe = { available: true } | { available: false; reason: string };

export interface KeyringVaultOptions {
  /** The keychain service name; tests pass their own so they never touch a user's entries. */
  service?: string;
}

export class KeyringVault implements SecretVault {
  readonly service: string;

  constructor(options: KeyringVaultOptions = {}) {
    this.service = options.service ?? DEFAULT_VAULT_SERVICE;
    if (this.service === '') throw new TypeError('The keychain service name must not be empty.');
  }

  async get(account: string): Promise<string | null> {
    return this.#call('read', account, (entry) => entry.getPassword());
  }

  async set(account: string, secret: string): Promise<void> {
    await this.#call('store', account, (entry) => entry.setPassword(secret));
  }

  async delete(account: string): Promise<boolean> {
    return this.#call('delete', account, (entry) => entry.deletePassword());
  }

  /**
   * Whether the keychain works: writes, reads back and deletes a throwaway entry, because on
   * Linux a read can answer "nothing there" from a Secret Service that cannot store anything.
   */
  async probe(): Promise<VaultProbe> {
    const account = `probe:${randomUUID()}`;
    const secret = randomUUID();
    try {
      await this.set(account, secret);
      const readBack = await this.get(account);
      await this.delete(account);
      if (readBack !== secret) {
        return { available: false, reason: 'the keychain did not return what was stored' };
      }
      return { available: true };
    } catch (error) {
      const reason =
        error instanceof VaultUnavailableError ? error.reason : (error as Error).message;
      return { available: false, reason };
    }
  }

  async #call<T>(
    operation: string,
    account: string,
    run: (entry: AsyncEntry) => Promise<T>,
  ): Promise<T> {
    try {
      // Pinned to the Secret Service on Linux: the library would otherwise fall back to the
      // kernel keyring, which forgets everything at logout or reboot, so a key saved today
      // would silently be gone tomorrow. The option is ignored on macOS and Windows.
      const { AsyncEntry } = await import('@napi-rs/keyring');
      const entry = new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
      return await run(entry);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (UNAVAILABLE.test(reason))
        throw new VaultUnavailableError(reason, account, { cause: error });
      throw new VaultError(
        `The OS keychain could not ${operation} "${account}" (service "${this.service}"): ${reason}.`,
        account,
        { cause: error },
      );
    }
  }
}
