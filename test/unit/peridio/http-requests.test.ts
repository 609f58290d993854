import { afterEach, describe, expect, it } from 'vitest';
import { PeridioClient, PeridioError, search } from '../../../src-main/peridio/index.js';
import {
  API_KEY,
  FAST_RETRY,
  UUID_A,
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

async function setUp(handler: Handler, options: { maxResponseBytes?: number } = {}) {
  server = await startServer(handler);
  client = new PeridioClient({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    retry: FAST_RETRY,
    ...options,
  });
  return { server, client };
}

describe('requests on the wire', () => {
  it('sends the key as a Token, API version 2, accept JSON, a user agent, and no content-type on GET', async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 200, { binary: binaryBody(UUID_A) }),
    );
    await client.binaries.get(prnOf('binary', UUID_A));
    const headers = server.requests[0]?.headers;
    expect(headers?.authorization).toBe(`Token ${API_KEY}`);
    expect(headers?.['x-api-version']).toBe('2');
    expect(headers?.accept).toBe('application/json');
    expect(headers?.['user-agent']).toMatch(/^peridio-desk\/\d+\.\d+\.\d+/);
    expect(headers?.['content-type']).toBeUndefined();
  });

  it('puts the PRN in the path raw, colons unescaped', async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 200, { binary: binaryBody(UUID_A) }),
    );
    const prn = prnOf('binary', UUID_A);
    await client.binaries.get(prn);
    expect(server.requests[0]?.url).toBe(`/binaries/${prn}`);
  });

  it('sends JSON with a content-type when there is a body, and answers the envelope content', async () => {
    const { server, client } = await setUp((request, response) =>
      sendJson(response, 200, { binary: binaryBody(UUID_A, JSON.parse(request.body)) }),
    );
    const binary = await client.binaries.reset(prnOf('binary', UUID_A));
    const request = server.requests[0];
    expect(request?.method).toBe('PATCH');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ state: 'uploadable' });
    expect(binary.state).toBe('uploadable');
  });

  it('encodes list queries, including a built search', async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 200, { binaries: [], next_page: null }),
    );
    await client.binaries.list({
      limit: 50,
      order: 'desc',
      search: search().eq('target', "it's x"),
    });
    expect(server.requests[0]?.url).toBe(
      `/binaries?limit=50&order=desc&search=${encodeURIComponent("target:'it\\'s x'")}`,
    );
    expect(server.requests[0]?.url).toContain('%20');
  });

  it('answers undefined for a 204 delete', async () => {
    const { server, client } = await setUp((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    await expect(client.releases.delete(prnOf('release', UUID_A))).resolves.toBeUndefined();
    expect(server.requests[0]?.method).toBe('DELETE');
  });

  it('keeps a base URL path prefix and sends a configured API version', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 200, { data: { email: 'a@b.c', username: 'a', organization_prn: 'x' } }),
    );
    client = new PeridioClient({
      baseUrl: `${server.baseUrl}/peridio/`,
      apiKey: API_KEY,
      apiVersion: 1,
      userAgent: 'peridio-desk/9.9.9 (test)',
    });
    await client.users.me();
    expect(server.requests[0]?.url).toBe('/peridio/users/me');
    expect(server.requests[0]?.headers['x-api-version']).toBe('1');
    expect(server.requests[0]?.headers['user-agent']).toBe('peridio-desk/9.9.9 (test)');
  });

  it('stops reading an answer larger than the cap', async () => {
    const { client } = await setUp(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        // No content-length: the cap must hold while streaming, too.
        response.write(`{"binaries":["${'x'.repeat(4096)}`);
        response.end('"],"next_page":null}');
      },
      { maxResponseBytes: 1024 },
    );
    const error = await client.binaries.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PeridioError);
    expect((error as PeridioError).code).toBe('bad_response');
    expect((error as PeridioError).message).toContain('larger than 1024 bytes');
  });

  it('reports a 2xx answer that is not JSON or lacks the envelope as bad_response', async () => {
    const { client } = await setUp((request, response) => {
      if (request.url.startsWith('/binaries/')) {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>portal</html>');
      } else {
        sendJson(response, 200, { items: [] });
      }
    });
    await expect(client.binaries.get(prnOf('binary', UUID_A))).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('the body is not JSON'),
    });
    await expect(client.binaries.list()).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('a "binaries" list'),
    });
  });
});
