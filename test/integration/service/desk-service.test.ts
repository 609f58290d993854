// The service every face calls, against a real local Peridio server, with the connection
// from the environment (PERIDIO_BASE_URL / PERIDIO_API_KEY) and secrets in the real keychain,
// so no keychain is needed: commands by name, events to the end of an upload, the lifecycle
// actions with their allowed actions, refusals that change nothing, and the server's errors
// with status and request id.
import { randomUUID } from 'node:crypto';
import { KeyringVault } from '../../../src-main/credentials/index.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent, JobView } from '../../../src-preload/contract.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import {
  TEST_VECTOR,
  content,
  createBinary,
  hashToSignable,
  sha256Hex,
  startTestServer,
  tempDir,
  uploadAll,
  type TestServer,
} from '../local-peridio/helpers.js';
import { writeTestVectorPem } from '../upload-engine/cli-harness.js';
import { refusalOf } from './refusal.js';

const MiB = 1024 * 1024;
const ENGINE_KNOBS = { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } };

let dir: string;
let server: TestServer;
let service: DeskService;
let vault: KeyringVault;
let events: DeskEvent[];
let pem: string;
let signingKeyPrn: string;

beforeAll(async () => {
  dir = await tempDir('desk-service-');
  server = await startTestServer();
  vault = new KeyringVault({ service: `peridio-desk-test-${randomUUID()}` });
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
    vault,
    engine: ENGINE_KNOBS,
  });
  events = [];
  service.subscribe((event) => events.push(event));
  pem = await writeTestVectorPem(path.join(dir, 'keys'));
  const key = await server.api('POST', '/signing_keys', {
    name: 'vector',
    value: TEST_VECTOR.value,
  });
  signingKeyPrn = key.body.signing_key.prn;
});

afterAll(async () => {
  await service?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The refusal a call ends in, as the face sees it. */
async function newVersion(): Promise<string> {
  const artifact = await service.call('artifacts.create', { name: `fw-${Math.random()}` });
  const version = await service.call('artifactVersions.create', {
    artifactPrn: artifact.prn,
    version: `1.0.${Math.floor(Math.random() * 1e6)}`,
  });
  return version.prn;
}

function jobEnded(jobId: string, timeoutMs = 45_000): Promise<DeskEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not end`)), timeoutMs);
    const stop = service.subscribe((event) => {
      if (event.name === 'job:ended' && event.payload.job.id === jobId) {
        clearTimeout(timer);
        stop();
        resolve(event);
      }
    });
  });
}

describe('the desk service', () => {
  it('says which workspace it works against', async () => {
    const workspace = await service.call('workspace.get');
    expect(workspace).toMatchObject({
      kind: 'environment',
      profileName: null,
      baseUrl: server.server.url,
      online: true,
    });
  });

  it('creates an artifact and a version, and lists them', async () => {
    const artifact = await service.call('artifacts.create', {
      name: 'desk-firmware',
      description: 'made by the service',
    });
    expect(artifact.prn).toMatch(/:artifact:/);
    const version = await service.call('artifactVersions.create', {
      artifactPrn: artifact.prn,
      version: '2.0.0',
    });
    const artifacts = await service.call('artifacts.list', {});
    expect(artifacts.items.map((a) => a.prn)).toContain(artifact.prn);
    const versions = await service.call('artifactVersions.list', { artifactPrn: artifact.prn });
    expect(versions.items.map((v) => v.prn)).toEqual([version.prn]);
    expect(versions.nextCursor).toBeNull();
  });

  it('uploads a multi-part file to a signed binary, with events to job:ended', async () => {
    const versionPrn = await newVersion();
    const data = content(8 * MiB + 4321, 7);
    const file = path.join(dir, 'firmware.img');
    await writeFile(file, data);
    events.length = 0;
    const job = await service.call('uploads.enqueue', {
      path: file,
      artifactVersionPrn: versionPrn,
      target: 'aarch64-unknown-linux-gnu',
      signingKey: { kind: 'file', privateKeyPath: pem, signingKeyPrn },
    });
    expect(job.status).toBe('queued');
    const ended = await jobEnded(job.id);
    expect(ended.payload).toMatchObject({ outcome: { status: 'done' } });
    const names = new Set(
      events.filter((e) => 'jobId' in e.payload || 'job' in e.payload).map((e) => e.name),
    );
    expect(names).toEqual(new Set(['job:queued', 'job:step', 'job:progress', 'job:ended']));
    const steps = events.flatMap((e) => (e.name === 'job:step' ? [e.payload.step] : []));
    expect(steps).toContain('uploading');
    expect(steps).toContain('signing');
    // Events are plain data: they survive a JSON round trip unchanged.
    for (const event of events) expect(JSON.parse(JSON.stringify(event))).toEqual(event);

    const listed = await service.call('binaries.list', { artifactVersionPrn: versionPrn });
    expect(listed.items).toHaveLength(1);
    const binary = listed.items[0]!;
    const parts = await server.api('GET', `/binaries/${binary.prn}/parts`);
    expect(parts.body.binary_parts).toHaveLength(2);
    expect(binary).toMatchObject({
      state: 'signed',
      target: 'aarch64-unknown-linux-gnu',
      hash: sha256Hex(data),
      contentPending: false,
      allowedActions: { destroy: true, reset: false, sign: true, markComplete: false },
    });
    expect(binary.signatures?.[0]?.signing_key_prn).toBe(signingKeyPrn);
    const jobs = (await service.call('jobs.list', {})).items;
    expect(jobs.find((j: JobView) => j.id === job.id)).toMatchObject({
      status: 'done',
      binaryPrn: binary.prn,
    });

    // Destroying: the wrong target is refused and nothing is destroyed.
    const affected = await service.call('binaries.affectedReleases', { prn: binary.prn });
    expect(affected).toEqual({ bundles: [], releases: [] });
    const refused = await refusalOf(
      service.call('binaries.destroy', {
        prn: binary.prn,
        confirmTarget: 'x86_64-unknown-linux-gnu',
      }),
    );
    expect(refused.code).toBe('confirmation_mismatch');
    expect(refused.fields).toEqual([
      { field: 'confirmTarget', message: 'must be "aarch64-unknown-linux-gnu"' },
    ]);
    expect((await server.api('GET', `/binaries/${binary.prn}`)).body.binary.state).toBe('signed');

    const destroyed = await service.call('binaries.destroy', {
      prn: binary.prn,
      confirmTarget: 'aarch64-unknown-linux-gnu',
    });
    expect(destroyed.binary).toMatchObject({
      state: 'destroyed',
      allowedActions: { destroy: false, reset: false, sign: false },
    });
    expect(destroyed.disabledReleasePrns).toEqual([]);
  });

  it('marks a binary complete and resets it, with the allowed actions of each state', async () => {
    const data = content(1000, 3);
    const created: { prn: string; size: number } = await createBinary(server.api, data);
    await uploadAll(server.api, created, data);
    const complete = await service.call('binaries.markComplete', { prn: created.prn });
    expect(complete).toMatchObject({
      state: 'hashable',
      allowedActions: { reset: true, hash: true, upload: false, destroy: false },
    });
    const reset = await service.call('binaries.reset', { prn: created.prn });
    expect(reset).toMatchObject({
      state: 'uploadable',
      revision: complete.revision + 1,
      allowedActions: { upload: true, markComplete: true, reset: false },
    });
  });

  it('signs a signable binary with a key imported into the vault', async () => {
    const record = await service.call('keys.import', {
      name: 'vector',
      pem: TEST_VECTOR.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    });
    // The server knew the key already (by its public value): no second registration.
    expect(record).toMatchObject({ name: 'vector', signingKeyPrn, source: 'keychain' });
    expect(await service.call('keys.list')).toEqual([record]);
    const settingsFile = await readFile(path.join(dir, 'desk', 'config.json'), 'utf8');
    expect(settingsFile).not.toContain('PRIVATE KEY');

    const data = content(2000, 4);
    const created: { prn: string; size: number } = await createBinary(server.api, data);
    await uploadAll(server.api, created, data);
    await hashToSignable(server.api, created.prn);
    const signed = await service.call('binaries.sign', {
      prn: created.prn,
      signingKey: { kind: 'keychain', name: 'vector' },
    });
    expect(signed).toMatchObject({ state: 'signed', allowedActions: { destroy: true } });

    const again = await refusalOf(
      service.call('keys.import', { name: 'vector', pem: 'not even a pem' }),
    );
    expect(again.code).toBe('signing_key_exists');
    const made = await service.call('keys.create', { name: 'fresh' });
    expect(made.signingKeyPrn).toMatch(/:signing_key:/);
    expect(await service.call('keys.remove', { name: 'fresh' })).toEqual({ removed: true });
    expect((await service.call('keys.list')).map((k) => k.name)).toEqual(['vector']);
  });

  it('refuses a bad input with the field named, and changes nothing', async () => {
    const before = await service.call('artifacts.list', {});
    const jobsBefore = await service.call('jobs.list', {});
    const extra = await refusalOf(service.call('artifacts.create', { name: 'x', owner: 'me' }));
    expect(extra).toMatchObject({ code: 'invalid_input' });
    expect(extra.message).toContain('"owner"');
    const wrongPrn = await refusalOf(
      service.call('uploads.enqueue', {
        path: path.join(dir, 'firmware.img'),
        artifactVersionPrn: before.items[0]!.prn,
        target: 'arm',
      }),
    );
    expect(wrongPrn.fields?.[0]?.field).toBe('artifactVersionPrn');
    expect(wrongPrn.message).toMatch(/artifact_version PRN/);
    await refusalOf(service.call('artifacts.create', { name: 'n'.repeat(1_000_000) }));
    await refusalOf(service.call('artifacts.create', JSON.parse('{"__proto__":{"name":"x"}}')));
    await refusalOf(service.call('uploads.enqueue', null as never));
    const unknown = await refusalOf(service.call('artifacts.drop', {}));
    expect(unknown.code).toBe('unknown_command');
    // A file that is not there is refused by the engine before anything is stored.
    const missing = await refusalOf(
      service.call('uploads.enqueue', {
        path: path.join(dir, 'no-such-file.img'),
        artifactVersionPrn: await newVersion(),
        target: 'arm',
      }),
    );
    expect(missing.code).toBe('file_unusable');
    expect(missing.message).toContain('no-such-file.img');

    const after = await service.call('artifacts.list', {});
    // One artifact more: the one newVersion made on purpose, nothing from the refusals.
    expect(after.items.filter((a) => !before.items.some((b) => b.prn === a.prn))).toHaveLength(1);
    expect(await service.call('jobs.list', {})).toEqual(jobsBefore);
  });

  it('brings the server’s words, status and request id back in a refusal', async () => {
    // A binary of the workspace's organization that does not exist: the server says 404.
    const organization = server.server.organizationPrn;
    const reply = await service.reply('binaries.reset', {
      prn: `${organization}:binary:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`,
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.status).toBe(404);
    expect(reply.error.requestId).toEqual(expect.any(String));
    expect(reply.error.requestId!.length).toBeGreaterThan(0);

    // No parts uploaded: the server refuses "upload complete" and says why, field by field.
    const empty: { prn: string } = await createBinary(server.api, content(500, 9));
    const illegal = await refusalOf(service.call('binaries.markComplete', { prn: empty.prn }));
    expect(illegal.status).toBe(422);
    expect(illegal.requestId).toEqual(expect.any(String));
    expect(illegal.fields?.length).toBeGreaterThan(0);
    expect(illegal.message.length).toBeGreaterThan(0);
  });

  it('refuses a PRN of another organization before any request, naming the workspace', async () => {
    const foreign =
      'prn:1:11111111-2222-4333-8444-555555555555:binary:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const error = await refusalOf(service.call('binaries.reset', { prn: foreign }));
    expect(error.code).toBe('foreign_organization');
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(
      `the workspace in use is the workspace PERIDIO_API_KEY gives (${server.server.url})`,
    );
    expect(error.fields).toEqual([
      {
        field: 'prn',
        message: expect.stringContaining('belongs to organization 11111111-2222'),
      },
    ]);
  });
});
