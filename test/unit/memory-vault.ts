// A SecretVault in a Map, for unit tests only: the real keychain is exercised in the
// integration tests.
import type { SecretVault } from '../../src-main/credentials/index.js';

export class MemoryVault implements SecretVault {
  readonly entries = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.entries.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }
}
