// Lists, paging and search, and the other resources' endpoints.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createArtifactVersion,
  createBinary,
  hashToSignable,
  listAll,
  sha256Hex,
  startTestServer,
  TEST_VECTOR,
  unique,
  uploadAll,
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

const q = (search: string) => encodeURIComponent(search);

describe('paging', () => {
  let versionPrn: string;
  let created: Json[];

  beforeAll(async () => {
    versionPrn = await createArtifactVersion(api);
    created = [];
    for (let i = 0; i < 25; i += 1) {
      created.push(
        await createBinary(api, Buffer.from(`content ${i}`), {
          artifact_version_prn: versionPrn,
          target: `target-${String(i).padStart(2, '0')}`,
        }),
      );
    }
  });

  async function pages(order: 'asc' | 'desc') {
    const seen: Json[][] = [];
    let page: string | null = null;
    do {
      const response: Json = await api(
        'GET',
        `/binaries?limit=10&order=${order}&search=${q(`artifact_version_prn:'${versionPrn}'`)}${page ? `&page=${page}` : ''}`,
      );
      expect(response.status).toBe(200);
      seen.push(response.body.binaries);
      page = response.body.next_page;
    } while (page);
    return seen;
  }

  test('asc walks every binary once, oldest first, in pages of the limit', async () => {
    const seen = await pages('asc');
    expect(seen.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(seen.flat().map((b: Json) => b.prn)).toEqual(created.map((b) => b.prn));
  });

  test('desc walks them newest first', async () => {
    const seen = await pages('desc');
    expect(seen.flat().map((b: Json) => b.prn)).toEqual(created.map((b) => b.prn).reverse());
  });

  test('default limit is 10; limit and order are checked', async () => {
    const first = await api('GET', `/binaries?search=${q(`artifact_version_prn:'${versionPrn}'`)}`);
    expect(first.body.binaries).toHaveLength(10);
    expect(typeof first.body.next_page).toBe('string');
    for (const bad of ['limit=0', 'limit=101', 'limit=ten', 'order=up', 'limit=1&limit=2']) {
      const response = await api('GET', `/binaries?${bad}`);
      expect(response.status).toBe(422);
      expect(Object.keys(response.body.errors)).toEqual([bad.split('=')[0]]);
    }
    const hundred = await api('GET', '/binaries?limit=100');
    expect(hundred.status).toBe(200);
  });

  test('a bad page cursor is 422 on page', async () => {
    const first = await api('GET', '/binaries?limit=2&order=asc');
    for (const page of ['garbage', Buffer.from('{"o":"asc"}').toString('base64url'), '!!']) {
      const response = await api('GET', `/binaries?page=${encodeURIComponent(page)}`);
      expect(response.status).toBe(422);
      expect(Object.keys(response.body.errors)).toEqual(['page']);
    }
    const mixed = await api('GET', `/binaries?order=desc&page=${first.body.next_page}`);
    expect(mixed.status).toBe(422);
  });
});

describe('search', () => {
  test('a target containing a quote is found by its escaped value', async () => {
    const versionPrn = await createArtifactVersion(api);
    const tricky = `it's a "target" \\ with ' quotes`;
    const binary = await createBinary(api, Buffer.from('q'), {
      artifact_version_prn: versionPrn,
      target: tricky,
    });
    await createBinary(api, Buffer.from('r'), {
      artifact_version_prn: versionPrn,
      target: 'plain',
    });
    const escaped = tricky.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
    const found = await listAll(api, `/binaries?search=${q(`target:'${escaped}'`)}`, 'binaries');
    expect(found.map((b: Json) => b.prn)).toEqual([binary.prn]);
    const sub = await listAll(
      api,
      `/binaries?search=${q(`target~'it\\'s' and artifact_version_prn:'${versionPrn}'`)}`,
      'binaries',
    );
    expect(sub.map((b: Json) => b.prn)).toEqual([binary.prn]);
    const caseSensitive = await listAll(
      api,
      `/binaries?search=${q(`target~'IT\\'S'`)}`,
      'binaries',
    );
    expect(caseSensitive).toEqual([]);
    const caseInsensitive = await listAll(
      api,
      `/binaries?search=${q(`target-'IT\\'S'`)}`,
      'binaries',
    );
    expect(caseInsensitive.map((b: Json) => b.prn)).toEqual([binary.prn]);
  });

  test('numbers and date-times compare', async () => {
    const versionPrn = await createArtifactVersion(api);
    const small = await createBinary(api, Buffer.alloc(10), { artifact_version_prn: versionPrn });
    const big = await createBinary(api, Buffer.alloc(1000), { artifact_version_prn: versionPrn });
    const scope = `artifact_version_prn:'${versionPrn}'`;
    const over = await listAll(api, `/binaries?search=${q(`${scope} and size>100`)}`, 'binaries');
    expect(over.map((b: Json) => b.prn)).toEqual([big.prn]);
    const upTo = await listAll(api, `/binaries?search=${q(`${scope} and size<=10`)}`, 'binaries');
    expect(upTo.map((b: Json) => b.prn)).toEqual([small.prn]);
    const after = await listAll(
      api,
      `/binaries?search=${q(`${scope} and inserted_at>'${small.inserted_at}'`)}`,
      'binaries',
    );
    expect(after.map((b: Json) => b.prn)).toEqual([big.prn]);
    const exact = await listAll(
      api,
      `/binaries?search=${q(`inserted_at:'${small.inserted_at}'`)}`,
      'binaries',
    );
    expect(exact.map((b: Json) => b.prn)).toEqual([small.prn]);
    const byHash = await listAll(
      api,
      `/binaries?search=${q(`hash:'${sha256Hex(Buffer.alloc(1000))}' and ${scope}`)}`,
      'binaries',
    );
    expect(byHash.map((b: Json) => b.prn)).toEqual([big.prn]);
  });

  test.each([
    ["state:'signed'", 'state is not searchable on binaries'],
    ["colour:'red'", 'unknown key'],
    ['target:plain', 'unquoted string'],
    ["target:'open", 'unclosed quote'],
    ["size>'big'", 'not a number'],
    ["inserted_at>'yesterday'", 'not a date-time'],
    ["target:'a' or target:'b'", 'or is not a joiner'],
    ["target='a'", 'unknown operator'],
    [Array.from({ length: 6 }, (_, i) => `target:'${i}'`).join(' and '), 'six clauses'],
    ['', 'empty'],
  ])('search %j is 422 on search (%s)', async (search) => {
    const response = await api('GET', `/binaries?search=${q(search)}`);
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['search']);
  });

  test('five clauses are allowed', async () => {
    const five = Array.from({ length: 5 }, () => "target-'x'").join(' and ');
    expect((await api('GET', `/binaries?search=${q(five)}`)).status).toBe(200);
  });

  test('releases cannot be searched by bundle_prn', async () => {
    const response = await api(
      'GET',
      `/releases?search=${q(`bundle_prn:'${t.server.organizationPrn}:bundle:${crypto.randomUUID()}'`)}`,
    );
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['search']);
  });
});

describe('other resources', () => {
  test('users/me', async () => {
    const me = await api('GET', '/users/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      data: {
        email: expect.any(String),
        username: expect.any(String),
        organization_prn: t.server.organizationPrn,
      },
    });
  });

  test('artifacts and artifact versions: create, get, patch, list, delete', async () => {
    const id = crypto.randomUUID();
    const artifact = await api('POST', '/artifacts', {
      id,
      name: unique('fw'),
      description: 'd',
      custom_metadata: null,
    });
    expect(artifact.status).toBe(201);
    expect(artifact.body.artifact.prn).toBe(`${t.server.organizationPrn}:artifact:${id}`);
    const prn = artifact.body.artifact.prn;
    const patched = await api('PATCH', `/artifacts/${prn}`, {
      description: null,
      custom_metadata: { a: [1] },
    });
    expect(patched.body.artifact).toMatchObject({
      description: null,
      custom_metadata: { a: [1] },
      name: artifact.body.artifact.name,
    });
    const version = await api('POST', '/artifact_versions', {
      artifact_prn: prn,
      version: '1.0.0',
    });
    expect(version.status).toBe(201);
    const duplicate = await api('POST', '/artifact_versions', {
      artifact_prn: prn,
      version: '1.0.0',
    });
    expect(duplicate.body).toEqual({ errors: { version: ['has already been taken'] } });
    const versionPatch = await api(
      'PATCH',
      `/artifact_versions/${version.body.artifact_version.prn}`,
      {
        version: '9.9.9',
        description: 'notes',
      },
    );
    expect(versionPatch.body.artifact_version).toMatchObject({
      version: '1.0.0',
      description: 'notes',
    });
    const blocked = await api('DELETE', `/artifacts/${prn}`);
    expect(blocked.status).toBe(422);
    expect(
      (await api('DELETE', `/artifact_versions/${version.body.artifact_version.prn}`)).status,
    ).toBe(204);
    const deleted = await api('DELETE', `/artifacts/${prn}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    expect((await api('GET', `/artifacts/${prn}`)).status).toBe(404);
    const sameName = await api('POST', '/artifacts', { name: artifact.body.artifact.name });
    expect(sameName.status).toBe(201);
    const taken = await api('POST', '/artifacts', { name: artifact.body.artifact.name });
    expect(taken.body).toEqual({ errors: { name: ['has already been taken'] } });
  });

  test('signing keys: keyid is the SHA-256 of the raw key; duplicates refused; delete', async () => {
    const created = await api('POST', '/signing_keys', {
      name: unique('k'),
      value: TEST_VECTOR.value,
    });
    expect(created.status).toBe(201);
    expect(created.body.signing_key.keyid).toBe(
      sha256Hex(Buffer.from(TEST_VECTOR.value, 'base64')),
    );
    const again = await api('POST', '/signing_keys', {
      name: unique('k'),
      value: TEST_VECTOR.value,
    });
    expect(again.body).toEqual({ errors: { value: ['has already been taken'] } });
    const renamed = await api('PATCH', `/signing_keys/${created.body.signing_key.prn}`, {
      name: 'renamed',
    });
    expect(renamed.body.signing_key.name).toBe('renamed');
    expect((await api('DELETE', `/signing_keys/${created.body.signing_key.prn}`)).status).toBe(204);
  });

  test('bundles (v2 and v1), products, cohorts and releases', async () => {
    const data = Buffer.from('bundle me');
    const binary = await createBinary(api, data);
    await uploadAll(api, binary, data);
    await hashToSignable(api, binary.prn);
    const bundle = await api('POST', '/bundles', {
      name: null,
      binaries: [{ prn: binary.prn, custom_metadata: { slot: 'a' } }],
    });
    expect(bundle.status).toBe(201);
    expect(bundle.body.bundle).toMatchObject({
      name: null,
      binaries: [{ prn: binary.prn, custom_metadata: { slot: 'a' } }],
      hash: sha256Hex(`${binary.hash}\n`),
    });
    const v1 = await api('POST', '/bundles', {
      artifact_version_prns: [binary.artifact_version_prn],
      name: 'v1',
    });
    expect(v1.body.bundle.artifact_versions).toEqual([
      { prn: binary.artifact_version_prn, index: 0 },
    ]);
    expect((await api('POST', '/bundles', { name: 'empty' })).status).toBe(422);

    const product = await api('POST', '/products', { name: unique('product') });
    expect(product.status).toBe(201);
    expect(product.body.product.archived).toBe(false);
    const archived = await api('PATCH', `/products/${product.body.product.prn}`, {
      archived: true,
    });
    expect(archived.body.product.archived).toBe(true);
    const cohort = await api('POST', '/cohorts', {
      name: 'beta',
      product_prn: product.body.product.prn,
    });
    expect(cohort.status).toBe(201);

    const base = {
      bundle_prn: bundle.body.bundle.prn,
      cohort_prn: cohort.body.cohort.prn,
      required: false,
    };
    const r1 = (await api('POST', '/releases', { ...base, name: 'r1' })).body.release;
    const r2 = (
      await api('POST', '/releases', { ...base, name: 'r2', schedule_date: '2020-01-01T00:00:00Z' })
    ).body.release;
    expect(r1.previous_release_prn).toBeNull();
    expect(r2.previous_release_prn).toBe(r1.prn);
    expect(r2.schedule_complete).toBe(true);
    expect((await api('GET', `/releases/${r1.prn}`)).body.release.next_release_prn).toBe(r2.prn);
    const middle = (
      await api('POST', '/releases', { ...base, name: 'mid', next_release_prn: r2.prn })
    ).body.release;
    expect(middle).toMatchObject({ previous_release_prn: r1.prn, next_release_prn: r2.prn });
    const disabled = await api('PATCH', `/releases/${middle.prn}`, { disabled: true });
    expect(disabled.body.release.disabled).toBe(true);
    expect((await api('DELETE', `/bundles/${bundle.body.bundle.prn}`)).status).toBe(422);
    expect((await api('DELETE', `/releases/${middle.prn}`)).status).toBe(204);
    expect((await api('GET', `/releases/${r1.prn}`)).body.release.next_release_prn).toBe(r2.prn);
    expect((await api('GET', `/releases/${r2.prn}`)).body.release.previous_release_prn).toBe(
      r1.prn,
    );
    const byCohort = await listAll(
      api,
      `/releases?search=${q(`cohort_prn:'${cohort.body.cohort.prn}'`)}`,
      'releases',
    );
    expect(byCohort.map((r: Json) => r.name)).toEqual(['r1', 'r2']);
  });
});
