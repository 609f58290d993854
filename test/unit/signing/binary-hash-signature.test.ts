// Signing and verifying binary hashes with fresh keys: what a signature covers, what it
// rejects, and the inputs that are refused before signing.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SigningError,
  exportPrivateKeyPem,
  generateSigningKeyPair,
  importPrivateKeyPem,
  isBinaryHash,
  signBinaryHash,
  verifyBinaryHash,
} from '../../../src-main/signing/index.js';

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

describe('signBinaryHash and verifyBinaryHash', () => {
  it('signs with a new key pair and verifies with its public value', () => {
    const pair = generateSigningKeyPair();
    const hash = hashOf('firmware v1');
    const signature = signBinaryHash(pair.privateKey, hash);
    expect(signature).toMatch(/^[0-9A-F]{128}$/);
    expect(verifyBinaryHash(pair.publicValue, hash, signature)).toBe(true);
  });

  it('rejects the signature for another hash, another key, or a damaged signature', () => {
    const pair = generateSigningKeyPair();
    const other = generateSigningKeyPair();
    const hash = hashOf('firmware v1');
    const signature = signBinaryHash(pair.privateKey, hash);
    expect(verifyBinaryHash(pair.publicValue, hashOf('firmware v2'), signature)).toBe(false);
    expect(verifyBinaryHash(other.publicValue, hash, signature)).toBe(false);
    const flipped = `${signature.slice(0, 10)}${signature[10] === '0' ? '1' : '0'}${signature.slice(11)}`;
    expect(verifyBinaryHash(pair.publicValue, hash, flipped)).toBe(false);
    expect(verifyBinaryHash(pair.publicValue, hash, signature.slice(2))).toBe(false);
    expect(verifyBinaryHash(pair.publicValue, hash, 'zz'.repeat(64))).toBe(false);
  });

  it('keeps working after the key goes through PEM and back', () => {
    const pair = generateSigningKeyPair();
    const again = importPrivateKeyPem(exportPrivateKeyPem(pair.privateKey));
    expect(again.publicValue).toBe(pair.publicValue);
    expect(again.keyid).toBe(pair.keyid);
    const hash = hashOf('abc');
    expect(verifyBinaryHash(pair.publicValue, hash, signBinaryHash(again.privateKey, hash))).toBe(
      true,
    );
  });

  it('refuses a hash that is not 64 lowercase hex characters, because the server signs the exact text', () => {
    const pair = generateSigningKeyPair();
    const hash = hashOf('abc');
    for (const bad of [hash.toUpperCase(), `sha256:${hash}`, hash.slice(1), `${hash}\n`, '']) {
      expect(isBinaryHash(bad)).toBe(false);
      expect(() => signBinaryHash(pair.privateKey, bad)).toThrow(
        "A binary hash must be the binary's SHA-256 as 64 lowercase hex characters",
      );
    }
    expect(() => verifyBinaryHash(pair.publicValue, hash.toUpperCase(), 'a'.repeat(128))).toThrow(
      SigningError,
    );
  });

  it('refuses to sign with anything but an Ed25519 private key', () => {
    const hash = hashOf('abc');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(() => signBinaryHash(rsa, hash)).toThrow('This is an RSA private key');
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(() => signBinaryHash(publicKey, hash)).toThrow('signing needs the private key');
  });

  it('refuses a public value that is not a raw 32-byte key in base64', () => {
    const hash = hashOf('abc');
    for (const bad of ['', 'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg', 'AAAA']) {
      expect(() => verifyBinaryHash(bad, hash, 'a'.repeat(128))).toThrow(
        'base64 of the raw 32-byte Ed25519 public key',
      );
    }
  });
});
