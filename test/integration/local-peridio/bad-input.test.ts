// The bad input table: every refusal answers exactly as the contract says, and leaves the
// stored data as it was.
import Database from 'better-sqlite3';
import crypto, { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { request as httpRequest } from 'node:http';
import {
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
  type Api,
  type Json,
  type TestServer,
} from './helpers.js';

let t: TestServer;
let api: Api;

beforeAll(async () => {
  t = await startTestServer();
  api = t.api;
});
afterAll(async () => t.stop());

/** The binary and its parts as stored, for before/after comparisons. */
async function snapshot(prn: string): Promise<Json> {
  const binary = await api('GET', `/binaries/${prn}`);
  const parts = await listAll(api, `/binaries/${prn}/parts`, 'binary_parts');
  return { binary: binary.body, parts };
}

async function binaryCount(): Promise<number> {
  return (await listAll(api, '/binaries?limit=100', 'binaries')).length;
}

describe('authentication', () => {
  test('a missing API key is 403 {"status":"forbidden"} and changes nothing', async () => {
    const binary = await createBinary(api, Buffer.from('hello world'));
    const before = await snapshot(binary.prn);
    const response = await fetch(`${t.server.url}/binaries/${binary.prn}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'changed' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ status: 'forbidden' });
    expect(response.headers.get('peridio-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('an invalid API key is 403, with Token or Bearer, and changes nothing', async () => {
    const binary = await createBinary(api, Buffer.from('hello world'));
    const before = await snapshot(binary.prn);
    for (const authorization of [
      'Token wrong-key',
      'Bearer wrong-key',
      'Basic dGVzdC1rZXk=',
      'test-key',
    ]) {
      const response = await api(
        'PATCH',
        `/binaries/${binary.prn}`,
        { description: 'x' },
        { authorization },
      );
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ status: 'forbidden' });
    }
    expect(await snapshot(binary.prn)).toEqual(before);
    const bearer = await api('GET', '/users/me', undefined, { authorization: 'Bearer test-key' });
    expect(bearer.status).toBe(200);
  });

  test('an x-api-version other than 1 or 2 is refused; missing means 1', async () => {
    const three = await api('GET', '/users/me', undefined, { 'x-api-version': '3' });
    expect(three.status).toBe(400);
    expect(three.body.errors['x-api-version'][0]).toContain('must be 1 or 2');
    const response = await fetch(`${t.server.url}/users/me`, {
      headers: { authorization: 'Token test-key' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).data.organization_prn).toBe(t.server.organizationPrn);
  });
});

describe('PRNs', () => {
  test('a malformed PRN in the path is 422 naming the field', async () => {
    const count = await binaryCount();
    for (const bad of [
      'prn:1:nope',
      'not-a-prn',
      `${t.server.organizationPrn}:artifact:${crypto.randomUUID()}`,
    ]) {
      const response = await api('PATCH', `/binaries/${bad}`, { state: 'hashable' });
      expect(response.status).toBe(422);
      expect(Object.keys(response.body.errors)).toEqual(['binary_prn']);
    }
    expect(await binaryCount()).toBe(count);
  });

  test('a path the router cannot take (a broken %-escape, a segment over 1000 characters) is refused in the contract’s shape', async () => {
    const binary = await createBinary(api, Buffer.from('hello world'));
    const before = await snapshot(binary.prn);
    for (const [path, status, why] of [
      ['/artifact_versions/%zz', 400, /not valid/],
      [`/binaries/${binary.prn}%E0%A4%A`, 400, /not valid/],
      [`/binaries/${'a'.repeat(1001)}`, 414, /longer than 1000 characters/],
    ] as const) {
      const response = await api('PATCH', path, { description: 'changed' });
      expect(response.status, path).toBe(status);
      expect(Object.keys(response.body), path).toEqual(['errors']);
      expect(response.body.errors.detail, path).toMatch(why);
      expect(response.headers.get('peridio-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('a malformed PRN in the body is 422 naming the field', async () => {
    const count = await binaryCount();
    const response = await api('POST', '/binaries', {
      artifact_version_prn: 'prn:1:zzz:artifact_version:123',
      target: 'x86_64-unknown-linux-gnu',
      hash: sha256Hex('x'),
      size: 1,
    });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['artifact_version_prn']);
    expect(await binaryCount()).toBe(count);
  });

  test('a well-formed unknown PRN is 404 {"errors":{"detail":"Not Found"}}, raw or %3A-escaped', async () => {
    const count = await binaryCount();
    const unknown = `${t.server.organizationPrn}:binary:${crypto.randomUUID()}`;
    for (const written of [unknown, unknown.replaceAll(':', '%3A')]) {
      const get = await api('GET', `/binaries/${written}`);
      expect(get.status).toBe(404);
      expect(get.body).toEqual({ errors: { detail: 'Not Found' } });
      const patch = await api('PATCH', `/binaries/${written}`, { description: 'x' });
      expect(patch.status).toBe(404);
    }
    const inBody = await api('POST', '/binaries', {
      artifact_version_prn: `${t.server.organizationPrn}:artifact_version:${crypto.randomUUID()}`,
      target: 't',
      hash: sha256Hex('x'),
      size: 1,
    });
    expect(inBody.status).toBe(404);
    expect(await binaryCount()).toBe(count);
  });
});

describe('binary fields', () => {
  test('a second live binary for the same target is 422 target "has already been taken"', async () => {
    const versionPrn = await createArtifactVersion(api);
    const first = await createBinary(api, Buffer.from('one'), {
      artifact_version_prn: versionPrn,
      target: 'arm',
    });
    const before = await snapshot(first.prn);
    const second = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 'arm',
      hash: sha256Hex('two'),
      size: 3,
    });
    expect(second.status).toBe(422);
    expect(second.body).toEqual({ errors: { target: ['has already been taken'] } });
    const inVersion = await listAll(
      api,
      `/binaries?search=${encodeURIComponent(`artifact_version_prn:'${versionPrn}'`)}`,
      'binaries',
    );
    expect(inVersion.map((b: Json) => b.prn)).toEqual([first.prn]);
    expect(await snapshot(first.prn)).toEqual(before);
  });

  test('a target of 129 characters is 422 on target (128 is fine)', async () => {
    const versionPrn = await createArtifactVersion(api);
    const count = await binaryCount();
    const long = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 'a'.repeat(129),
      hash: sha256Hex('x'),
      size: 1,
    });
    expect(long.status).toBe(422);
    expect(Object.keys(long.body.errors)).toEqual(['target']);
    expect(await binaryCount()).toBe(count);
    const ok = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 'a'.repeat(128),
      hash: sha256Hex('x'),
      size: 1,
    });
    expect(ok.status).toBe(201);
  });

  test('hash, size, custom_metadata and id are validated field by field', async () => {
    const versionPrn = await createArtifactVersion(api);
    const count = await binaryCount();
    const response = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: 't',
      hash: sha256Hex('x').toUpperCase(),
      size: -1,
      custom_metadata: { big: 'x'.repeat(1_000_000) },
      id: 'not-a-uuid',
      unknown_field: 'ignored',
    });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors).sort()).toEqual([
      'custom_metadata',
      'hash',
      'id',
      'size',
    ]);
    const missing = await api('POST', '/binaries', { artifact_version_prn: versionPrn });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toMatchObject({
      target: ["can't be blank"],
      hash: ["can't be blank"],
      size: ["can't be blank"],
    });
    expect(await binaryCount()).toBe(count);
  });

  test('a taken id is 422 {"errors":{"id":["has already been taken"]}}', async () => {
    const id = crypto.randomUUID();
    const first = await createBinary(api, Buffer.from('a'), { id });
    expect(first.prn).toBe(`${t.server.organizationPrn}:binary:${id}`);
    const before = await snapshot(first.prn);
    const again = await api('POST', '/binaries', {
      artifact_version_prn: first.artifact_version_prn,
      target: 'other',
      hash: sha256Hex('b'),
      size: 1,
      id,
    });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({ errors: { id: ['has already been taken'] } });
    expect(await snapshot(first.prn)).toEqual(before);
  });
});

describe('parts', () => {
  test('part index 0 and 10,001 are 422 on index (10,000 is allowed)', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const before = await snapshot(binary.prn);
    for (const index of ['0', '10001', 'x', '-1']) {
      const response = await api('PUT', `/binaries/${binary.prn}/parts/${index}`, {
        expected_binary_size: data.length,
        hash: sha256Hex(data),
        size: data.length,
      });
      expect(response.status).toBe(422);
      expect(Object.keys(response.body.errors)).toEqual(['index']);
    }
    expect(await snapshot(binary.prn)).toEqual(before);
    const top = await api('PUT', `/binaries/${binary.prn}/parts/10000`, {
      expected_binary_size: data.length,
      hash: sha256Hex(data),
      size: data.length,
    });
    expect(top.status).toBe(201);
  });

  test('expected_binary_size must equal the binary size; all part fields are required', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const before = await snapshot(binary.prn);
    const wrong = await api('PUT', `/binaries/${binary.prn}/parts/1`, {
      expected_binary_size: data.length + 1,
      hash: sha256Hex(data),
      size: data.length,
    });
    expect(wrong.status).toBe(422);
    expect(Object.keys(wrong.body.errors)).toEqual(['expected_binary_size']);
    const missing = await api('PUT', `/binaries/${binary.prn}/parts/1`, {});
    expect(missing.status).toBe(422);
    expect(Object.keys(missing.body.errors).sort()).toEqual([
      'expected_binary_size',
      'hash',
      'size',
    ]);
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('a non-last part under 5 MiB fails the hashable check with 422 and the state stays', async () => {
    const data = content(PART_MIN + 100, 2);
    const binary = await createBinary(api, data);
    // Two parts, the first one byte short of 5 MiB: all valid, sizes add up, still refused.
    const first = data.subarray(0, PART_MIN - 1);
    const second = data.subarray(PART_MIN - 1);
    for (const [index, bytes] of [
      [1, first],
      [2, second],
    ] as const) {
      const part = await createPart(api, binary, index, bytes);
      expect((await putBytes(part.presigned_upload_url, bytes)).status).toBe(200);
    }
    const before = await snapshot(binary.prn);
    expect(before.parts.map((p: Json) => p.state)).toEqual(['valid', 'valid']);
    const response = await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    expect(response.status).toBe(422);
    expect(response.body.errors.parts.join(' ')).toContain('part 1 is 5242879 bytes');
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('gaps, invalid parts and a wrong total also fail the hashable check', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    await createPart(api, binary, 2, data);
    const gap = await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    expect(gap.status).toBe(422);
    expect(gap.body.errors.parts[0]).toContain('part 1 is missing');
    const part = await createPart(api, binary, 1, data);
    const before = await snapshot(binary.prn);
    const notValid = await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    expect(notValid.status).toBe(422);
    expect(notValid.body.errors.parts.join(' ')).toContain('part 1 is uploadable, not valid');
    expect(notValid.body.errors.parts.join(' ')).toContain('add up to 22 bytes');
    expect(await snapshot(binary.prn)).toEqual(before);
    expect(part.state).toBe('uploadable');
  });

  test('a bad x-amz-checksum-sha256 is 400 BadDigest and marks the part invalid_hash', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    const before = await snapshot(binary.prn);
    const put = await putBytes(part.presigned_upload_url, data, {
      'x-amz-checksum-sha256': Buffer.alloc(32).toString('base64'),
    });
    expect(put.status).toBe(400);
    expect(put.text).toContain('<Code>BadDigest</Code>');
    const after = await snapshot(binary.prn);
    expect(after.parts[0].state).toBe('invalid_hash');
    expect(after.binary).toEqual(before.binary);
    expect(after.binary.binary.bytes_uploaded).toBe(0);
  });

  test('bytes that do not match the declared hash are 400 BadDigest and invalid_hash', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    const before = await snapshot(binary.prn);
    // The header matches the declared hash; the bytes do not.
    const put = await putBytes(part.presigned_upload_url, Buffer.from('hello WORLD'), {
      'x-amz-checksum-sha256': Buffer.from(sha256Hex(data), 'hex').toString('base64'),
    });
    expect(put.status).toBe(400);
    expect(put.text).toContain('BadDigest');
    const after = await snapshot(binary.prn);
    expect(after.parts[0].state).toBe('invalid_hash');
    expect(after.binary).toEqual(before.binary);
  });

  test('a wrong content-length is 400 and marks the part invalid_size', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    const before = await snapshot(binary.prn);
    const put = await putBytes(part.presigned_upload_url, Buffer.from('hello world!'));
    expect(put.status).toBe(400);
    const after = await snapshot(binary.prn);
    expect(after.parts[0].state).toBe('invalid_size');
    expect(after.binary).toEqual(before.binary);
  });

  test('a failed replay of a valid part (checksum, length or bytes) leaves it valid and whole', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    expect((await putBytes(part.presigned_upload_url, data)).status).toBe(200);
    const before = await snapshot(binary.prn);
    expect(before.parts[0].state).toBe('valid');
    const goodChecksum = Buffer.from(sha256Hex(data), 'hex').toString('base64');
    const replays: [Buffer, Record<string, string>][] = [
      [data, { 'x-amz-checksum-sha256': Buffer.alloc(32).toString('base64') }],
      [Buffer.from('hello world!'), { 'x-amz-checksum-sha256': goodChecksum }],
      [Buffer.from('hello WORLD'), { 'x-amz-checksum-sha256': goodChecksum }],
    ];
    for (const [bytes, headers] of replays) {
      expect((await putBytes(part.presigned_upload_url, bytes, headers)).status).toBe(400);
      expect(await snapshot(binary.prn)).toEqual(before);
    }
    // The stored bytes are still the right ones: the server's hash of the binary matches.
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
  });

  test('an expired presigned URL is 403 AccessDenied and changes nothing', async () => {
    const short = await startTestServer({ presignedUrlTtlSeconds: 1 });
    try {
      const data = Buffer.from('hello world');
      const binary = await createBinary(short.api, data);
      const part = await createPart(short.api, binary, 1, data);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const parts = await listAll(short.api, `/binaries/${binary.prn}/parts`, 'binary_parts');
      const put = await putBytes(part.presigned_upload_url, data);
      expect(put.status).toBe(403);
      expect(put.text).toContain('<Code>AccessDenied</Code>');
      expect(put.text).toContain('expired');
      expect(await listAll(short.api, `/binaries/${binary.prn}/parts`, 'binary_parts')).toEqual(
        parts,
      );
      // Asking for the part again gives a fresh URL that works.
      const again = await createPart(short.api, binary, 1, data);
      expect((await putBytes(again.presigned_upload_url, data)).status).toBe(200);
    } finally {
      await short.stop();
    }
  });

  test('a forged presigned URL is 403 AccessDenied and changes nothing', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    const before = await snapshot(binary.prn);
    const url = new URL(part.presigned_upload_url);
    const forgeries: URL[] = [];
    const badSignature = new URL(url);
    badSignature.searchParams.set('signature', '0'.repeat(64));
    forgeries.push(badSignature);
    const longer = new URL(url);
    longer.searchParams.set(
      'expires',
      String(Number(url.searchParams.get('expires')) + 10_000_000),
    );
    forgeries.push(longer);
    const unsigned = new URL(url);
    unsigned.search = '';
    forgeries.push(unsigned);
    for (const forged of forgeries) {
      const put = await putBytes(forged.toString(), data);
      expect(put.status).toBe(403);
      expect(put.text).toContain('AccessDenied');
    }
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('a presigned path the storage does not know, or cannot take, is answered in S3’s XML', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    const before = await snapshot(binary.prn);
    const url = new URL(part.presigned_upload_url);
    for (const [pathname, status, code] of [
      [`${url.pathname}/extra`, 404, 'NoSuchKey'],
      ['/presigned/nothing-here', 404, 'NoSuchKey'],
      [`${url.pathname}%zz`, 400, 'InvalidURI'],
      [`/presigned/parts/${'a'.repeat(1001)}/x`, 414, 'InvalidURI'],
    ] as const) {
      const wrong = new URL(url);
      wrong.pathname = pathname;
      const response = await fetch(wrong, { method: 'PUT', body: data });
      expect(response.status, pathname).toBe(status);
      expect(response.headers.get('content-type'), pathname).toContain('application/xml');
      const text = await response.text();
      expect(text, pathname).toContain(`<Code>${code}</Code>`);
      expect(text, pathname).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    }
    // The API's own paths keep the API's shape.
    const unknown = await api('GET', '/no-such-thing');
    expect(unknown).toMatchObject({ status: 404, body: { errors: { detail: 'Not Found' } } });
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('a replaced part’s old URL no longer works', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const old = await createPart(api, binary, 1, data);
    const replacement = await createPart(api, binary, 1, data);
    expect(replacement.prn).not.toBe(old.prn);
    const before = await snapshot(binary.prn);
    expect((await putBytes(old.presigned_upload_url, data)).status).toBe(403);
    expect(await snapshot(binary.prn)).toEqual(before);
    expect((await putBytes(replacement.presigned_upload_url, data)).status).toBe(200);
  });

  test('parts can only be created while the binary is uploadable', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    await putBytes(part.presigned_upload_url, data);
    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' })).status).toBe(200);
    const before = await snapshot(binary.prn);
    const create = await api('PUT', `/binaries/${binary.prn}/parts/2`, {
      expected_binary_size: data.length,
      hash: sha256Hex(data),
      size: data.length,
    });
    expect(create.status).toBe(422);
    expect(create.body.errors.state[0]).toContain('uploadable');
    expect(await snapshot(binary.prn)).toEqual(before);
  });
});

describe('signatures', () => {
  test('a signature by the wrong key is 422 {"errors":{"signature":["is invalid"]}}', async () => {
    const data = Buffer.from('hello world');
    const binary = await createBinary(api, data);
    const part = await createPart(api, binary, 1, data);
    await putBytes(part.presigned_upload_url, data);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    const key = await api('POST', '/signing_keys', {
      name: unique('key'),
      value: TEST_VECTOR.value,
    });
    expect(key.status).toBe(201);
    const other = generateKeyPairSync('ed25519');
    const before = await snapshot(binary.prn);
    const response = await api('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_prn: key.body.signing_key.prn,
      signature: signHash(binary.hash, other.privateKey),
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ errors: { signature: ['is invalid'] } });
    expect(await snapshot(binary.prn)).toEqual(before);
    expect(before.binary.binary.signatures).toBeNull();
    const neither = await api('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signature: signHash(binary.hash),
    });
    expect(neither.status).toBe(422);
    expect(Object.keys(neither.body.errors)).toEqual(['signing_key_prn']);
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('a small-order or non-canonical public key is 422 on value and registers nothing', async () => {
    const keysBefore = await listAll(api, '/signing_keys?limit=100', 'signing_keys');
    const p = Buffer.from(`ed${'ff'.repeat(30)}7f`, 'hex');
    const cases: [string, RegExp][] = [
      [Buffer.from(`01${'00'.repeat(31)}`, 'hex').toString('base64'), /small order/],
      [Buffer.alloc(32).toString('base64'), /small order/],
      [p.toString('base64'), /not the canonical encoding/],
    ];
    for (const [value, why] of cases) {
      const response = await api('POST', '/signing_keys', { name: unique('weak'), value });
      expect(response.status, value).toBe(422);
      expect(response.body.errors.value.join(' '), value).toMatch(why);
    }
    expect(await listAll(api, '/signing_keys?limit=100', 'signing_keys')).toEqual(keysBefore);
  });

  test('the signature R = identity, S = 0 of a small-order key registered earlier does not sign', async () => {
    // A key registered before keys were checked: written into the stopped server's database.
    const earlier = await startTestServer();
    const { dataDir } = earlier;
    await earlier.server.close();
    const identity = Buffer.from(`01${'00'.repeat(31)}`, 'hex');
    const keyPrn = `${earlier.server.organizationPrn}:signing_key:${crypto.randomUUID()}`;
    const db = new Database(path.join(dataDir, 'local-peridio.sqlite'));
    try {
      db.prepare(
        'INSERT INTO signing_keys (prn, name, value, keyid, inserted_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)',
      ).run(keyPrn, 'old-weak', identity.toString('base64'), sha256Hex(identity));
    } finally {
      db.close();
    }
    const again = await startTestServer({ dataDir });
    try {
      const data = Buffer.from('any content at all');
      const binary = await createBinary(again.api, data);
      const part = await createPart(again.api, binary, 1, data);
      await putBytes(part.presigned_upload_url, data);
      expect((await hashToSignable(again.api, binary.prn)).state).toBe('signable');
      const forged = await again.api('POST', '/binary_signatures', {
        binary_prn: binary.prn,
        signing_key_prn: keyPrn,
        signature: `${identity.toString('hex')}${'00'.repeat(32)}`,
      });
      expect(forged.status).toBe(422);
      expect(forged.body).toEqual({ errors: { signature: ['is invalid'] } });
      expect((await again.api('GET', `/binaries/${binary.prn}`)).body.binary.state).toBe(
        'signable',
      );
    } finally {
      await again.stop();
    }
  });

  test('a signing key value that is not 32 bytes of base64 is 422 on value', async () => {
    const keysBefore = await listAll(api, '/signing_keys?limit=100', 'signing_keys');
    for (const value of [
      'abc',
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      'A'.repeat(44),
    ]) {
      const response = await api('POST', '/signing_keys', { name: unique('key'), value });
      expect(response.status).toBe(422);
      expect(Object.keys(response.body.errors)).toEqual(['value']);
    }
    expect(await listAll(api, '/signing_keys?limit=100', 'signing_keys')).toEqual(keysBefore);
  });

  test('a binary that is not signable cannot be signed', async () => {
    const binary = await createBinary(api, Buffer.from('hello world'));
    const key = await api('POST', '/signing_keys', {
      name: unique('key'),
      value: Buffer.from(
        generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }),
      )
        .subarray(12)
        .toString('base64'),
    });
    const before = await snapshot(binary.prn);
    const response = await api('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_prn: key.body.signing_key.prn,
      signature: signHash(binary.hash),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.binary_prn[0]).toContain('signable or signed');
    expect(await snapshot(binary.prn)).toEqual(before);
  });
});

describe('illegal transitions', () => {
  async function binaryIn(
    state: 'uploadable' | 'signable' | 'signed' | 'destroyed',
  ): Promise<Json> {
    const data = content(100, Math.floor(Math.random() * 1e9));
    const binary = await createBinary(api, data);
    if (state === 'uploadable') return binary;
    const part = await createPart(api, binary, 1, data);
    await putBytes(part.presigned_upload_url, data);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    if (state === 'signable') return binary;
    let key = (
      await api('GET', `/signing_keys?search=${encodeURIComponent(`value:'${TEST_VECTOR.value}'`)}`)
    ).body.signing_keys[0];
    key ??= (await api('POST', '/signing_keys', { name: unique('key'), value: TEST_VECTOR.value }))
      .body.signing_key;
    const signed = await api('POST', '/binary_signatures', {
      binary_prn: binary.prn,
      signing_key_prn: key.prn,
      signature: signHash(binary.hash),
    });
    expect(signed.status).toBe(201);
    if (state === 'signed') return binary;
    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'destroyed' })).status).toBe(
      200,
    );
    return binary;
  }

  test.each([
    ['uploadable', 'signed'],
    ['uploadable', 'hashing'],
    ['uploadable', 'destroyed'],
    ['signable', 'hashable'],
    ['signable', 'destroyed'],
    ['signed', 'uploadable'],
    ['signed', 'signable'],
    ['destroyed', 'signed'],
    ['destroyed', 'uploadable'],
  ] as const)('%s -> %s is 422 on state and changes nothing', async (from, to) => {
    const binary = await binaryIn(from);
    const before = await snapshot(binary.prn);
    expect(before.binary.binary.state).toBe(from);
    const response = await api('PATCH', `/binaries/${binary.prn}`, {
      state: to,
      description: 'not applied',
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      errors: { state: [`cannot transition from ${from} to ${to}`] },
    });
    expect(await snapshot(binary.prn)).toEqual(before);
  });

  test('hash and size can only be changed while uploadable', async () => {
    const binary = await binaryIn('signable');
    const before = await snapshot(binary.prn);
    const response = await api('PATCH', `/binaries/${binary.prn}`, { size: 5 });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['size']);
    const unknownState = await api('PATCH', `/binaries/${binary.prn}`, { state: 'finished' });
    expect(unknownState.status).toBe(422);
    expect(await snapshot(binary.prn)).toEqual(before);
  });
});

describe('hostile search and JSON shapes', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'searching by %s (a name every object has) is 422 on search, not a crash',
    async (field) => {
      const response = await api('GET', `/binaries?search=${encodeURIComponent(`${field}:'x'`)}`);
      expect(response.status).toBe(422);
      expect(Object.keys(response.body.errors)).toEqual(['search']);
      // Names the search grammar takes are named as fields that cannot be searched.
      if (/^[a-z_]+$/.test(field)) {
        expect(response.body.errors.search.join(' ')).toContain(`"${field}" cannot be searched`);
      }
    },
  );

  test('a custom_metadata nested 5,000 levels deep is 422 on custom_metadata and creates nothing', async () => {
    const versionPrn = await createArtifactVersion(api);
    const before = await binaryCount();
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = `{"artifact_version_prn":"${versionPrn}","target":"deep","hash":"${sha256Hex(Buffer.from('x'))}","size":1,"custom_metadata":${deep}}`;
    const response = await api('POST', '/binaries', body);
    expect(response.status).toBe(422);
    expect(response.body.errors.custom_metadata.join(' ')).toMatch(/nested deeper than 32/);
    expect(await binaryCount()).toBe(before);
  });

  test('a body of more than 10,000 keys in all is 422 and creates nothing', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    const many = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
    const response = await api('POST', '/artifacts', { name: unique('many'), custom: many });
    expect(response.status).toBe(422);
    expect(response.body.errors.custom.join(' ')).toMatch(/more than 10000 keys/);
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
  });

  test('text with an unpaired surrogate escape is 422 on its field and stores nothing mangled', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    // JSON may escape half a surrogate pair; SQLite would have stored other characters, and
    // "a\ud800" and "a\udc00" came back as the same name.
    for (const [body, field] of [
      ['{"name":"a\\ud800"}', 'name'],
      ['{"name":"ok","custom_metadata":{"k":["\\udc00"]}}', 'custom_metadata'],
      ['{"name":"ok","custom_metadata":{"\\ud800":1}}', 'custom_metadata'],
    ] as const) {
      const response = await api('POST', '/artifacts', body);
      expect(response.status, body).toBe(422);
      expect(response.body.errors[field].join(' '), body).toMatch(/not valid Unicode/);
    }
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
    const paired = await api('POST', '/artifacts', { name: unique('emoji \u{1f600}') });
    expect(paired.status).toBe(201);
  });

  test('a number too large for a double (1e999) is 422 on its field, not kept as null', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    const response = await api(
      'POST',
      '/artifacts',
      '{"name":"big","custom_metadata":{"n":1e999}}',
    );
    expect(response.status).toBe(422);
    expect(response.body.errors.custom_metadata.join(' ')).toMatch(/too large/);
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
  });

  test('a custom_metadata 32 levels deep, the body counted, is within the limit', async () => {
    const versionPrn = await createArtifactVersion(api);
    let nested: Json = { leaf: true };
    for (let level = 2; level < 32; level += 1) nested = { n: nested };
    const response = await api('POST', '/binaries', {
      artifact_version_prn: versionPrn,
      target: unique('nested'),
      hash: sha256Hex(Buffer.from('x')),
      size: 1,
      custom_metadata: nested,
    });
    expect(response.status).toBe(201);
  });
});

describe('request bodies', () => {
  test('a body that is not JSON is 400 with a clear JSON error and creates nothing', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    for (const body of ['{"name": "x"', 'name=x', '']) {
      const response = await api('POST', '/artifacts', body);
      expect(response.status).toBe(400);
      expect(response.body.errors.detail).toMatch(/JSON|empty/);
    }
    const array = await api('POST', '/artifacts', '[1,2]');
    expect(array.status).toBe(400);
    expect(array.body.errors.detail).toContain('JSON object');
    const wrongType = await api('POST', '/artifacts', 'name=x', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
  });

  test('a JSON body that is not UTF-8 is 400 saying so and creates nothing', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    // Latin-1 "é" (0xE9), and a lone continuation byte: neither is UTF-8.
    for (const bad of [[0xe9], [0x80]]) {
      const body = Buffer.concat([
        Buffer.from('{"name": "caf'),
        Buffer.from(bad),
        Buffer.from('"}'),
      ]);
      const response = await fetch(`${t.server.url}/artifacts`, {
        method: 'POST',
        headers: { authorization: `Token ${t.server.apiKey}`, 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Json).errors.detail).toContain('not valid UTF-8');
    }
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
    // The same name in UTF-8 is taken as it is.
    const good = await api('POST', '/artifacts', { name: unique('café') });
    expect(good.status).toBe(201);
    expect(good.body.artifact.name).toContain('café');
  });

  test('a JSON body over the 2 MiB limit is 413 and creates nothing', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    const response = await api('POST', '/artifacts', {
      name: 'big',
      description: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.body.errors.detail).toContain('larger than');
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
  });

  test('a 512 MiB JSON body streamed without content-length is refused without buffering it', async () => {
    const before = await listAll(api, '/artifacts?limit=100', 'artifacts');
    const chunk = Buffer.from(`"${'x'.repeat(64 * 1024 - 2)}",`);
    const total = 512 * 1024 * 1024;
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/artifacts', t.server.url);
      const request = httpRequest(url, {
        method: 'POST',
        headers: {
          authorization: `Token ${t.server.apiKey}`,
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        },
      });
      let answered = false;
      request.on('response', (response) => {
        answered = true;
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      // The server may close the connection once it has answered; that is fine.
      request.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent < total) {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          sent += chunk.length;
          if (
            !request.write(
              sent === chunk.length ? Buffer.concat([Buffer.from('{"name":['), chunk]) : chunk,
            )
          ) {
            request.once('drain', pump);
            return;
          }
        }
        if (!answered) request.end(']}');
        else request.destroy();
      };
      pump();
    });
    expect(status).toBe(413);
    // Refused early: far less than the body was read, and the process did not grow by it.
    expect(sent).toBeLessThan(total / 4);
    expect(peakRss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    expect(await listAll(api, '/artifacts?limit=100', 'artifacts')).toEqual(before);
  });
});
