// Reading Ed25519 private keys from what people have: a PKCS#8 PEM (the Peridio CLI's
// format) or the raw 32-byte seed as hex or base64. Everything else is refused with the
// reason; nothing here ever repeats the text it was given.
import { createPrivateKey } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { algorithmName, keyPairOf, type SigningKeyPair } from './key-pair.js';
import { SigningError, WHAT_TO_GIVE } from './signing-error.js';
import { readRegularFile, whyUnreadable } from '../files/index.js';

/** The DER header that turns a 32-byte Ed25519 seed into a PKCS#8 PrivateKeyInfo. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A key file is a few hundred bytes; anything far larger is the wrong file. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function refuse(code: ConstructorParameters<typeof SigningError>[0], why: string): SigningError {
  return new SigningError(code, `${why} ${WHAT_TO_GIVE}`);
}

/** Why a PEM block that is not an unencrypted PKCS#8 private key cannot be used. */
function refusePemLabel(label: string, block: string): SigningError {
  if (label === 'ENCRYPTED PRIVATE KEY' || block.includes('Proc-Type: 4,ENCRYPTED')) {
    return refuse(
      'encrypted_key',
      'This PEM private key is protected by a passphrase. Decrypt it first ' +
        '(`openssl pkey -in encrypted.pem -out key.pem`), then import key.pem.',
    );
  }
  const algorithm = /^(RSA|EC|DSA) PRIVATE KEY$/.exec(label)?.[1];
  if (algorithm !== undefined) {
    return refuse(
      'not_ed25519',
      `This is ${algorithmName(algorithm.toLowerCase())} private key, but Peridio signs ` +
        'binaries with Ed25519.',
    );
  }
  if (label === 'OPENSSH PRIVATE KEY') {
    return refuse('unrecognized_key', 'This is an OpenSSH private key, which cannot be read here.');
  }
  if (label.includes('PUBLIC KEY') || label.includes('CERTIFICATE')) {
    return refuse(
      'not_a_private_key',
      `This PEM holds a ${label.toLowerCase()}, but signing needs the private key.`,
    );
  }
  return refuse('unrecognized_key', `This PEM holds a block labelled "${label}".`);
}

/** Imports a PKCS#8 PEM Ed25519 private key (`-----BEGIN PRIVATE KEY-----`). */
export function importPrivateKeyPem(pem: string): SigningKeyPair {
  const blocks = [...pem.matchAll(PEM_BLOCK)].map((match) => ({
    label: match[1] ?? '',
    text: match[0],
  }));
  if (blocks.length === 0) {
    throw refuse('unreadable_pem', 'This is not a PEM: it has no complete "-----BEGIN" block.');
  }
  const privateBlock = blocks.find((block) => block.label === 'PRIVATE KEY');
  if (privateBlock === undefined) {
    const first = blocks[0]!;
    throw refusePemLabel(first.label, first.text);
  }
  let key;
  try {
    key = createPrivateKey({ key: privateBlock.text, format: 'pem' });
  } catch {
    throw refuse(
      'unreadable_pem',
      'The "PRIVATE KEY" block does not decode as a PKCS#8 private key (damaged or truncated).',
    );
  }
  return keyPairOf(key);
}

function seedBytes(seed: string): Buffer {
  if (HEX.test(seed)) {
    if (seed.length === 64) return Buffer.from(seed, 'hex');
    const hint =
      seed.length === 128 ? ' (64 bytes: if this is seed + public key, give the seed)' : '';
    throw refuse(
      'bad_seed',
      `This hex seed has ${seed.length} characters${hint}; a raw Ed25519 seed is 64 hex characters (32 bytes).`,
    );
  }
  if (BASE64.test(seed)) {
    const bytes = Buffer.from(seed, 'base64');
    if (bytes.length === 32) return bytes;
    throw refuse(
      'bad_seed',
      `This base64 decodes to ${bytes.length} bytes; a raw Ed25519 seed is exactly 32 bytes.`,
    );
  }
  throw refuse(
    'unrecognized_key',
    'This is neither a PEM private key nor a seed written as hex or base64.',
  );
}

/** Imports a raw 32-byte Ed25519 seed: bytes, 64 hex characters, or base64. */
export function importPrivateKeySeed(seed: Uint8Array | string): SigningKeyPair {
  let bytes: Buffer;
  if (typeof seed === 'string') {
    bytes = seedBytes(seed.trim());
  } else if (seed.length === 32) {
    bytes = Buffer.from(seed);
  } else {
    throw refuse(
      'bad_seed',
      `This seed is ${seed.length} bytes; a raw Ed25519 seed is exactly 32.`,
    );
  }
  return keyPairOf(
    createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, bytes]),
      format: 'der',
      type: 'pkcs8',
    }),
  );
}

/** Imports a private key given as text: a PKCS#8 PEM, or a seed as hex or base64. */
export function importPrivateKey(text: string): SigningKeyPair {
  const trimmed = text.trim();
  if (trimmed === '') throw refuse('unrecognized_key', 'The key is empty.');
  return trimmed.includes('-----BEGIN')
    ? importPrivateKeyPem(trimmed)
    : importPrivateKeySeed(trimmed);
}

function unreadableFile(path: string, error: unknown): SigningError {
  return new SigningError(
    'key_file_unreadable',
    `The signing key file "${path}" ${whyUnreadable(error)}.`,
  );
}

async function readKeyFileBytes(path: string): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new SigningError('key_file_unreadable', `"${path}" is a folder, not a key file.`);
    }
    size = info.size;
  } catch (error) {
    throw error instanceof SigningError ? error : unreadableFile(path, error);
  }
  if (size > MAX_KEY_FILE_BYTES) {
    throw refuse(
      'key_file_unreadable',
      `The signing key file "${path}" is ${size} bytes, far too large for a key.`,
    );
  }
  try {
    return await readRegularFile(path);
  } catch (error) {
    throw unreadableFile(path, error);
  }
}

/**
 * Reads a private key file (the CI route `--signing-key-private FILE`): PEM or seed text, or
 * exactly 32 raw bytes (no text form of a seed is 32 characters long). Refusals name the
 * file, never its content.
 */
export async function readPrivateKeyFile(path: string): Promise<SigningKeyPair> {
  const bytes = await readKeyFileBytes(path);
  try {
    return bytes.length === 32
      ? importPrivateKeySeed(bytes)
      : importPrivateKey(bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof SigningError) {
      throw new SigningError(error.code, `The signing key file "${path}": ${error.message}`);
    }
    throw error;
  }
}
