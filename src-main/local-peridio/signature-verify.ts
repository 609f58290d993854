// Ed25519 (pure, RFC 8032) as Peridio uses it: the message is the ASCII bytes of the
// binary's 64-character lowercase hex hash; the public key is the raw 32 bytes, base64.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ed25519PointProblem, ed25519SignatureProblem } from '../signing/index.js';

// The DER header that turns a raw Ed25519 public key into SubjectPublicKeyInfo.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The raw 32 key bytes of a canonical base64 value, or undefined when it is not one. */
export function decodePublicKeyValue(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return undefined;
  const raw = Buffer.from(value, 'base64');
  return raw.length === 32 && raw.toString('base64') === value ? raw : undefined;
}

export function publicKeyObject(raw: Buffer): KeyObject | undefined {
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

/** Our keyid: lowercase hex SHA-256 of the raw public key. */
export function keyIdOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

export const SIGNATURE_HEX = /^[0-9a-fA-F]{128}$/;

/** Verifies a 128-hex-character signature (any case) of `hash` by the raw public key. */
export function verifyHashSignature(raw: Buffer, hash: string, signatureHex: string): boolean {
  if (!SIGNATURE_HEX.test(signatureHex)) return false;
  const key = publicKeyObject(raw);
  if (!key) return false;
  const signature = Buffer.from(signatureHex, 'hex');
  // RFC 8032 §5.1.7 with libsodium's checks: a small-order key (one registered before keys
  // were checked) or R, or an S past the group order, never verifies.
  if (ed25519PointProblem(raw) !== undefined || ed25519SignatureProblem(signature) !== undefined) {
    return false;
  }
  try {
    return verify(null, Buffer.from(hash, 'ascii'), key, signature);
  } catch {
    return false;
  }
}
