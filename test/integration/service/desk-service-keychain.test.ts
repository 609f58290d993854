// The service's secrets in the real OS keychain (run inside a keychain session, as `npm test`
// does): a profile's API key and a created signing key's private half go there and nowhere
// else, the key signs a binary through `binaries.sign`, and removing both empties the keychain.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiKeyAccount, signingKeyAccount } from '../../../src-main/credentials/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { testVault } from '../credentials/keyring.js';
import {
  content,
  createBinary,
  hashToSignable,
  startTestServer,
  tempDir,
  uploadAll,
  type TestServer,
} from '../local-peridio/helpers.js';

let dir: string;
let server: TestServer;
let service: DeskService;
const keychain = testVault();

beforeAll(async () => {
  dir = await tempDir('desk-service-keychain-');
  server = await startTestServer();
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
    vault: keychain.vault,
    runQueue: false,
  });
});

afterAll(async () => {
  await keychain.cleanup([apiKeyAccount('lab'), signingKeyAccount('desk-key')]);
  await service?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('keeps API keys and private keys in the keychain, and signs with them', async () => {
  const profile = await service.call('profiles.add', {
    name: 'lab',
    baseUrl: server.server.url,
    apiKey: server.server.apiKey,
  });
  expect(profile.hasApiKey).toBe(true);
  expect(await keychain.vault.get(apiKeyAccount('lab'))).toBe(server.server.apiKey);

  const key = await service.call('keys.create', { name: 'desk-key' });
  expect(await keychain.vault.get(signingKeyAccount('desk-key'))).toMatch(/BEGIN PRIVATE KEY/);
  const settingsFile = await readFile(path.join(dir, 'desk', 'config.json'), 'utf8');
  expect(settingsFile).not.toContain(server.server.apiKey);
  expect(settingsFile).not.toContain('PRIVATE KEY');

  const data = content(3000, 5);
  const created: { prn: string; size: number } = await createBinary(server.api, data);
  await uploadAll(server.api, created, data);
  await hashToSignable(server.api, created.prn);
  const signed = await service.call('binaries.sign', {
    prn: created.prn,
    signingKey: { kind: 'keychain', name: 'desk-key' },
  });
  expect(signed.state).toBe('signed');
  expect(signed.signatures?.[0]?.signing_key_prn).toBe(key.signingKeyPrn);

  expect(await service.call('keys.remove', { name: 'desk-key' })).toEqual({ removed: true });
  expect(await service.call('profiles.remove', { name: 'lab' })).toEqual({ removed: true });
  expect(await keychain.vault.get(signingKeyAccount('desk-key'))).toBeNull();
  expect(await keychain.vault.get(apiKeyAccount('lab'))).toBeNull();
});
