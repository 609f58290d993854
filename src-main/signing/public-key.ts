// Ed25519 public keys as Peridio spells them: `value` is the base64 of the raw 32 bytes, and
// the keyid (our fingerprint) is the lowercase hex SHA-256 of those bytes, which is also how
// the local server assigns it.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { POINT_WORDS, ed25519PointProblem } from './ed25519-points.js';
import { SigningError } from './signing-error.js';

/** The DER header that turns a raw Ed25519 public key into SubjectPublicKeyInfo. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

export function isPublicKeyValue(value: unknown): value is string {
  if (typeof value !== 'string' || !BASE64_32_BYTES.test(value)) return false;
  return Buffer.from(value, 'base64').toString('base64') === value;
}

/** The raw 32 bytes of a canonical public key value; throws when it is not one. */
export function rawPublicKey(value: string): Buffer {
  if (!isPublicKeyValue(value)) {
    throw new SigningError(
      'invalid_public_value',
      'A public key value must be the base64 of the raw 32-byte Ed25519 public key ' +
        '(44 characters ending in "=").',
    );
  }
  return Buffer.from(value, 'base64');
}

export function publicKeyObject(value: string): KeyObject {
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, rawPublicKey(value)]),
      format: 'der',
      type: 'spki',
    });
  } catch (error) {
    if (error instanceof SigningError) throw error;
    throw new SigningError('invalid_public_value', 'The public key value is not an Ed25519 key.');
  }
}

/**
 * The `value` of the public half of an Ed25519 private (or public) key; a public key that
 * would let any signature verify is refused. The half derived from a private key is never one
 * (its clamped scalar, a multiple of 8 below 8L, times the base point), so it is not checked:
 * the check's BigInt arithmetic cost every signing command a few milliseconds.
 */
export function publicKeyValue(key: KeyObject): string {
  const derived = key.type !== 'public';
  const publicKey = derived ? createPublicKey(key) : key;
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const raw = spki.subarray(SPKI_ED25519_PREFIX.length);
  const problem = derived ? undefined : ed25519PointProblem(raw);
  if (problem !== undefined) {
    throw new SigningError(
      'weak_public_key',
      `This key cannot sign: its public key is ${POINT_WORDS[problem]}.`,
    );
  }
  return raw.toString('base64');
}

/** The key's fingerprint: lowercase hex SHA-256 of the raw public key. */
export function keyIdOf(value: string): string {
  return createHash('sha256').update(rawPublicKey(value)).digest('hex');
}
