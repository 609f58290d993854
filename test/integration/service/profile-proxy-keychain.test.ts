// A profile's proxy through the service, with the real OS keychain (run inside a keychain
// session, as `npm test` does): the password lands in the keychain and never in the settings
// file, the connection gets it filled in, nothing shown or logged carries it, and changing or
// removing the proxy (or the profile) deletes it.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent } from '../../../src-preload/contract.js';
import {
  CredentialsError,
  apiKeyAccount,
  proxyPasswordAccount,
  resolveConnection,
  type SecretVault,
} from '../../../src-main/credentials/index.js';
import { engineLogFile, openEngineLog } from '../../../src-main/logging/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { openSettings, type SettingsStore } from '../../../src-main/settings/index.js';
import { testVault } from '../credentials/keyring.js';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import { refusalOf } from './refusal.js';

const SECRET = 'pr0xy-s3cret:@/';
const PROXY = 'http://alice@127.0.0.1:3128';

let dir: string;
let server: TestServer;
let service: DeskService;
let settings: SettingsStore;
const events: DeskEvent[] = [];
const keychain = testVault();

const settingsFile = () => readFile(path.join(dir, 'desk', 'config.json'), 'utf8');
const savedPassword = (profile: string) => keychain.vault.get(proxyPasswordAccount(profile));
const connectionTo = (profileName: string, vault: SecretVault = keychain.vault) =>
  resolveConnection({
    profiles: settings,
    vault,
    profileName,
    env: {},
    localWorkspace: () => {
      throw new Error('the local workspace must not be started');
    },
  });

beforeAll(async () => {
  dir = await tempDir('profile-proxy-');
  server = await startTestServer();
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    // The server is on this machine: its requests go straight, whatever proxy a profile names.
    env: { NO_PROXY: '127.0.0.1,localhost' },
    vault: keychain.vault,
    runQueue: false,
    openWorkspace: 'when-needed',
    listener: (event) => events.push(event),
  });
  settings = openSettings({ dataDir: path.join(dir, 'desk') });
  for (const name of ['lab', 'spare']) {
    await service.call('profiles.add', {
      name,
      baseUrl: server.server.url,
      apiKey: server.server.apiKey,
    });
  }
});

afterAll(async () => {
  await keychain.cleanup(
    ['lab', 'spare'].flatMap((name) => [apiKeyAccount(name), proxyPasswordAccount(name)]),
  );
  await service?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a profile's proxy with the real keychain", () => {
  it('keeps the password in the keychain, the rest of the URL in the settings file', async () => {
    const escaped = encodeURIComponent(SECRET);
    const view = await service.call('profiles.setProxy', {
      name: 'lab',
      proxyUrl: `http://alice:${escaped}@127.0.0.1:3128`,
    });
    expect(view).toMatchObject({ name: 'lab', proxyUrl: PROXY, hasProxyPassword: true });
    expect(JSON.stringify(view)).not.toContain(escaped);
    expect(await savedPassword('lab')).toBe(SECRET);
    const file = await settingsFile();
    expect(JSON.parse(file).profiles.lab.proxyUrl).toBe(PROXY);
    expect(file).not.toContain(escaped);
    expect(file).not.toContain('pr0xy-s3cret');
    expect(await service.call('profiles.list')).toContainEqual(
      expect.objectContaining({ name: 'spare', hasProxyPassword: false }),
    );
    expect(
      (await service.call('profiles.list')).find((p) => p.name === 'spare'),
    ).not.toHaveProperty('proxyUrl');
  });

  it('gives the connection the proxy with its password filled in', async () => {
    const connection = await connectionTo('lab');
    expect(connection.proxy?.profileName).toBe('lab');
    expect(connection.proxy?.url).toBe(`http://alice:${encodeURIComponent(SECRET)}@127.0.0.1:3128`);
    expect(decodeURIComponent(new URL(connection.proxy!.url).password)).toBe(SECRET);
    expect(connection.toJSON().proxy).toEqual({
      url: 'http://alice:***@127.0.0.1:3128',
      profileName: 'lab',
    });
    expect((await connectionTo('spare')).proxy).toBeUndefined();
  });

  it('never shows the password in JSON, console output, strings or the engine log', async () => {
    const connection = await connectionTo('lab');
    const logDir = path.join(dir, 'log-check');
    const log = openEngineLog({ dataDir: logDir });
    log.logger.info({ connection }, 'resolved a connection');
    log.logger.info({ proxy: connection.proxy }, `using ${connection.proxy}`);
    // Even the URL for the proxy agent, handed to the log by mistake, loses its password.
    log.logger.warn({ url: connection.proxy!.url }, `proxy ${connection.proxy!.url} refused`);
    log.close();
    const logged = await readFile(engineLogFile(logDir), 'utf8');
    expect(logged).toContain('resolved a connection');
    expect(logged).toContain('127.0.0.1:3128');
    const shown = [
      logged,
      JSON.stringify(connection),
      inspect(connection, { showHidden: true, depth: 10 }),
      String(connection.proxy),
    ].join('\n');
    for (const secret of [SECRET, encodeURIComponent(SECRET), 'pr0xy-s3cret']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('fails with the profile named and what to do when the keychain will not give it', async () => {
    const locked: SecretVault = {
      get: async (account) => {
        if (account === proxyPasswordAccount('lab')) throw new Error('the keychain is locked');
        return keychain.vault.get(account);
      },
      set: (account, secret) => keychain.vault.set(account, secret),
      delete: (account) => keychain.vault.delete(account),
    };
    const failed = connectionTo('lab', locked);
    await expect(failed).rejects.toBeInstanceOf(CredentialsError);
    await expect(failed).rejects.toThrow(
      /^The password of the proxy of the profile "lab" \(http:\/\/alice@127\.0\.0\.1:3128\) could not be read from the OS keychain: the keychain is locked\. Unlock the keychain/,
    );
  });

  it('keeps the password while the user and host stay, takes a new one typed apart, and deletes it when they change', async () => {
    await service.call('profiles.setProxy', {
      name: 'lab',
      proxyUrl: 'https://alice@127.0.0.1:8443',
    });
    expect(await savedPassword('lab')).toBe(SECRET);
    await service.call('profiles.setProxy', {
      name: 'lab',
      proxyUrl: PROXY,
      proxyPassword: 'typed apart',
    });
    expect(await savedPassword('lab')).toBe('typed apart');
    expect((await connectionTo('lab')).proxy?.url).toBe(
      'http://alice:typed%20apart@127.0.0.1:3128',
    );
    const bob = await service.call('profiles.setProxy', {
      name: 'lab',
      proxyUrl: 'http://bob@127.0.0.1:3128',
    });
    expect(bob.hasProxyPassword).toBe(false);
    expect(await savedPassword('lab')).toBeNull();
    expect((await connectionTo('lab')).proxy?.url).toBe('http://bob@127.0.0.1:3128');
  });

  it('refuses a proxy URL it cannot use or an unknown profile, changing nothing', async () => {
    const socks = await refusalOf(
      service.call('profiles.setProxy', { name: 'spare', proxyUrl: 'socks5://u:pw@proxy:1080' }),
    );
    expect(socks.code).toBe('invalid_input');
    expect(socks.fields).toEqual([
      {
        field: 'proxyUrl',
        message:
          'the proxy URL must start with http:// or https:// (socks5 proxies are not supported)',
      },
    ]);
    const unknown = await refusalOf(
      service.call('profiles.setProxy', { name: 'nowhere', proxyUrl: 'http://u:pw@proxy:3128' }),
    );
    expect(unknown.code).toBe('profile_not_found');
    expect(await savedPassword('nowhere')).toBeNull();
    expect(await savedPassword('spare')).toBeNull();
    expect(settings.getProfile('spare')).not.toHaveProperty('proxyUrl');
  });

  it('applies a new proxy of the profile in use by opening its workspace again', async () => {
    await service.call('profiles.use', { name: 'spare' });
    events.length = 0;
    await service.call('profiles.setProxy', { name: 'spare', proxyUrl: 'http://127.0.0.1:3128' });
    expect(events.map((event) => event.name)).toContain('workspace:changed');
    expect((await service.call('workspace.get')).profileName).toBe('spare');
    await service.call('profiles.use', { name: null });
  });

  it('deletes the password with the proxy, and with the profile', async () => {
    await service.call('profiles.setProxy', {
      name: 'spare',
      proxyUrl: 'http://carol:spare-pw@127.0.0.1:3128',
    });
    expect(await savedPassword('spare')).toBe('spare-pw');
    const removed = await service.call('profiles.setProxy', { name: 'spare', proxyUrl: null });
    expect(removed).not.toHaveProperty('proxyUrl');
    expect(await savedPassword('spare')).toBeNull();
    expect(JSON.parse(await settingsFile()).profiles.spare).not.toHaveProperty('proxyUrl');

    await service.call('profiles.setProxy', {
      name: 'lab',
      proxyUrl: PROXY,
      proxyPassword: 'one more',
    });
    expect(await service.call('profiles.remove', { name: 'lab' })).toEqual({ removed: true });
    expect(await savedPassword('lab')).toBeNull();
    expect(await keychain.vault.get(apiKeyAccount('lab'))).toBeNull();
  });
});
