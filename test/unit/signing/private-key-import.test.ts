// What people paste or point at: Ed25519 keys are accepted, everything else is refused with
// the reason and what to give instead, and no refusal repeats the key material it was given.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SigningError,
  importPrivateKey,
  importPrivateKeySeed,
  readPrivateKeyFile,
} from '../../../src-main/signing/index.js';

function ed25519Pem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

function refusal(input: () => unknown): SigningError {
  try {
    input();
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError);
    return error as SigningError;
  }
  throw new Error('expected the key to be refused');
}

/** No 12-character run of the given secret text appears in the message. */
function expectNoMaterial(message: string, secret: string): void {
  const body = secret.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  for (let at = 0; at + 12 <= body.length; at += 6) {
    expect(message).not.toContain(body.slice(at, at + 12));
  }
}

describe('importPrivateKey', () => {
  it('accepts an Ed25519 PKCS#8 PEM written by node:crypto (as the Peridio CLI keeps them)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pair = importPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
    expect(pair.publicValue).toBe(raw.toString('base64'));
  });

  it('finds the private key in a PEM that also holds other blocks', () => {
    const pem = ed25519Pem();
    const publicPem = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    expect(importPrivateKey(`${publicPem}${pem}`).publicValue).toBe(
      importPrivateKey(pem).publicValue,
    );
  });

  it('refuses an RSA PEM, naming RSA, Ed25519 and what to give instead', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const pem = privateKey.export({ format: 'pem', type }).toString();
      const error = refusal(() => importPrivateKey(pem));
      expect(error.code).toBe('not_ed25519');
      expect(error.message).toMatch(
        /^This is an RSA private key, but Peridio signs binaries with Ed25519/,
      );
      expect(error.message).toContain('PKCS#8 PEM');
      expect(error.message).toContain('32-byte seed');
      expectNoMaterial(error.message, pem);
    }
  });

  it('refuses EC and X25519 keys as not Ed25519', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const pem of [
      ec.export({ format: 'pem', type: 'sec1' }).toString(),
      ec.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ]) {
      expect(refusal(() => importPrivateKey(pem)).message).toContain('an EC (ECDSA) private key');
    }
    const x25519 = generateKeyPairSync('x25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(refusal(() => importPrivateKey(x25519)).code).toBe('not_ed25519');
  });

  it('refuses an encrypted PEM, saying it needs decrypting first', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({
        format: 'pem',
        type: 'pkcs8',
        cipher: 'aes-256-cbc',
        passphrase: 'correct horse',
      })
      .toString();
    expect(pem).toContain('ENCRYPTED PRIVATE KEY');
    const error = refusal(() => importPrivateKey(pem));
    expect(error.code).toBe('encrypted_key');
    expect(error.message).toContain('protected by a passphrase');
    expect(error.message).toContain('openssl pkey');
    expectNoMaterial(error.message, pem);
  });

  it('refuses a traditional encrypted RSA PEM as encrypted', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: 'x' })
      .toString();
    expect(refusal(() => importPrivateKey(pem)).code).toBe('encrypted_key');
  });

  it('refuses a public key where the private key is needed', () => {
    const pem = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    const error = refusal(() => importPrivateKey(pem));
    expect(error.code).toBe('not_a_private_key');
    expect(error.message).toContain('public key');
  });

  it('refuses a damaged PEM without quoting it', () => {
    const pem = ed25519Pem();
    const lines = pem.split('\n');
    const damaged = [lines[0], lines[1]!.slice(0, 20), lines.at(-2)].join('\n');
    const error = refusal(() => importPrivateKey(damaged));
    expect(error.code).toBe('unreadable_pem');
    expectNoMaterial(error.message, pem);
  });

  it('refuses seeds of the wrong length, saying how long they were and should be', () => {
    const shortHex = randomBytes(16).toString('hex');
    expect(refusal(() => importPrivateKey(shortHex)).message).toContain(
      'This hex seed has 32 characters; a raw Ed25519 seed is 64 hex characters (32 bytes)',
    );
    const longHex = randomBytes(64).toString('hex');
    const long = refusal(() => importPrivateKey(longHex));
    expect(long.code).toBe('bad_seed');
    expect(long.message).toContain('give the seed');
    expectNoMaterial(long.message, longHex);
    const base64 = randomBytes(48).toString('base64');
    expect(refusal(() => importPrivateKey(base64)).message).toContain('decodes to 48 bytes');
    expect(refusal(() => importPrivateKeySeed(new Uint8Array(31))).message).toContain(
      'This seed is 31 bytes',
    );
  });

  it('refuses garbage and empty input', () => {
    expect(refusal(() => importPrivateKey('my key is hunter2!')).code).toBe('unrecognized_key');
    expect(refusal(() => importPrivateKey('   \n')).message).toMatch(/^The key is empty/);
    const ssh = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(refusal(() => importPrivateKey(ssh)).message).toContain('OpenSSH private key');
  });
});

describe('readPrivateKeyFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signing-key-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a PEM file, a seed text file and a raw 32-byte seed file', async () => {
    const pem = ed25519Pem();
    const expected = importPrivateKey(pem).publicValue;
    await writeFile(join(dir, 'key.pem'), pem);
    expect((await readPrivateKeyFile(join(dir, 'key.pem'))).publicValue).toBe(expected);

    const seed = randomBytes(32);
    await writeFile(join(dir, 'seed.hex'), `${seed.toString('hex')}\n`);
    await writeFile(join(dir, 'seed.bin'), seed);
    const fromSeed = importPrivateKeySeed(seed).publicValue;
    expect((await readPrivateKeyFile(join(dir, 'seed.hex'))).publicValue).toBe(fromSeed);
    expect((await readPrivateKeyFile(join(dir, 'seed.bin'))).publicValue).toBe(fromSeed);
  });

  it('names the file in every refusal', async () => {
    const missing = join(dir, 'nope.pem');
    await expect(readPrivateKeyFile(missing)).rejects.toThrow(
      `The signing key file "${missing}" does not exist.`,
    );
    await mkdir(join(dir, 'folder'));
    await expect(readPrivateKeyFile(join(dir, 'folder'))).rejects.toThrow('is a folder');
    await writeFile(join(dir, 'huge.pem'), Buffer.alloc(1024 * 1024, 65));
    await expect(readPrivateKeyFile(join(dir, 'huge.pem'))).rejects.toThrow('far too large');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await writeFile(join(dir, 'rsa.pem'), rsa);
    await expect(readPrivateKeyFile(join(dir, 'rsa.pem'))).rejects.toThrow(
      `The signing key file "${join(dir, 'rsa.pem')}": This is an RSA private key`,
    );
  });
});
