// A signing key is checked before anything is sent, not after a whole file was uploaded: its
// private half can be had (the keychain entry is there; a PEM file is readable and Ed25519),
// it is registered in the workspace's organization, and its public half is the one the server
// has for its PRN. While the server cannot be reached, the checks that need it wait for the
// signing step (where the server checks the signature itself), and the answer says so. What
// the server confirmed holds for ten minutes, kept between commands (CONFIRMED_FOR_MS).
import type { ConfirmedKey, SigningKeyRef } from '../queue/index.js';
import { isPeridioError, parsePrn, type PeridioClient } from '../peridio/index.js';
import { loadSigningKey, type CredentialStores } from '../settings/index.js';
import { readPrivateKeyFile, signBinaryHash } from '../signing/index.js';
import type { Signer } from '../workflow/index.js';
import { refuse } from './desk-errors.js';

export interface SigningKeyCheckContext {
  stores: CredentialStores;
  client: PeridioClient;
  /** The workspace's organization PRN, undefined while it cannot be asked. */
  organizationPrn(): Promise<string | undefined>;
  /** Words naming the workspace, for the refusal of a key of another organization. */
  workspaceWords(): string;
  /** When the server last confirmed the key for this workspace, as kept between commands. */
  confirmedAt?(key: ConfirmedKey): number | undefined;
  /** Keeps that the server confirmed the key now. */
  confirmed?(key: ConfirmedKey): void;
}

/**
 * How long a key the server confirmed is taken as registered (its PRN holding its public
 * value) without asking again: a build machine's burst of commands asks once. Its signatures
 * are still checked by the server; a key removed there meanwhile fails at signing.
 */
const CONFIRMED_FOR_MS = 10 * 60_000;

/** A key that passed: its signer, and whether the server could be asked about it. */
export interface CheckedSigningKey {
  signer: Signer;
  /** Why the key was not checked against the server (it could not be reached); undefined
   * once the server agreed. The signing step checks again, and the server with it. */
  unconfirmed?: string;
}

/** How a key is named in messages: its keychain name, or its file and PRN. */
export function signingKeyName(ref: SigningKeyRef): string {
  return ref.kind === 'keychain' ? `"${ref.name}"` : `${ref.privateKeyPath} (${ref.signingKeyPrn})`;
}

const FIELD = (ref: SigningKeyRef) =>
  ref.kind === 'keychain' ? 'signingKey.name' : 'signingKey.privateKeyPath';

function unusable(ref: SigningKeyRef, why: string) {
  return refuse(
    'signing_key_unusable',
    `The signing key ${signingKeyName(ref)} cannot be used: ${why} Nothing was sent.`,
    [{ field: FIELD(ref), message: 'cannot be used' }],
  );
}

/** The key's private half, read and checked against its record: all of the check that needs
 * no server (the keychain entry is there; a PEM file is readable and Ed25519). */
export async function privateHalf(
  ref: SigningKeyRef,
  stores: CredentialStores,
): Promise<{ signingKeyPrn: string; publicValue: string; signer: Signer }> {
  try {
    const { signingKeyPrn, pair } =
      ref.kind === 'file'
        ? { signingKeyPrn: ref.signingKeyPrn, pair: await readPrivateKeyFile(ref.privateKeyPath) }
        : await loadSigningKey(stores, ref.name).then(({ record, keyPair }) => ({
            signingKeyPrn: record.signingKeyPrn,
            pair: keyPair,
          }));
    return {
      signingKeyPrn,
      publicValue: pair.publicValue,
      signer: { signingKeyPrn, sign: (hash) => signBinaryHash(pair.privateKey, hash) },
    };
  } catch (error) {
    throw unusable(ref, (error as Error).message);
  }
}

/**
 * Resolves a signing key and checks it as far as can be now; answers its signer. Refusals
 * name the key and say what to do; a server that cannot be reached is not a refusal.
 */
export async function checkSigningKey(
  ref: SigningKeyRef,
  context: SigningKeyCheckContext,
): Promise<CheckedSigningKey> {
  const key = await privateHalf(ref, context.stores);
  const own = parsePrn(await context.organizationPrn(), 'organization');
  const keyPrn = parsePrn(key.signingKeyPrn, 'signing_key');
  if (own.ok && keyPrn.ok && keyPrn.prn.organizationId !== own.prn.organizationId) {
    throw refuse(
      'foreign_organization',
      `The signing key ${signingKeyName(ref)} is registered in organization ` +
        `${keyPrn.prn.organizationId}, but the workspace in use is ${context.workspaceWords()}, ` +
        `of organization ${own.prn.organizationId}. Use a key of this workspace (see ` +
        '`peridio-desk keys list`), or choose the workspace the key belongs to. Nothing was sent.',
      [{ field: FIELD(ref), message: 'belongs to another organization' }],
    );
  }
  const confirmed = { signingKeyPrn: key.signingKeyPrn, publicValue: key.publicValue };
  const age = Date.now() - (context.confirmedAt?.(confirmed) ?? Number.NEGATIVE_INFINITY);
  if (age >= 0 && age < CONFIRMED_FOR_MS) return { signer: key.signer };
  let registered;
  try {
    registered = await context.client.signingKeys.get(key.signingKeyPrn, { timeoutMs: 10_000 });
  } catch (error) {
    if (isPeridioError(error, 'not_found')) {
      throw unusable(
        ref,
        `${key.signingKeyPrn} is not a signing key of ${context.workspaceWords()}. Register ` +
          'its public key there (`peridio-desk keys import`), or give the PRN it was registered as.',
      );
    }
    // Offline, or the server failed: the signing step checks again, and the server with it.
    return { signer: key.signer, unconfirmed: (error as Error).message };
  }
  if (registered.value !== key.publicValue) {
    throw refuse(
      'signing_key_mismatch',
      `The signing key ${signingKeyName(ref)} does not match ${key.signingKeyPrn} ("${registered.name}" ` +
        'on the server): the private key is not the pair of the public key registered there, so ' +
        'every signature would be refused. Give the private key of that registration, or the PRN ' +
        'this private key was registered as. Nothing was sent.',
      [{ field: FIELD(ref), message: 'not the pair of the registered public key' }],
    );
  }
  context.confirmed?.(confirmed);
  return { signer: key.signer };
}

/** How long a key that passed is taken as checked: a burst of watched files asks once. */
const PASSED_FOR_MS = 60_000;

/** The checks of one workspace, remembering a key that passed for a minute. */
export class SigningKeyChecks {
  readonly #passed = new Map<string, { at: number; checked: CheckedSigningKey }>();

  constructor(private readonly context: SigningKeyCheckContext) {}

  async check(ref: SigningKeyRef): Promise<CheckedSigningKey> {
    const id = JSON.stringify(ref);
    const passed = this.#passed.get(id);
    if (passed && Date.now() - passed.at < PASSED_FOR_MS) return passed.checked;
    const checked = await checkSigningKey(ref, this.context);
    this.#passed.set(id, { at: Date.now(), checked });
    return checked;
  }
}
