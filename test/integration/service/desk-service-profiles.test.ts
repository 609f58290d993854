// Profiles through the service: with no key in the environment the service starts on the
// embedded local workspace; adding a profile checks its key against the server and keeps the
// key in the vault (never the settings file); using it switches the workspace and tells the
// faces; removing it goes back. Secrets go to the real keychain, under a service of the test's own.
import { randomUUID } from 'node:crypto';
import { KeyringVault } from '../../../src-main/credentials/index.js';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent } from '../../../src-preload/contract.js';
import { apiKeyAccount } from '../../../src-main/credentials/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import { refusalOf } from './refusal.js';

let dir: string;
let server: TestServer;
let service: DeskService;
let vault: KeyringVault;
const events: DeskEvent[] = [];

beforeAll(async () => {
  dir = await tempDir('desk-service-profiles-');
  server = await startTestServer();
  vault = new KeyringVault({ service: `peridio-desk-test-${randomUUID()}` });
  const cliDir = path.join(dir, 'peridio-cli');
  await mkdir(cliDir, { recursive: true });
  await writeFile(
    path.join(cliDir, 'config.json'),
    JSON.stringify({
      version: 2,
      profiles: { imported: { base_url: server.server.url, ca_path: null, api_version: 2 } },
      signing_key_pairs: {},
    }),
  );
  await writeFile(
    path.join(cliDir, 'credentials.json'),
    JSON.stringify({ imported: { api_key: server.server.apiKey } }),
  );
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    env: { PERIDIO_CONFIG_DIRECTORY: cliDir },
    vault,
    engine: { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } },
  });
  service.subscribe((event) => events.push(event));
});

afterAll(async () => {
  await service?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('profiles through the desk service', () => {
  it('starts on the embedded local workspace and works there', async () => {
    const workspace = await service.call('workspace.get');
    expect(workspace).toMatchObject({ kind: 'local', profileName: null, online: true });
    expect(workspace.baseUrl).not.toBe(server.server.url);
    const artifact = await service.call('artifacts.create', { name: 'local-only' });
    expect(artifact.prn).toMatch(/:artifact:/);
    expect(await service.call('profiles.list')).toEqual([]);
  });

  it('refuses a key the server refuses, keeping nothing', async () => {
    const refused = await refusalOf(
      service.call('profiles.add', {
        name: 'lab',
        baseUrl: server.server.url,
        apiKey: 'not-the-key',
      }),
    );
    expect(refused.status).toBe(403);
    expect(refused.requestId).toEqual(expect.any(String));
    expect(await service.call('profiles.list')).toEqual([]);
    expect(await vault.get(apiKeyAccount('lab'))).toBeNull();
  });

  it('adds a profile with its key in the vault only, switches to it and back', async () => {
    const profile = await service.call('profiles.add', {
      name: 'lab',
      baseUrl: server.server.url,
      apiKey: server.server.apiKey,
    });
    expect(profile).toMatchObject({ name: 'lab', hasApiKey: true, current: false });
    expect(profile.organizationPrn).toMatch(/^prn:1:/);
    expect(JSON.stringify(profile)).not.toContain(server.server.apiKey);
    expect(await vault.get(apiKeyAccount('lab'))).toBe(server.server.apiKey);
    const settingsFile = await readFile(path.join(dir, 'desk', 'config.json'), 'utf8');
    expect(settingsFile).not.toContain(server.server.apiKey);

    events.length = 0;
    const onLab = await service.call('profiles.use', { name: 'lab' });
    expect(onLab).toMatchObject({
      kind: 'profile',
      profileName: 'lab',
      baseUrl: server.server.url,
    });
    expect(events).toContainEqual({ name: 'workspace:changed', payload: { workspace: onLab } });
    const artifacts = await service.call('artifacts.list', {});
    expect(artifacts.items.map((a) => a.name)).not.toContain('local-only');
    expect((await service.call('profiles.list')).map((p) => [p.name, p.current])).toEqual([
      ['lab', true],
    ]);
    // Commands sent while the workspace switches wait for it instead of failing.
    const [, during] = await Promise.all([
      service.call('profiles.use', { name: 'lab' }),
      service.call('workspace.get'),
    ]);
    expect(during.profileName).toBe('lab');

    // A profile whose key is gone: refused, and the workspace in use stays as it was.
    await service.call('profiles.add', {
      name: 'keyless',
      baseUrl: server.server.url,
      apiKey: server.server.apiKey,
    });
    await vault.delete(apiKeyAccount('keyless'));
    const keyless = await refusalOf(service.call('profiles.use', { name: 'keyless' }));
    expect(keyless.code).toBe('missing_api_key');
    expect(keyless.message).toContain('keyless');
    expect(await service.call('workspace.get')).toMatchObject({
      kind: 'profile',
      profileName: 'lab',
    });
    expect((await service.call('artifacts.list', {})).items).toEqual(artifacts.items);
    await service.call('profiles.remove', { name: 'keyless' });

    const missing = await refusalOf(service.call('profiles.use', { name: 'nowhere' }));
    expect(missing.code).toBe('profile_not_found');
    expect((await service.call('workspace.get')).profileName).toBe('lab');

    expect(await service.call('profiles.remove', { name: 'lab' })).toEqual({ removed: true });
    expect(await vault.get(apiKeyAccount('lab'))).toBeNull();
    const back = await service.call('workspace.get');
    expect(back.kind).toBe('local');
    const local = await service.call('artifacts.list', {});
    expect(local.items.map((a) => a.name)).toContain('local-only');
  });

  it('imports the Peridio CLI’s profiles, keys to the vault', async () => {
    const report = await service.call('profiles.importCli', {});
    expect(report.profiles).toEqual([
      { name: 'imported', baseUrl: server.server.url, apiKey: 'imported', replaced: false },
    ]);
    expect(await vault.get(apiKeyAccount('imported'))).toBe(server.server.apiKey);
    const onImported = await service.call('profiles.use', { name: 'imported' });
    expect(onImported).toMatchObject({ kind: 'profile', online: true });
    await service.call('profiles.use', { name: null });
    expect((await service.call('workspace.get')).kind).toBe('local');
  });
});
