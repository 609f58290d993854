import { afterEach, describe, expect, it } from 'vitest';
import { PeridioClient, collect, paginate } from '../../../src-main/peridio/index.js';
import {
  API_KEY,
  FAST_RETRY,
  UUID_A,
  prnOf,
  sendJson,
  startServer,
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

/** Three pages of bundles: two, two, then one; cursors are opaque and need escaping. */
const PAGES: Record<string, { bundles: { prn: string }[]; next_page: string | null }> = {
  '': { bundles: [{ prn: 'b1' }, { prn: 'b2' }], next_page: 'cursor/2=' },
  'cursor/2=': { bundles: [{ prn: 'b3' }, { prn: 'b4' }], next_page: 'cursor/3=' },
  'cursor/3=': { bundles: [{ prn: 'b5' }], next_page: null },
};

describe('pagination', () => {
  it('follows next_page across three pages until null', async () => {
    server = await startServer((request, response) => {
      const page = new URL(request.url, 'http://x').searchParams.get('page') ?? '';
      sendJson(response, 200, PAGES[page] ?? { errors: { detail: 'bad page' } });
    });
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
    const bundles = await collect(client.bundles.listAll({ order: 'asc' }));
    expect(bundles.map((bundle) => bundle.prn)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/bundles?limit=100&order=asc',
      '/bundles?limit=100&order=asc&page=cursor%2F2%3D',
      '/bundles?limit=100&order=asc&page=cursor%2F3%3D',
    ]);
  });

  it('answers one page with its cursor from list()', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, PAGES['']));
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const page = await client.bundles.list({ limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextPage).toBe('cursor/2=');
    expect(server.requests[0]?.url).toBe('/bundles?limit=2');
  });

  it('lists binary parts of one binary under binary_parts', async () => {
    const binary = prnOf('binary', UUID_A);
    server = await startServer((_request, response) =>
      sendJson(response, 200, { binary_parts: [{ index: 1, state: 'valid' }] }),
    );
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const parts = await collect(client.binaryParts.listAll(binary));
    expect(parts).toEqual([{ index: 1, state: 'valid' }]);
    expect(server.requests[0]?.url).toBe(`/binaries/${binary}/parts?limit=100`);
  });

  it('stops with an error when a server repeats a cursor instead of looping', async () => {
    const pages = paginate(async (page) => ({ items: [page ?? 'first'], nextPage: 'same' }));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of pages) seen.push(item);
      })(),
    ).rejects.toMatchObject({ code: 'bad_response' });
    expect(seen).toEqual(['first', 'same']);
  });
});
