// A signing key as a whole: its record in the settings file and its PKCS#8 PEM private key in
// the keychain. The private key is read back only to sign, and checked against the record.
import { signingKeyAccount } from '../credentials/index.js';
import type { SigningKeysApi } from '../peridio/index.js';
import {
  exportPrivateKeyPem,
  generateSigningKeyPair,
  importPrivateKeyPem,
  type SigningKeyPair,
} from '../signing/index.js';
import type { CredentialStores } from './profile-credentials.js';
import { SettingsError } from './settings-errors.js';
import { nameProblem } from './settings-schema.js';
import type { ReplaceOption, SigningKeyRecord } from './settings-store.js';

export interface StoreSigningKeyInput extends ReplaceOption {
  name: string;
  signingKeyPrn: string;
  keyPair: SigningKeyPair;
  /** The server's keyid when known; the key's own fingerprint otherwise. */
  keyid?: string;
}

export interface LoadedSigningKey {
  record: SigningKeyRecord;
  keyPair: SigningKeyPair;
}

function refuseExisting(stores: CredentialStores, name: string, replace: boolean): void {
  if (!replace && stores.settings.getSigningKey(name) !== undefined) {
    throw new SettingsError(
      'signing_key_exists',
      `A signing key named "${name}" already exists. Remove it first, or choose another name.`,
    );
  }
}

/** Keeps an already registered key pair: private key in the keychain, then the record. */
export async function storeSigningKey(
  stores: CredentialStores,
  input: StoreSigningKeyInput,
): Promise<SigningKeyRecord> {
  const replace = input.replace === true;
  refuseExisting(stores, input.name, replace);
  const record = {
    name: input.name,
    signingKeyPrn: input.signingKeyPrn,
    keyid: input.keyid ?? input.keyPair.keyid,
    publicValue: input.keyPair.publicValue,
  };
  // A dry check of the record first, so nothing reaches the keychain for a bad name or PRN.
  stores.settings.checkSigningKey(record);
  await stores.vault.set(
    signingKeyAccount(input.name),
    exportPrivateKeyPem(input.keyPair.privateKey),
  );
  return stores.settings.addSigningKey(record, { replace });
}

export interface CreateSigningKeyInput {
  name: string;
}

/**
 * Creates a new key pair, registers its public key with the server (`POST /signing_keys`,
 * under the same name) and keeps it. The private key is in the keychain before the server
 * hears of the key, so a registered key can never lack its private half; when the server
 * refuses, the keychain entry is removed again.
 */
export async function createSigningKey(
  stores: CredentialStores & { signingKeys: Pick<SigningKeysApi, 'create'> },
  input: CreateSigningKeyInput,
): Promise<LoadedSigningKey> {
  const problem = nameProblem(input.name);
  if (problem !== undefined) {
    throw new SettingsError(
      'invalid_signing_key',
      `The signing key "${input.name}" cannot be created: ${problem}.`,
      [{ field: 'name', message: problem }],
    );
  }
  refuseExisting(stores, input.name, false);
  const keyPair = generateSigningKeyPair();
  const account = signingKeyAccount(input.name);
  await stores.vault.set(account, exportPrivateKeyPem(keyPair.privateKey));
  let record: SigningKeyRecord;
  try {
    const registered = await stores.signingKeys.create({
      name: input.name,
      value: keyPair.publicValue,
    });
    record = stores.settings.addSigningKey({
      name: input.name,
      signingKeyPrn: registered.prn,
      keyid: registered.keyid,
      publicValue: keyPair.publicValue,
    });
  } catch (error) {
    await stores.vault.delete(account);
    throw error;
  }
  return { record, keyPair };
}

/** The record and its private key, ready to sign with. */
export async function loadSigningKey(
  stores: CredentialStores,
  name: string,
): Promise<LoadedSigningKey> {
  const record = stores.settings.getSigningKey(name);
  if (record === undefined) {
    const known = stores.settings.listSigningKeys().map((key) => key.name);
    throw new SettingsError(
      'signing_key_not_found',
      `There is no signing key named "${name}". ` +
        (known.length === 0 ? 'No signing keys exist yet.' : `Signing keys: ${known.join(', ')}.`),
    );
  }
  const pem = await stores.vault.get(signingKeyAccount(name));
  if (pem === null) {
    throw new SettingsError(
      'signing_key_missing',
      `The private key of the signing key "${name}" is not in the OS keychain (was it removed ` +
        'there?). Import the key again, or sign with --signing-key-private FILE --signing-key-prn PRN.',
    );
  }
  const keyPair = importPrivateKeyPem(pem);
  if (keyPair.publicValue !== record.publicValue) {
    throw new SettingsError(
      'signing_key_mismatch',
      `The keychain holds a different private key for the signing key "${name}" than the one ` +
        'registered as its public key; signatures would be refused. Import the right key again.',
    );
  }
  return { record, keyPair };
}

/** Removes the record and the private key. True when either existed. The key stays
 * registered on the server (deleting it there is a separate, deliberate act). */
export async function forgetSigningKey(stores: CredentialStores, name: string): Promise<boolean> {
  const removed = stores.settings.removeSigningKey(name);
  const keyRemoved = await stores.vault.delete(signingKeyAccount(name));
  return removed || keyRemoved;
}
