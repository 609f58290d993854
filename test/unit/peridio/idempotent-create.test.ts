import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PeridioClient, PeridioError, isUuid } from '../../../src-main/peridio/index.js';
import {
  API_KEY,
  FAST_RETRY,
  ORG,
  UUID_A,
  UUID_B,
  binaryBody,
  prnOf,
  sendJson,
  startServer,
  type RecordedRequest,
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

const HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const VERSION = prnOf('artifact_version', UUID_A);

/**
 * A tiny store with idempotent creates by `id`: the first create is stored but its answer is
 * lost (the socket is destroyed), as when a connection breaks after the server acted.
 */
function flakyStore(collection: string, singular: string, type: string) {
  const store = new Map<string, Record<string, unknown>>();
  let creates = 0;
  const handler = (request: RecordedRequest, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/users/me') {
      return sendJson(response, 200, {
        data: { email: 'a@b.c', username: 'a', organization_prn: `prn:1:${ORG}` },
      });
    }
    if (request.method === 'POST' && request.url === collection) {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      const id = String(body.id);
      if (store.has(id)) {
        return sendJson(response, 422, { errors: { id: ['has already been taken'] } });
      }
      creates += 1;
      store.set(id, { ...body, prn: prnOf(type, id) });
      if (creates === 1) return response.socket?.destroy();
      return sendJson(response, 201, { [singular]: store.get(id) });
    }
    const match = request.url.match(new RegExp(`^${collection}/prn:1:${ORG}:${type}:(.+)$`));
    const found = match?.[1] === undefined ? undefined : store.get(match[1]);
    if (request.method === 'GET' && found !== undefined) {
      return sendJson(response, 200, { [singular]: found });
    }
    sendJson(response, 404, { errors: { detail: 'Not Found' } });
  };
  return { store, handler };
}

describe('idempotent creates', () => {
  it('sends a fresh UUID id, and after a lost answer finds the binary its first try made', async () => {
    const { store, handler } = flakyStore('/binaries', 'binary', 'binary');
    server = await startServer(handler);
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
    const binary = await client.binaries.create({
      artifact_version_prn: VERSION,
      target: 'x86_64-linux',
      hash: HASH,
      size: 11,
    });
    const posts = server.requests.filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(2);
    const ids = posts.map((post) => (JSON.parse(post.body) as { id: string }).id);
    expect(isUuid(ids[0] ?? '')).toBe(true);
    expect(ids[1]).toBe(ids[0]);
    expect(store.size).toBe(1);
    expect(binary.prn).toBe(prnOf('binary', ids[0] ?? ''));
    // The organization came from artifact_version_prn: no /users/me round trip.
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /binaries',
      'POST /binaries',
      `GET /binaries/${binary.prn}`,
    ]);
  });

  it('asks /users/me for the organization when the body holds no PRN', async () => {
    const { store, handler } = flakyStore('/artifacts', 'artifact', 'artifact');
    server = await startServer(handler);
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
    const artifact = await client.artifacts.create({ name: 'firmware', id: UUID_B });
    expect(artifact.prn).toBe(prnOf('artifact', UUID_B));
    expect(store.size).toBe(1);
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /artifacts',
      'POST /artifacts',
      'GET /users/me',
      `GET /artifacts/${prnOf('artifact', UUID_B)}`,
    ]);
  });

  it('keeps a first-try refusal of a taken id: that is a real conflict', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 422, { errors: { id: ['has already been taken'] } }),
    );
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
    const error = await client.binaries
      .create({ artifact_version_prn: VERSION, target: 't', hash: HASH, size: 11, id: UUID_B })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PeridioError);
    expect((error as PeridioError).fieldMessages).toEqual(['id has already been taken']);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the refusal of a retried create when nothing exists under its PRN', async () => {
    server = await startServer((request, response, index) => {
      if (index === 0) return sendJson(response, 503, {});
      if (request.method === 'POST') {
        return sendJson(response, 422, { errors: { target: ['has already been taken'] } });
      }
      sendJson(response, 404, { errors: { detail: 'Not Found' } });
    });
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
    const error = await client.binaries
      .create({ artifact_version_prn: VERSION, target: 't', hash: HASH, size: 11, id: UUID_B })
      .catch((caught: unknown) => caught);
    expect((error as PeridioError).code).toBe('validation');
    expect((error as PeridioError).fieldMessages).toEqual(['target has already been taken']);
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST', 'GET']);
  });

  it('returns the created binary as the server answered it on a clean create', async () => {
    server = await startServer((request, response) =>
      sendJson(response, 201, { binary: binaryBody(UUID_B, { id: JSON.parse(request.body).id }) }),
    );
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const binary = await client.binaries.create({
      artifact_version_prn: VERSION,
      target: 't',
      hash: HASH,
      size: 11,
      id: UUID_B,
    });
    expect(binary.prn).toBe(prnOf('binary', UUID_B));
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ id: UUID_B, target: 't' });
  });
});
