// Binary signatures as Peridio defines them: pure Ed25519 (RFC 8032) over the ASCII bytes of
// the binary's 64-character lowercase hex hash, no newline, sent as 128 hex characters.
import { sign, verify, type KeyObject } from 'node:crypto';
import { assertEd25519PrivateKey } from './key-pair.js';
import { publicKeyObject } from './public-key.js';
import { SigningError } from './signing-error.js';

const BINARY_HASH = /^[0-9a-f]{64}$/;
const SIGNATURE_HEX = /^[0-9a-fA-F]{128}$/;

export function isBinaryHash(value: unknown): value is string {
  return typeof value === 'string' && BINARY_HASH.test(value);
}

function assertBinaryHash(hash: string): void {
  if (!isBinaryHash(hash)) {
    // Signing an uppercase or prefixed spelling would give a signature the server rejects,
    // because the signed message is the exact hash string.
    throw new SigningError(
      'invalid_hash',
      "A binary hash must be the binary's SHA-256 as 64 lowercase hex characters, with no prefix.",
    );
  }
}

/**
 * Signs a binary's hash. Returns 128 UPPERCASE hex characters, as the official Peridio CLI
 * sends them (servers compare case-insensitively).
 */
export function signBinaryHash(privateKey: KeyObject, hash: string): string {
  assertEd25519PrivateKey(privateKey);
  assertBinaryHash(hash);
  return sign(null, Buffer.from(hash, 'ascii'), privateKey).toString('hex').toUpperCase();
}

/**
 * Whether `signatureHex` (either case) is a valid signature of `hash` by the key whose
 * public `value` is given. A malformed signature is simply not valid; a malformed key value
 * or hash throws, because that is the caller's mistake rather than a bad signature.
 */
export function verifyBinaryHash(value: string, hash: string, signatureHex: string): boolean {
  const publicKey = publicKeyObject(value);
  assertBinaryHash(hash);
  if (!SIGNATURE_HEX.test(signatureHex)) return false;
  return verify(null, Buffer.from(hash, 'ascii'), publicKey, Buffer.from(signatureHex, 'hex'));
}
