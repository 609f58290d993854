// Signing for the service's jobs and its `binaries.sign`: a key kept in the keychain by name,
// or a PEM file with its PRN (build machines). The private key stays in this process.
import type { SigningKeyRef } from '../queue/index.js';
import { loadSigningKey, type CredentialStores } from '../settings/index.js';
import { readPrivateKeyFile, signBinaryHash } from '../signing/index.js';
import { JobFailure, type Signer } from '../workflow/index.js';

export async function loadSigner(stores: CredentialStores, ref: SigningKeyRef): Promise<Signer> {
  if (ref.kind === 'file') {
    const pair = await readPrivateKeyFile(ref.privateKeyPath);
    return {
      signingKeyPrn: ref.signingKeyPrn,
      sign: (hash) => signBinaryHash(pair.privateKey, hash),
    };
  }
  const { record, keyPair } = await loadSigningKey(stores, ref.name);
  return {
    signingKeyPrn: record.signingKeyPrn,
    sign: (hash) => signBinaryHash(keyPair.privateKey, hash),
  };
}

/** The workflow's signer resolver: a key that cannot be had fails the job, saying which. */
export function jobSignerResolver(stores: CredentialStores) {
  return async (ref: SigningKeyRef): Promise<Signer> => {
    try {
      return await loadSigner(stores, ref);
    } catch (error) {
      throw new JobFailure('signing_key_unusable', (error as Error).message, {
        key: ref.kind === 'file' ? ref.privateKeyPath : ref.name,
      });
    }
  };
}
