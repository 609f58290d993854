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

/**
 * The PRN a key is registered as, from its record alone: a PEM file's is given, a keychain
 * key's is in the settings. Undefined for a name with no record (the job fails saying so).
 * No keychain read: the watch intake asks this for every file.
 */
export function signingKeyPrnOf(settings: Pick<CredentialStores['settings'], 'getSigningKey'>) {
  return (ref: SigningKeyRef): string | undefined =>
    ref.kind === 'file' ? ref.signingKeyPrn : settings.getSigningKey(ref.name)?.signingKeyPrn;
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
