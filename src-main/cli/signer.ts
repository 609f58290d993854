// Signing for CLI jobs: a key kept in the keychain by name, or a PEM file named on the
// command line (build machines). The private key stays in this process.
import { KeyringVault } from '../credentials/index.js';
import type { SigningKeyRef } from '../queue/index.js';
import { defaultDataDir, loadSigningKey, openSettings } from '../settings/index.js';
import { readPrivateKeyFile, signBinaryHash } from '../signing/index.js';
import { JobFailure, type Signer } from '../workflow/index.js';

export async function resolveSigner(ref: SigningKeyRef): Promise<Signer> {
  try {
    if (ref.kind === 'file') {
      const pair = await readPrivateKeyFile(ref.privateKeyPath);
      return {
        signingKeyPrn: ref.signingKeyPrn,
        sign: (hash) => signBinaryHash(pair.privateKey, hash),
      };
    }
    const stores = {
      settings: openSettings({ dataDir: defaultDataDir() }),
      vault: new KeyringVault(),
    };
    const { record, keyPair } = await loadSigningKey(stores, ref.name);
    return {
      signingKeyPrn: record.signingKeyPrn,
      sign: (hash) => signBinaryHash(keyPair.privateKey, hash),
    };
  } catch (error) {
    // A key that cannot be had is for a person to fix: say which and why.
    throw new JobFailure('signing_key_unusable', (error as Error).message, {
      key: ref.kind === 'file' ? ref.privateKeyPath : ref.name,
    });
  }
}
