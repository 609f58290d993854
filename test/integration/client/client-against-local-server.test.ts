// The Admin API client against the real local server over HTTP: every endpoint family,
// paging, search quoting, error shapes, retries on injected faults, and a binary's whole
// lifecycle with the contract page's signature test vector.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PeridioClient,
  isPeridioError,
  searchBinaries,
  type Binary,
  type PeridioError,
  type SigningKey,
} from '../../../src-main/peridio/index.js';
import { TEST_VECTOR, content, putBytes, sha256Hex, signHash } from '../local-peridio/helpers.js';
import { startClientWorkspace, type ClientWorkspace } from './client-workspace.js';

const HELLO = Buffer.from('hello world');
const HELLO_HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const HELLO_SIGNATURE =
  'CAA8292F90BA74AAB33E530BBA8574281FFA9074C24C7D9CFA4FD8F6B8FF6377CFD4E2F18CB6FC488967CC6EBD67D0C3D3BC624126AA50A0502AEA7BA445C506';

async function failure(promise: Promise<unknown>): Promise<PeridioError> {
  try {
    await promise;
  } catch (error) {
    if (isPeridioError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

let ws: ClientWorkspace;
let client: PeridioClient;
let versionPrn: string;
let vectorKey: SigningKey;

beforeAll(async () => {
  ws = await startClientWorkspace();
  client = ws.client;
  const artifact = await client.artifacts.create({ name: 'firmware' });
  const version = await client.artifactVersions.create({
    artifact_prn: artifact.prn,
    version: '1.0.0',
  });
  versionPrn = version.prn;
  vectorKey = await client.signingKeys.create({ name: 'test-vector', value: TEST_VECTOR.value });
});

afterAll(async () => {
  await ws.stop();
});

async function uploadWhole(binary: Binary, data: Buffer, partSize: number): Promise<void> {
  for (let index = 1, at = 0; at < data.length; index += 1, at += partSize) {
    const bytes = data.subarray(at, at + partSize);
    const part = await client.binaryParts.create(binary.prn, index, {
      expected_binary_size: binary.size,
      hash: sha256Hex(bytes),
      size: bytes.length,
    });
    expect((await putBytes(part.presigned_upload_url, bytes)).status).toBe(200);
  }
}

async function waitForState(prn: string, wanted: Binary['state']): Promise<Binary> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const binary = await client.binaries.get(prn);
    if (binary.state === wanted) return binary;
    if (Date.now() > deadline) throw new Error(`${prn} stayed ${binary.state}, wanted ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('users', () => {
  it('answers users/me with the workspace organization', async () => {
    const me = await client.users.me();
    expect(me.organization_prn).toBe(ws.server.organizationPrn);
    expect(me.email).toContain('@');
  });
});

describe('artifacts and artifact versions', () => {
  it('creates, reads, updates, lists and deletes', async () => {
    const artifact = await client.artifacts.create({ name: 'bootloader', description: 'stage 1' });
    expect(await client.artifacts.get(artifact.prn)).toMatchObject({
      name: 'bootloader',
      description: 'stage 1',
    });
    const renamed = await client.artifacts.update(artifact.prn, { name: 'bootloader-v2' });
    expect(renamed.name).toBe('bootloader-v2');
    const version = await client.artifactVersions.create({
      artifact_prn: artifact.prn,
      version: '0.9.0',
      custom_metadata: { channel: 'beta' },
    });
    expect(await client.artifactVersions.get(version.prn)).toMatchObject({
      artifact_prn: artifact.prn,
      version: '0.9.0',
      custom_metadata: { channel: 'beta' },
    });
    const versions = await client.artifactVersions.list({
      search: `artifact_prn:'${artifact.prn}'`,
    });
    expect(versions.items.map((v) => v.prn)).toEqual([version.prn]);
    await client.artifactVersions.delete(version.prn);
    expect((await failure(client.artifactVersions.get(version.prn))).status).toBe(404);
    await client.artifacts.delete(artifact.prn);
    expect((await failure(client.artifacts.get(artifact.prn))).code).toBe('not_found');
  });

  it('pages across more than one page in both orders', async () => {
    const artifact = await client.artifacts.create({ name: 'paged' });
    const created: string[] = [];
    for (let i = 0; i < 23; i += 1) {
      const v = await client.artifactVersions.create({
        artifact_prn: artifact.prn,
        version: `p${i}`,
      });
      created.push(v.prn);
    }
    const search = `artifact_prn:'${artifact.prn}'`;
    const first = await client.artifactVersions.list({ search, limit: 10, order: 'asc' });
    expect(first.items).toHaveLength(10);
    expect(first.nextPage).toEqual(expect.any(String));
    const asc: string[] = [];
    for await (const v of client.artifactVersions.listAll({ search, limit: 10, order: 'asc' })) {
      asc.push(v.prn);
    }
    expect(asc).toEqual(created);
    const desc: string[] = [];
    for await (const v of client.artifactVersions.listAll({ search, limit: 7, order: 'desc' })) {
      desc.push(v.prn);
    }
    expect(desc).toEqual([...created].reverse());
  });
});

describe('binaries', () => {
  it('finds a binary by a target that needs quoting', async () => {
    const target = `it's a "target" with \\ backslash`;
    const binary = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target,
      hash: HELLO_HASH,
      size: HELLO.length,
    });
    const found = await client.binaries.list({
      search: searchBinaries().eq('artifact_version_prn', versionPrn).eq('target', target),
    });
    expect(found.items.map((b) => b.prn)).toEqual([binary.prn]);
    const partial = await client.binaries.list({
      search: searchBinaries().contains('target', `it's a "tar`),
    });
    expect(partial.items.map((b) => b.prn)).toContain(binary.prn);
    const none = await client.binaries.list({
      search: searchBinaries().eq('target', `it's a "target" with backslash`),
    });
    expect(none.items).toEqual([]);
  });

  it('takes a binary through upload, hashing, signing and destroy with the test vector', async () => {
    const key = vectorKey;
    expect(key.keyid).toMatch(/^[0-9a-f]+$/);
    const binary = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target: 'aarch64-unknown-linux-gnu',
      hash: HELLO_HASH,
      size: HELLO.length,
    });
    expect(binary).toMatchObject({ state: 'uploadable', revision: expect.any(Number) });
    await uploadWhole(binary, HELLO, HELLO.length);
    const parts = await client.binaryParts.list(binary.prn);
    expect(parts.items.map((p) => [p.index, p.state, p.size])).toEqual([[1, 'valid', 11]]);
    expect((await client.binaries.get(binary.prn)).bytes_uploaded).toBe(11);

    await client.binaries.setState(binary.prn, 'hashable');
    await client.binaries.setState(binary.prn, 'hashing');
    await waitForState(binary.prn, 'signable');

    // The contract page's vector: seed 0..31 signing the hash of "hello world".
    expect(signHash(HELLO_HASH)).toBe(HELLO_SIGNATURE);
    const signature = await client.binarySignatures.create({
      binary_prn: binary.prn,
      signing_key_prn: key.prn,
      signature: HELLO_SIGNATURE,
    });
    expect(signature.signature.toLowerCase()).toBe(HELLO_SIGNATURE.toLowerCase());
    const signed = await client.binaries.get(binary.prn);
    expect(signed.state).toBe('signed');
    expect(signed.signatures).toEqual([
      expect.objectContaining({ signing_key_prn: key.prn, keyid: key.keyid }),
    ]);
    const listedSignatures = await client.binarySignatures.list({
      search: `binary_prn:'${binary.prn}'`,
    });
    expect(listedSignatures.items.map((s) => s.prn)).toEqual([signature.prn]);

    const download = await fetch(await client.binaries.downloadUrl(binary.prn));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('hello world');

    // Signed binaries are final: the same state again is fine, going back is not.
    expect((await client.binaries.setState(binary.prn, 'signed')).state).toBe('signed');
    const back = await failure(client.binaries.reset(binary.prn));
    expect(back.status).toBe(422);
    expect(back.fieldMessages).toEqual(['state cannot transition from signed to uploadable']);

    const destroyed = await client.binaries.destroy(binary.prn);
    expect(destroyed).toMatchObject({ state: 'destroyed', destroyed: true, bytes_uploaded: 0 });
    expect((await client.binaries.get(binary.prn)).state).toBe('destroyed');
    // The target is free again once the old binary is destroyed.
    const again = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target: 'aarch64-unknown-linux-gnu',
      hash: HELLO_HASH,
      size: HELLO.length,
    });
    expect(again.prn).not.toBe(binary.prn);
  });

  it('resets a binary: parts deleted, revision bumped, new content accepted', async () => {
    const first = content(6 * 1024 * 1024, 7);
    const binary = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target: 'x86_64-unknown-linux-gnu',
      hash: sha256Hex(first),
      size: first.length,
    });
    await uploadWhole(binary, first, 5 * 1024 * 1024);
    await client.binaries.setState(binary.prn, 'hashable');
    const reset = await client.binaries.reset(binary.prn);
    expect(reset.state).toBe('uploadable');
    expect(reset.revision).toBe(binary.revision + 1);
    expect((await client.binaryParts.list(binary.prn)).items).toEqual([]);
    const second = content(1024, 8);
    const repointed = await client.binaries.update(binary.prn, {
      hash: sha256Hex(second),
      size: second.length,
    });
    expect(repointed.size).toBe(1024);
    await uploadWhole(repointed, second, second.length);
    await client.binaries.setState(binary.prn, 'hashable');
    await client.binaries.setState(binary.prn, 'hashing');
    await waitForState(binary.prn, 'signable');
  });
});

describe('bundles, products, cohorts, releases', () => {
  it('manages them and finds the releases a destroy would affect', async () => {
    const binary = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target: 'riscv64gc-unknown-linux-gnu',
      hash: HELLO_HASH,
      size: HELLO.length,
    });
    const product = await client.products.create({ name: 'gateway' });
    expect((await client.products.update(product.prn, { archived: true })).archived).toBe(true);
    const cohort = await client.cohorts.create({ name: 'field', product_prn: product.prn });
    expect((await client.cohorts.get(cohort.prn)).product_prn).toBe(product.prn);
    const bundle = await client.bundles.create({
      name: 'release bundle',
      binaries: [{ prn: binary.prn, custom_metadata: null }],
    });
    const otherBinary = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target: 'mips-unknown-linux-gnu',
      hash: HELLO_HASH,
      size: HELLO.length,
    });
    const other = await client.bundles.create({
      binaries: [{ prn: otherBinary.prn, custom_metadata: { slot: 'b' } }],
    });
    const optional = await client.releases.create({
      bundle_prn: bundle.prn,
      cohort_prn: cohort.prn,
      name: 'optional',
      required: false,
      schedule_date: null,
    });
    const required = await client.releases.create({
      bundle_prn: bundle.prn,
      cohort_prn: cohort.prn,
      name: 'required',
      required: true,
      schedule_date: null,
    });
    await client.releases.create({
      bundle_prn: other.prn,
      cohort_prn: cohort.prn,
      name: 'unrelated',
      required: true,
      schedule_date: null,
    });
    const affected = await client.releasesAffectedByDestroying(binary.prn);
    expect(affected.bundles.map((b) => b.prn)).toEqual([bundle.prn]);
    expect(affected.releases.map((r) => r.prn)).toEqual([required.prn, optional.prn]);
    expect((await client.releases.archive(required.prn)).disabled).toBe(true);
    await client.releases.delete(optional.prn);
    expect((await failure(client.releases.get(optional.prn))).status).toBe(404);
    expect((await client.bundles.update(other.prn, { name: 'renamed' })).name).toBe('renamed');
  });

  it('manages signing keys and binary signatures', async () => {
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const value = publicKey.subarray(-32).toString('base64');
    const key = await client.signingKeys.create({ name: 'temp', value });
    expect(key.value).toBe(value);
    expect((await client.signingKeys.update(key.prn, { name: 'renamed' })).name).toBe('renamed');
    const keys = await client.signingKeys.list({ search: `name:'renamed'` });
    expect(keys.items.map((k) => k.prn)).toContain(key.prn);

    // A second signature on a signed binary, then deleted again.
    const binary = await client.binaries.create({
      artifact_version_prn: versionPrn,
      target: 'powerpc-unknown-linux-gnu',
      hash: HELLO_HASH,
      size: HELLO.length,
    });
    await uploadWhole(binary, HELLO, HELLO.length);
    await client.binaries.setState(binary.prn, 'hashable');
    await client.binaries.setState(binary.prn, 'hashing');
    await waitForState(binary.prn, 'signable');
    await client.binarySignatures.create({
      binary_prn: binary.prn,
      signing_key_keyid: vectorKey.keyid,
      signature: HELLO_SIGNATURE.toLowerCase(),
    });
    const wrongKey = await failure(
      client.binarySignatures.create({
        binary_prn: binary.prn,
        signing_key_prn: key.prn,
        signature: HELLO_SIGNATURE,
      }),
    );
    expect(wrongKey.errors).toEqual({ signature: ['is invalid'] });
    const signatures = await client.binarySignatures.list({ search: `binary_prn:'${binary.prn}'` });
    expect(signatures.items).toHaveLength(1);
    await client.binarySignatures.delete(signatures.items[0]!.prn);
    expect(
      (await client.binarySignatures.list({ search: `binary_prn:'${binary.prn}'` })).items,
    ).toEqual([]);

    await client.signingKeys.delete(key.prn);
    expect((await failure(client.signingKeys.get(key.prn))).status).toBe(404);
  });
});

describe('error shapes', () => {
  it('403 for a bad key, with what to do and never the key', async () => {
    const bad = new PeridioClient({ baseUrl: ws.server.url, apiKey: 'not-the-key-12345' });
    try {
      const error = await failure(bad.users.me());
      expect(error).toMatchObject({
        status: 403,
        code: 'forbidden',
        errors: { status: 'forbidden' },
      });
      expect(error.requestId).toEqual(expect.any(String));
      expect(error.message).toContain('GET /users/me');
      expect(JSON.stringify(error.toJSON())).not.toContain('not-the-key-12345');
      expect(error.message).not.toContain('not-the-key-12345');
    } finally {
      bad.close();
    }
  });

  it('404 for an unknown PRN, 422 for a duplicate target and an illegal transition', async () => {
    const org = ws.server.organizationPrn.split(':')[2];
    const unknown = `prn:1:${org}:binary:00000000-0000-4000-8000-000000000000`;
    const notFound = await failure(client.binaries.get(unknown));
    expect(notFound).toMatchObject({ status: 404, code: 'not_found' });
    expect(notFound.errors).toEqual({ detail: 'Not Found' });

    const input = {
      artifact_version_prn: versionPrn,
      target: 'armv7-unknown-linux-gnueabihf',
      hash: HELLO_HASH,
      size: HELLO.length,
    };
    const binary = await client.binaries.create(input);
    const duplicate = await failure(client.binaries.create(input));
    expect(duplicate).toMatchObject({ status: 422, code: 'validation' });
    expect(duplicate.errors).toEqual({ target: ['has already been taken'] });
    expect(duplicate.fieldMessages).toEqual(['target has already been taken']);
    expect(duplicate.requestId).toEqual(expect.any(String));

    const illegal = await failure(client.binaries.setState(binary.prn, 'signed'));
    expect(illegal.errors).toEqual({ state: ['cannot transition from uploadable to signed'] });
    expect((await client.binaries.get(binary.prn)).state).toBe('uploadable');
  });

  it('refuses bad input before sending anything', async () => {
    const before = ws.retries.length;
    const error = await failure(
      client.binaries.create({
        artifact_version_prn: 'prn:1:not-a-uuid',
        target: 'x',
        hash: HELLO_HASH,
        size: 1,
      }),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.status).toBeUndefined();
    expect(ws.retries.length).toBe(before);
  });
});

describe('rate limiting that does not let up', () => {
  it('gives up after its attempts with a rate_limited error that says so', async () => {
    const limited = await startClientWorkspace({ faults: 'rate429=1' });
    try {
      const error = await failure(limited.client.users.me());
      expect(error).toMatchObject({ status: 429, code: 'rate_limited', attempts: 8 });
      expect(error.message).toContain('too_many_requests');
      expect(limited.retries).toHaveLength(7);
    } finally {
      await limited.stop();
    }
  });
});

describe('retries on injected faults', () => {
  let faulty: ClientWorkspace;
  beforeAll(async () => {
    faulty = await startClientWorkspace({ faults: 'rate429=0.4,api503=0.2,seed=7' });
  });
  afterAll(async () => {
    await faulty.stop();
  });

  it('gets through 429s and 503s, and says when it retried', async () => {
    const artifact = await faulty.client.artifacts.create({ name: 'flaky' });
    for (let i = 0; i < 15; i += 1) {
      await faulty.client.artifactVersions.create({ artifact_prn: artifact.prn, version: `f${i}` });
    }
    const all = [];
    for await (const v of faulty.client.artifactVersions.listAll({ limit: 4 })) all.push(v);
    expect(all).toHaveLength(15);
    const reasons = faulty.retries.map((r) => r.reason).join('\n');
    expect(reasons).toMatch(/429/);
    expect(reasons).toMatch(/503/);
  });
});
