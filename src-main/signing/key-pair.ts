// An Ed25519 key pair as the rest of the engine handles it: the private KeyObject (which
// never prints its bytes), the public `value` Peridio stores, and the keyid.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { keyIdOf, publicKeyValue } from './public-key.js';
import { SigningError, WHAT_TO_GIVE } from './signing-error.js';

export interface SigningKeyPair {
  readonly privateKey: KeyObject;
  /** Base64 of the raw 32-byte public key: what `POST /signing_keys` takes as `value`. */
  readonly publicValue: string;
  /** Lowercase hex SHA-256 of the raw public key. */
  readonly keyid: string;
}

const ALGORITHM_NAMES: Record<string, string> = {
  rsa: 'an RSA',
  'rsa-pss': 'an RSA-PSS',
  dsa: 'a DSA',
  ec: 'an EC (ECDSA)',
  ed448: 'an Ed448',
  x25519: 'an X25519',
  x448: 'an X448',
  dh: 'a Diffie-Hellman',
};

/** "an RSA", "an EC (ECDSA)"... for node's asymmetricKeyType names. */
export function algorithmName(type: string | undefined): string {
  return ALGORITHM_NAMES[type ?? ''] ?? 'a non-Ed25519';
}

/** Throws unless `key` is an Ed25519 private key. */
export function assertEd25519PrivateKey(key: KeyObject): void {
  if (key.type !== 'private') {
    throw new SigningError(
      'not_a_private_key',
      `This is a ${key.type} key, but signing needs the private key. ${WHAT_TO_GIVE}`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    const algorithm = algorithmName(key.asymmetricKeyType);
    throw new SigningError(
      'not_ed25519',
      `This is ${algorithm} private key, but Peridio signs binaries with Ed25519. ${WHAT_TO_GIVE}`,
    );
  }
}

export function keyPairOf(privateKey: KeyObject): SigningKeyPair {
  assertEd25519PrivateKey(privateKey);
  const publicValue = publicKeyValue(privateKey);
  return { privateKey, publicValue, keyid: keyIdOf(publicValue) };
}

export function generateSigningKeyPair(): SigningKeyPair {
  return keyPairOf(generateKeyPairSync('ed25519').privateKey);
}

/** The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as the Peridio CLI keeps it. */
export function exportPrivateKeyPem(privateKey: KeyObject): string {
  assertEd25519PrivateKey(privateKey);
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
