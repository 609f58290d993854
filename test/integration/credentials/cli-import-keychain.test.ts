// Importing the Peridio CLI's settings into the real keychain, then using what was imported:
// the profile's key (read back from the keychain) opens the local server, and the imported
// signing key signs a binary the server accepts.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  apiKeyAccount,
  resolveConnection,
  signingKeyAccount,
} from '../../../src-main/credentials/index.js';
import { PeridioClient } from '../../../src-main/peridio/index.js';
import {
  importPeridioCliSettings,
  loadSigningKey,
  openSettings,
} from '../../../src-main/settings/index.js';
import {
  generateSigningKeyPair,
  exportPrivateKeyPem,
  signBinaryHash,
} from '../../../src-main/signing/index.js';
import {
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
let root: string;
const keychain = testVault();

beforeAll(async () => {
  server = await startTestServer();
  root = await tempDir('cli-import-keychain-');
});
afterAll(async () => {
  await keychain.cleanup([apiKeyAccount('local'), signingKeyAccount('ci-key')]);
  await server.stop();
});

it('imports profiles and signing keys into the OS keychain, ready to use', async () => {
  const admin = new PeridioClient({ baseUrl: server.server.url, apiKey: server.server.apiKey });
  const pair = generateSigningKeyPair();
  const registered = await admin.signingKeys.create({
    name: unique('ci'),
    value: pair.publicValue,
  });
  admin.close();

  const cliDir = join(root, 'peridio');
  await mkdir(join(cliDir, 'keys'), { recursive: true });
  await writeFile(join(cliDir, 'keys', 'ci.pem'), exportPrivateKeyPem(pair.privateKey));
  await writeFile(
    join(cliDir, 'config.json'),
    JSON.stringify({
      version: 2,
      profiles: { local: { base_url: server.server.url, ca_path: null, api_version: 2 } },
      signing_key_pairs: {
        'ci-key': { signing_key_prn: registered.prn, signing_key_private_path: 'keys/ci.pem' },
      },
    }),
  );
  await writeFile(
    join(cliDir, 'credentials.json'),
    JSON.stringify({ local: { api_key: server.server.apiKey } }),
  );

  const dataDir = join(root, 'desk');
  const settings = openSettings({ dataDir });
  const report = await importPeridioCliSettings({
    settings,
    vault: keychain.vault,
    env: { PERIDIO_CONFIG_DIRECTORY: cliDir },
  });
  expect(report.profiles).toEqual([
    { name: 'local', baseUrl: server.server.url, apiKey: 'imported', replaced: false },
  ]);
  expect(report.signingKeys.map((key) => key.name)).toEqual(['ci-key']);
  expect(report.skipped).toEqual([]);
  expect(await keychain.vault.get(apiKeyAccount('local'))).toBe(server.server.apiKey);

  settings.useProfile('local');
  const connection = await resolveConnection({
    profiles: openSettings({ dataDir }),
    vault: keychain.vault,
    env: {},
    localWorkspace: () => {
      throw new Error('the imported profile should be used');
    },
  });
  expect(connection.toJSON()).toMatchObject({
    profileName: 'local',
    source: 'profile',
    apiKey: '[redacted]',
  });
  const client = new PeridioClient({ baseUrl: connection.baseUrl, apiKey: connection.apiKey });
  try {
    expect((await client.users.me()).organization_prn).toBe(server.server.organizationPrn);

    const data = content(10_000, 7);
    const binary = await createBinary(server.api, data);
    await uploadAll(server.api, binary, data);
    const signable = await hashToSignable(server.api, binary.prn);
    const { record, keyPair } = await loadSigningKey({ settings, vault: keychain.vault }, 'ci-key');
    await client.binarySignatures.create({
      binary_prn: binary.prn,
      signature: signBinaryHash(keyPair.privateKey, signable.hash),
      signing_key_prn: record.signingKeyPrn,
    });
    expect((await client.binaries.get(binary.prn)).state).toBe('signed');
  } finally {
    client.close();
  }
});
