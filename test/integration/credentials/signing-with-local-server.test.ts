// A signing key end to end: created, registered with the real local server, its private key
// kept in the real keychain, read back by a "later process" and used to sign a binary that
// the server then accepts as signed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyringVault, signingKeyAccount } from '../../../src-main/credentials/index.js';
import { PeridioClient, PeridioError } from '../../../src-main/peridio/index.js';
import {
  createSigningKey,
  loadSigningKey,
  openSettings,
} from '../../../src-main/settings/index.js';
import {
  generateSigningKeyPair,
  readPrivateKeyFile,
  signBinaryHash,
} from '../../../src-main/signing/index.js';
import {
  TEST_VECTOR,
  content,
  createBinary,
  hashToSignable,
  startTestServer,
  tempDir,
  unique,
  uploadAll,
  type TestServer,
} from '../local-peridio/helpers.js';
import { testVault } from './keyring.js';

let server: TestServer;
let client: PeridioClient;
let dataDir: string;
const keychain = testVault();
const names: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  client = new PeridioClient({ baseUrl: server.server.url, apiKey: server.server.apiKey });
  dataDir = await tempDir('signing-settings-');
});
afterAll(async () => {
  client.close();
  await keychain.cleanup(names.map(signingKeyAccount));
  await server.stop();
});

/** A binary whose content is uploaded and hashed by the server, waiting for a signature. */
async function signableBinary(): Promise<{ prn: string; hash: string }> {
  const data = content(64 * 1024, Math.floor(Math.random() * 1e6));
  const binary = await createBinary(server.api, data);
  await uploadAll(server.api, binary, data);
  const hashed = await hashToSignable(server.api, binary.prn);
  expect(hashed.state).toBe('signable');
  return { prn: binary.prn, hash: hashed.hash };
}

describe('a created signing key', () => {
  it('is registered, kept in the keychain, and signs a binary the server accepts', async () => {
    const name = unique('release');
    names.push(name);
    const settings = openSettings({ dataDir });
    const created = await createSigningKey(
      { settings, vault: keychain.vault, signingKeys: client.signingKeys },
      { name },
    );

    const registered = await client.signingKeys.get(created.record.signingKeyPrn);
    expect(registered.name).toBe(name);
    expect(registered.value).toBe(created.keyPair.publicValue);
    // The local server assigns keyids as we fingerprint keys.
    expect(registered.keyid).toBe(created.keyPair.keyid);
    expect(created.record.keyid).toBe(registered.keyid);
    expect(await keychain.vault.get(signingKeyAccount(name))).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/,
    );

    const binary = await signableBinary();
    // A later process: fresh settings and keychain objects, nothing kept in memory.
    const loaded = await loadSigningKey(
      {
        settings: openSettings({ dataDir }),
        vault: new KeyringVault({ service: keychain.service }),
      },
      name,
    );

    const forged = signBinaryHash(generateSigningKeyPair().privateKey, binary.hash);
    const refused = await client.binarySignatures
      .create({
        binary_prn: binary.prn,
        signature: forged,
        signing_key_prn: loaded.record.signingKeyPrn,
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PeridioError);
    expect((refused as PeridioError).status).toBe(422);

    const signature = signBinaryHash(loaded.keyPair.privateKey, binary.hash);
    const attached = await client.binarySignatures.create({
      binary_prn: binary.prn,
      signature,
      signing_key_prn: loaded.record.signingKeyPrn,
    });
    expect(attached.keyid).toBe(created.keyPair.keyid);
    const signed = await client.binaries.get(binary.prn);
    expect(signed.state).toBe('signed');
    expect(signed.signatures?.map((s) => s.signing_key_prn)).toEqual([loaded.record.signingKeyPrn]);
  });
});

describe('the CI route (--signing-key-private FILE --signing-key-prn PRN)', () => {
  it('signs with the contract test vector key read from a PEM file, and the server accepts it', async () => {
    const registered = await client.signingKeys.create({
      name: unique('vector'),
      value: TEST_VECTOR.value,
    });
    const file = join(dataDir, 'vector.pem');
    await writeFile(file, TEST_VECTOR.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const keyPair = await readPrivateKeyFile(file);
    expect(keyPair.publicValue).toBe(TEST_VECTOR.value);

    const binary = await signableBinary();
    await client.binarySignatures.create({
      binary_prn: binary.prn,
      signature: signBinaryHash(keyPair.privateKey, binary.hash),
      signing_key_prn: registered.prn,
    });
    expect((await client.binaries.get(binary.prn)).state).toBe('signed');
  });
});
