// The checks RFC 8032 leaves to the verifier (libsodium's): small-order and non-canonical
// points refused as keys and as a signature's R, S past the group order refused, and a real
// key or signature passing. The small-order encodings are libsodium's blocklist.
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ed25519PointProblem,
  ed25519SignatureProblem,
  isSigningError,
  publicKeyValue,
} from '../../../src-main/signing/index.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const FF30 = 'ff'.repeat(30);

describe('Ed25519 points and signatures', () => {
  it.each([
    ['the identity (order 1)', `01${'00'.repeat(31)}`],
    ['all zeros (order 4)', '00'.repeat(32)],
    ['an order-8 point', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'],
    ['another order-8 point', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'],
    ['p - 1 (order 2)', `ec${FF30}7f`],
  ])('refuses %s as of small order', (_, encoding) => {
    expect(ed25519PointProblem(hex(encoding))).toBe('small_order');
  });

  it('refuses encodings of y at or past p, and -0, as not canonical', () => {
    expect(ed25519PointProblem(hex(`ed${FF30}7f`))).toBe('not_canonical');
    expect(ed25519PointProblem(hex(`ee${FF30}7f`))).toBe('not_canonical');
    expect(ed25519PointProblem(hex(`01${'00'.repeat(30)}80`))).toBe('not_canonical');
  });

  it('passes real keys, and a real signature, whose S is below the order', () => {
    for (let i = 0; i < 20; i += 1) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      expect(ed25519PointProblem(raw)).toBeUndefined();
      expect(ed25519SignatureProblem(sign(null, Buffer.from(`hash ${i}`), privateKey))).toBe(
        undefined,
      );
    }
  });

  it('refuses a signature with a small-order R or an S past the group order', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const good = sign(null, Buffer.from('hash'), privateKey);
    const identityR = Buffer.concat([hex(`01${'00'.repeat(31)}`), Buffer.alloc(32)]);
    expect(ed25519SignatureProblem(identityR)).toMatch(/R that is a point of small order/);
    const bigS = Buffer.concat([good.subarray(0, 32), hex(`ed${FF30}7f`)]);
    expect(ed25519SignatureProblem(bigS)).toMatch(/S that is not below the group order/);
  });

  it('will not give the value of a small-order public key to register or sign with', () => {
    const spki = Buffer.concat([hex('302a300506032b6570032100'), hex(`01${'00'.repeat(31)}`)]);
    const weak = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    let error: unknown;
    try {
      publicKeyValue(weak);
    } catch (caught) {
      error = caught;
    }
    expect(isSigningError(error) && error.code).toBe('weak_public_key');
    expect((error as Error).message).toContain('a point of small order');
  });
});
