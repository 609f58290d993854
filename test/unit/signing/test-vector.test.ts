// The contract page's test vector: seed bytes 0x00..0x1f, its public value, and its
// signature of the hash of "hello world", reached through every import route.
import { createHash, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateKeyPem,
  importPrivateKey,
  importPrivateKeyPem,
  importPrivateKeySeed,
  keyIdOf,
  signBinaryHash,
  verifyBinaryHash,
} from '../../../src-main/signing/index.js';

const SEED = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const VALUE = 'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=';
const HELLO_WORLD_HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const SIGNATURE =
  'CAA8292F90BA74AAB33E530BBA8574281FFA9074C24C7D9CFA4FD8F6B8FF6377CFD4E2F18CB6FC488967CC6EBD67D0C3D3BC624126AA50A0502AEA7BA445C506';

/** The seed as the Peridio CLI would keep it: PKCS#8 PEM, written by node:crypto. */
const SEED_PEM = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]),
  format: 'der',
  type: 'pkcs8',
})
  .export({ format: 'pem', type: 'pkcs8' })
  .toString();

describe('the contract test vector', () => {
  it('gives the documented public value from the raw seed bytes', () => {
    expect(importPrivateKeySeed(SEED).publicValue).toBe(VALUE);
  });

  it('signs the hash of "hello world" exactly as documented, in uppercase', () => {
    expect(createHash('sha256').update('hello world').digest('hex')).toBe(HELLO_WORLD_HASH);
    const { privateKey } = importPrivateKeySeed(SEED);
    expect(signBinaryHash(privateKey, HELLO_WORLD_HASH)).toBe(SIGNATURE);
  });

  it('verifies the documented signature in either case', () => {
    expect(verifyBinaryHash(VALUE, HELLO_WORLD_HASH, SIGNATURE)).toBe(true);
    expect(verifyBinaryHash(VALUE, HELLO_WORLD_HASH, SIGNATURE.toLowerCase())).toBe(true);
  });

  it('is the same key when imported from PEM, hex or base64', () => {
    for (const text of [
      SEED_PEM,
      SEED.toString('hex'),
      SEED.toString('base64'),
      `  ${SEED_PEM}\n`,
    ]) {
      const pair = importPrivateKey(text);
      expect(pair.publicValue).toBe(VALUE);
      expect(signBinaryHash(pair.privateKey, HELLO_WORLD_HASH)).toBe(SIGNATURE);
    }
    expect(importPrivateKeyPem(SEED_PEM).publicValue).toBe(VALUE);
  });

  it('exports the PEM the Peridio CLI keeps, and reads it back to the same key', () => {
    const pem = exportPrivateKeyPem(importPrivateKeySeed(SEED).privateKey);
    expect(pem).toBe(SEED_PEM);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
  });

  it('fingerprints the key as the lowercase hex SHA-256 of the raw public key', () => {
    const expected = createHash('sha256').update(Buffer.from(VALUE, 'base64')).digest('hex');
    expect(importPrivateKeySeed(SEED).keyid).toBe(expected);
    expect(keyIdOf(VALUE)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });
});
