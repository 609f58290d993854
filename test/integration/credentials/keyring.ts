// Keychain fixtures: a service name of its own per test run, so tests never read or write a
// real user's entries, and cleanup of every account a test used.
import { randomUUID } from 'node:crypto';
import { KeyringVault } from '../../../src-main/credentials/index.js';

export function testVault(): {
  vault: KeyringVault;
  service: string;
  cleanup(accounts: string[]): Promise<void>;
} {
  const service = `peridio-desk-test-${process.pid}-${randomUUID()}`;
  const vault = new KeyringVault({ service });
  return {
    vault,
    service,
    async cleanup(accounts) {
      for (const account of accounts) await vault.delete(account);
    },
  };
}
