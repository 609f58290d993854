// A profile's proxy carries the profile's requests: added through the service with its
// password (kept in the real keychain), the key is checked through it, and every request of
// the profile's workspace goes that way; the environment's proxy variables win over it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAccount, proxyPasswordAccount } from '../../../src-main/credentials/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { testVault } from '../credentials/keyring.js';
import { refusalOf } from '../service/refusal.js';
import {
  serverBehindProxySkipReason,
  startServerBehindProxy,
  type ServerBehindProxy,
} from './server-behind-proxy.js';

const skipReason = serverBehindProxySkipReason();
if (skipReason !== undefined) console.log(`Profile proxy routing tests skipped: ${skipReason}`);

const PASSWORD = 'office-pw.1';

describe.skipIf(skipReason !== undefined)("a profile's proxy, on the way to its server", () => {
  let h: ServerBehindProxy;
  let dir: string;
  const keychain = testVault();
  const services: DeskService[] = [];

  const open = async (name: string, env: NodeJS.ProcessEnv) => {
    const service = await openDeskService({
      dataDir: path.join(dir, name),
      env,
      vault: keychain.vault,
      runQueue: false,
      openWorkspace: 'when-needed',
    });
    services.push(service);
    return service;
  };
  const addOffice = (service: DeskService) =>
    service.call('profiles.add', {
      name: 'office',
      baseUrl: h.serverUrl,
      apiKey: h.apiKey,
      proxyUrl: `http://desk@${new URL(h.proxy.url).host}`,
      proxyPassword: PASSWORD,
    });

  beforeAll(async () => {
    h = await startServerBehindProxy({ proxyCredentials: { user: 'desk', password: PASSWORD } });
    dir = await mkdtemp(path.join(tmpdir(), 'profile-proxy-route-'));
  });
  afterAll(async () => {
    for (const service of services) await service.close();
    await keychain.cleanup([apiKeyAccount('office'), proxyPasswordAccount('office')]);
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('checks the key through it, then takes every request of the profile through it', async () => {
    const service = await open('desk', {});
    const added = await addOffice(service);
    expect(added).toMatchObject({ name: 'office', hasProxyPassword: true });
    await service.call('profiles.use', { name: 'office' });

    const artifact = await service.call('artifacts.create', { name: 'office-fw' });

    expect(artifact.name).toBe('office-fw');
    expect(await h.proxy.requests()).toEqual(
      expect.arrayContaining([
        { method: 'GET', target: `${h.serverUrl}/users/me` },
        { method: 'POST', target: `${h.serverUrl}/artifacts` },
      ]),
    );
  });

  it('gives way to the proxy variables, which name their own proxy in the message', async () => {
    const service = await open('desk', { HTTP_PROXY: 'http://127.0.0.1:9' });
    const before = (await h.proxy.requests()).length;

    const refusal = await refusalOf(service.call('artifacts.list', {}));

    expect(refusal.message).toContain('through the proxy http://127.0.0.1:9 (HTTP_PROXY)');
    expect((await h.proxy.requests()).length).toBe(before);
  });
});
