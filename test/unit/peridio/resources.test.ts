import { afterEach, describe, expect, it } from 'vitest';
import { PeridioClient, type Bundle, type Release } from '../../../src-main/peridio/index.js';
import {
  API_KEY,
  FAST_RETRY,
  ORG,
  UUID_A,
  UUID_B,
  UUID_C,
  binaryBody,
  prnOf,
  sendJson,
  startServer,
  type Handler,
  type TestServer,
} from './test-server.js';

let server: TestServer | undefined;
let client: PeridioClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function setUp(handler: Handler) {
  server = await startServer(handler);
  client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
  return { server, client };
}

const HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const BINARY = prnOf('binary', UUID_A);

describe('resource families', () => {
  it('answers the user of the key from /users/me', async () => {
    const me = { email: 'dev@example.com', username: 'dev', organization_prn: `prn:1:${ORG}` };
    const { client } = await setUp((_request, response) => sendJson(response, 200, { data: me }));
    await expect(client.users.me()).resolves.toEqual(me);
  });

  it('destroys a binary with PATCH state destroyed', async () => {
    const { server, client } = await setUp((request, response) =>
      sendJson(response, 200, { binary: binaryBody(UUID_A, JSON.parse(request.body)) }),
    );
    const binary = await client.binaries.destroy(BINARY);
    expect(binary.state).toBe('destroyed');
    expect(server.requests[0]?.method).toBe('PATCH');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ state: 'destroyed' });
  });

  it('answers the download URL as a string', async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 200, { download_url: 'https://cdn.example.com/x?sig=1' }),
    );
    await expect(client.binaries.downloadUrl(BINARY)).resolves.toBe(
      'https://cdn.example.com/x?sig=1',
    );
    expect(server.requests[0]?.url).toBe(`/binaries/${BINARY}/download_url`);
  });

  it('declares a part with PUT and answers its presigned upload URL', async () => {
    const { server, client } = await setUp((request, response) =>
      sendJson(response, 201, {
        binary_part: {
          ...JSON.parse(request.body),
          index: 3,
          state: 'uploadable',
          presigned_upload_url: 'https://s3.example.com/part3?X-Amz-Signature=abc',
        },
      }),
    );
    const part = await client.binaryParts.create(BINARY, 3, {
      expected_binary_size: 20 * 2 ** 20,
      hash: HASH,
      size: 2 ** 20,
    });
    expect(part.presigned_upload_url).toBe('https://s3.example.com/part3?X-Amz-Signature=abc');
    expect(server.requests[0]?.method).toBe('PUT');
    expect(server.requests[0]?.url).toBe(`/binaries/${BINARY}/parts/3`);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      expected_binary_size: 20 * 2 ** 20,
      hash: HASH,
      size: 2 ** 20,
    });
  });

  it('refuses a part answer without an upload URL', async () => {
    const { client } = await setUp((_request, response) =>
      sendJson(response, 201, { binary_part: { index: 1 } }),
    );
    await expect(
      client.binaryParts.create(BINARY, 1, { expected_binary_size: 11, hash: HASH, size: 11 }),
    ).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('attaches a signature by signing key keyid', async () => {
    const { server, client } = await setUp((request, response) =>
      sendJson(response, 201, { binary_signature: JSON.parse(request.body) }),
    );
    const signature = 'CAA8'.padEnd(128, 'F');
    await client.binarySignatures.create({
      binary_prn: BINARY,
      signature,
      signing_key_keyid: 'abc123',
    });
    expect(server.requests[0]?.url).toBe('/binary_signatures');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      binary_prn: BINARY,
      signature,
      signing_key_keyid: 'abc123',
    });
  });

  it('archives a release by disabling it', async () => {
    const release = prnOf('release', UUID_A);
    const { server, client } = await setUp((request, response) =>
      sendJson(response, 200, { release: { prn: release, ...JSON.parse(request.body) } }),
    );
    await expect(client.releases.archive(release)).resolves.toMatchObject({ disabled: true });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ disabled: true });
  });
});

describe('releases affected by destroying a binary', () => {
  const version = prnOf('artifact_version', UUID_B);
  const otherBinary = prnOf('binary', UUID_C);
  const bundle = (id: string, fields: Partial<Bundle>) => ({ prn: prnOf('bundle', id), ...fields });
  const v2Holding = bundle('00000000-0000-4000-8000-000000000001', {
    binaries: [{ prn: BINARY, custom_metadata: null }],
  });
  const v1Holding = bundle('00000000-0000-4000-8000-000000000002', {
    binaries: [],
    artifact_versions: [{ prn: version, index: 0 }],
  });
  const unrelated = bundle('00000000-0000-4000-8000-000000000003', {
    binaries: [{ prn: otherBinary, custom_metadata: null }],
  });
  const release = (n: number, bundlePrn: string, required: boolean): Partial<Release> => ({
    prn: prnOf('release', `00000000-0000-4000-8000-00000000010${n}`),
    bundle_prn: bundlePrn,
    required,
  });
  const releases = [
    release(1, v2Holding.prn, false),
    release(2, unrelated.prn, true),
    release(3, v1Holding.prn, true),
    release(4, v2Holding.prn, true),
  ];

  it('pages through bundles and releases and lists the affected ones, required first', async () => {
    const { server, client } = await setUp((request, response) => {
      const url = new URL(request.url, 'http://x');
      const page = url.searchParams.get('page');
      if (url.pathname === `/binaries/${BINARY}`) {
        return sendJson(response, 200, {
          binary: binaryBody(UUID_A, { artifact_version_prn: version }),
        });
      }
      if (url.pathname === '/bundles') {
        return page === null
          ? sendJson(response, 200, { bundles: [v2Holding, unrelated], next_page: 'b2' })
          : sendJson(response, 200, { bundles: [v1Holding], next_page: null });
      }
      if (url.pathname === '/releases') {
        return page === null
          ? sendJson(response, 200, { releases: releases.slice(0, 2), next_page: 'r2' })
          : sendJson(response, 200, { releases: releases.slice(2), next_page: null });
      }
      sendJson(response, 404, { errors: { detail: 'Not Found' } });
    });
    const affected = await client.releasesAffectedByDestroying(BINARY);
    expect(affected.bundles.map((item) => item.prn)).toEqual([v2Holding.prn, v1Holding.prn]);
    expect(affected.releases.map((item) => item.prn)).toEqual([
      releases[2]?.prn,
      releases[3]?.prn,
      releases[0]?.prn,
    ]);
    expect(server.requests).toHaveLength(5);
  });

  it('does not list releases when no bundle holds the binary', async () => {
    const { server, client } = await setUp((request, response) => {
      if (request.url.startsWith('/binaries/')) {
        return sendJson(response, 200, { binary: binaryBody(UUID_A) });
      }
      sendJson(response, 200, { bundles: [unrelated], next_page: null });
    });
    await expect(client.releasesAffectedByDestroying(BINARY)).resolves.toEqual({
      bundles: [],
      releases: [],
    });
    expect(server.requests.map((request) => request.url)).toEqual([
      `/binaries/${BINARY}`,
      '/bundles?limit=100',
    ]);
  });
});
