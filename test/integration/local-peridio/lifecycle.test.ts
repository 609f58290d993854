// The happy path and the lifecycle's other roads, over real HTTP: multipart upload,
// hashing, signing with the contract page's test vector, download, reset, destroy.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  MiB,
  PART_MIN,
  content,
  createArtifactVersion,
  createBinary,
  createPart,
  hashToSignable,
  listAll,
  putBytes,
  sha256Hex,
  signHash,
  startTestServer,
  TEST_VECTOR,
  unique,
  uploadAll,
  type Api,
  type Json,
  type TestServer,
} from './helpers.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

let t: TestServer;
let api: Api;
let signingKey: Json;

beforeAll(async () => {
  t = await startTestServer();
  api = t.api;
  const key = await api('POST', '/signing_keys', {
    name: unique('test-vector'),
    value: TEST_VECTOR.value,
  });
  expect(key.status).toBe(201);
  signingKey = key.body.signing_key;
});
afterAll(async () => t.stop());

async function partFiles(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'content');
  const files: string[] = [];
  for (const dir of await readdir(root)) files.push(...(await readdir(path.join(root, dir))));
  return files;
}

async function download(prn: string, headers: Record<string, string> = {}) {
  const link = await api('GET', `/binaries/${prn}/download_url`);
  expect(link.status).toBe(200);
  const response = await fetch(link.body.download_url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe('the happy path', () => {
  test('multi-part upload -> hashable -> hashing -> signable -> signed -> download -> destroy', async () => {
    const data = content(PART_MIN + 12_345, 7);
    const versionPrn = await createArtifactVersion(api);
    const created = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 'aarch64-unknown-linux-gnu',
      hash: sha256Hex(data),
      size: data.length,
      description: null,
      custom_metadata: { build: 42 },
    });
    expect(created.status).toBe(201);
    const binary = created.body.binary;
    expect(binary).toMatchObject({
      state: 'uploadable',
      revision: 0,
      signatures: null,
      destroyed: false,
      bytes_uploaded: 0,
      organization_prn: t.server.organizationPrn,
      custom_metadata: { build: 42 },
    });
    expect(binary.inserted_at).toMatch(TIMESTAMP);
    expect(created.headers.get('peridio-request-id')).toBeTruthy();

    // Parts in reverse order: order of upload does not matter, only indices.
    const tail = data.subarray(PART_MIN);
    const head = data.subarray(0, PART_MIN);
    const part2 = await createPart(api, binary, 2, tail);
    const part1 = await createPart(api, binary, 1, head);
    expect(part1).toMatchObject({
      index: 1,
      size: PART_MIN,
      state: 'uploadable',
      binary_prn: binary.prn,
    });
    expect((await putBytes(part2.presigned_upload_url, tail)).status).toBe(200);
    expect((await putBytes(part1.presigned_upload_url, head)).status).toBe(200);
    const parts = await listAll(api, `/binaries/${binary.prn}/parts`, 'binary_parts');
    expect(parts.map((p: Json) => [p.index, p.state])).toEqual([
      [1, 'valid'],
      [2, 'valid'],
    ]);
    expect(parts.every((p: Json) => p.presigned_upload_url === undefined)).toBe(true);
    expect((await api('GET', `/binaries/${binary.prn}`)).body.binary.bytes_uploaded).toBe(
      data.length,
    );

    const hashable = await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    expect(hashable.status).toBe(200);
    expect(hashable.body.binary.state).toBe('hashable');
    const again = await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    expect(again.body.binary).toEqual(hashable.body.binary);

    const whole = await download(binary.prn);
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(data)).toBe(true);
    const across = await download(binary.prn, { range: `bytes=${PART_MIN - 10}-${PART_MIN + 9}` });
    expect(across.status).toBe(206);
    expect(across.headers.get('content-range')).toBe(
      `bytes ${PART_MIN - 10}-${PART_MIN + 9}/${data.length}`,
    );
    expect(across.bytes.equals(data.subarray(PART_MIN - 10, PART_MIN + 10))).toBe(true);
    const suffix = await download(binary.prn, { range: 'bytes=-5' });
    expect(suffix.bytes.equals(data.subarray(data.length - 5))).toBe(true);

    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashing' })).status).toBe(200);
    let signable: Json;
    for (;;) {
      signable = (await api('GET', `/binaries/${binary.prn}`)).body.binary;
      if (signable.state !== 'hashing') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(signable.state).toBe('signable');

    const signature = signHash(binary.hash);
    const signed = await api('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_prn: signingKey.prn,
      signature,
    });
    expect(signed.status).toBe(201);
    expect(signed.body.binary_signature).toMatchObject({
      binary_prn: binary.prn,
      signing_key_prn: signingKey.prn,
      keyid: signingKey.keyid,
      signature: signature.toLowerCase(),
    });
    const afterSign = (await api('GET', `/binaries/${binary.prn}`)).body.binary;
    expect(afterSign.state).toBe('signed');
    expect(afterSign.signatures).toEqual([
      {
        signature: signature.toLowerCase(),
        signing_key_prn: signingKey.prn,
        keyid: signingKey.keyid,
      },
    ]);

    // signed -> signed succeeds and changes nothing (the official CLI relies on it).
    const same = await api('PATCH', `/binaries/${binary.prn}`, { state: 'signed' });
    expect(same.status).toBe(200);
    expect(same.body.binary).toEqual(afterSign);

    const filesBeforeDestroy = await partFiles(t.dataDir);
    const destroyed = await api('PATCH', `/binaries/${binary.prn}`, { state: 'destroyed' });
    expect(destroyed.status).toBe(200);
    expect(destroyed.body.binary).toMatchObject({
      state: 'destroyed',
      destroyed: true,
      bytes_uploaded: 0,
    });
    expect((await api('GET', `/binaries/${binary.prn}`)).body.binary.destroyed).toBe(true);
    expect((await api('GET', `/binaries/${binary.prn}/download_url`)).status).toBe(422);
    expect((await partFiles(t.dataDir)).length).toBe(filesBeforeDestroy.length - 2);
    // The target is free again once the old binary is destroyed.
    const successor = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 'aarch64-unknown-linux-gnu',
      hash: sha256Hex(data),
      size: data.length,
    });
    expect(successor.status).toBe(201);
  });

  test('the contract page’s test vector verifies: key value and signature of "hello world"', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    expect(binary.hash).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    const part = await createPart(api, binary, 1, data);
    const put = await fetch(part.presigned_upload_url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-amz-checksum-sha256': 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=',
      },
      body: data,
    });
    expect(put.status).toBe(200);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    const literal =
      'CAA8292F90BA74AAB33E530BBA8574281FFA9074C24C7D9CFA4FD8F6B8FF6377CFD4E2F18CB6FC488967CC6EBD67D0C3D3BC624126AA50A0502AEA7BA445C506';
    expect(signHash(binary.hash)).toBe(literal);
    const response = await api('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_keyid: signingKey.keyid,
      signature: literal,
    });
    expect(response.status).toBe(201);
    expect((await api('GET', `/binaries/${binary.prn}`)).body.binary.state).toBe('signed');
    expect(signingKey.keyid).toBe(sha256Hex(Buffer.from(TEST_VECTOR.value, 'base64')));
  });
});

describe('reset, mismatch and repointing', () => {
  test('reset from hashable and from signable deletes the parts and bumps the revision', async () => {
    const data = content(PART_MIN + 1, 9);
    const binary = await createBinary(api, data);
    await uploadAll(api, binary, data);
    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' })).status).toBe(200);
    const filesBefore = await partFiles(t.dataDir);
    const reset = await api('PATCH', `/binaries/${binary.prn}`, { state: 'uploadable' });
    expect(reset.status).toBe(200);
    expect(reset.body.binary).toMatchObject({
      state: 'uploadable',
      revision: 1,
      bytes_uploaded: 0,
    });
    expect(await listAll(api, `/binaries/${binary.prn}/parts`, 'binary_parts')).toEqual([]);
    expect((await partFiles(t.dataDir)).length).toBe(filesBefore.length - 2);
    // uploadable -> uploadable is a no-op.
    const same = await api('PATCH', `/binaries/${binary.prn}`, { state: 'uploadable' });
    expect(same.body.binary).toEqual(reset.body.binary);

    await uploadAll(api, binary, data);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    const second = await api('PATCH', `/binaries/${binary.prn}`, { state: 'uploadable' });
    expect(second.body.binary).toMatchObject({
      state: 'uploadable',
      revision: 2,
      bytes_uploaded: 0,
    });
  });

  test('a hash mismatch goes hashing -> hashable; reset and repoint then reach signable', async () => {
    const declared = content(3 * MiB, 10);
    const actual = content(3 * MiB, 11);
    const binary = await createBinary(api, declared);
    await uploadAll(api, binary, actual);
    const done = await hashToSignable(api, binary.prn);
    expect(done.state).toBe('hashable');
    expect(done.revision).toBe(0);

    // Point the binary at the content that was really uploaded: reset, then hash.
    const repointed = await api('PATCH', `/binaries/${binary.prn}`, {
      state: 'uploadable',
      hash: sha256Hex(actual),
    });
    expect(repointed.status).toBe(200);
    expect(repointed.body.binary).toMatchObject({
      state: 'uploadable',
      revision: 1,
      hash: sha256Hex(actual),
    });
    await uploadAll(api, binary, actual);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
  });

  test('download URLs die with a reset', async () => {
    const data = Buffer.from('hello download');
    const binary = await createBinary(api, data);
    await uploadAll(api, binary, data);
    await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    const link = (await api('GET', `/binaries/${binary.prn}/download_url`)).body.download_url;
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).toString()).toBe('hello download');
    await api('PATCH', `/binaries/${binary.prn}`, { state: 'uploadable' });
    expect((await fetch(link)).status).toBe(404);
  });

  test('an empty binary has no parts and still goes through the lifecycle', async () => {
    const binary = await createBinary(api, Buffer.alloc(0));
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    const { bytes } = await download(binary.prn);
    expect(bytes.length).toBe(0);
  });
});
