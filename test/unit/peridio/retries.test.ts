import { afterEach, describe, expect, it } from 'vitest';
import {
  PeridioClient,
  PeridioError,
  type PeridioClientOptions,
  type RetryNotice,
} from '../../../src-main/peridio/index.js';
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

async function setUp(handler: Handler, options: Partial<PeridioClientOptions> = {}) {
  server = await startServer(handler);
  client = new PeridioClient({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    ...options,
    retry: { ...FAST_RETRY, ...options.retry },
  });
  return { server, client };
}

const BINARY = prnOf('binary', UUID_A);

/** Answers `failures` with `fail`, then the binary. */
function failThenSucceed(failures: number, fail: Handler): Handler {
  return (request, response, index) => {
    if (index < failures) return fail(request, response, index);
    sendJson(response, 200, { binary: binaryBody(UUID_A) });
  };
}

async function caught(promise: Promise<unknown>): Promise<PeridioError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(PeridioError);
  return error as PeridioError;
}

describe('retries', () => {
  it('waits as long as Retry-After asks on 429, then succeeds', async () => {
    const notices: RetryNotice[] = [];
    const { server, client } = await setUp(
      failThenSucceed(1, (_request, response) =>
        sendJson(
          response,
          429,
          { errors: { detail: 'too_many_requests' } },
          { 'retry-after': '1' },
        ),
      ),
      { onRetry: (notice) => notices.push(notice) },
    );
    const binary = await client.binaries.get(BINARY);
    expect(binary.prn).toBe(BINARY);
    expect(server.requests).toHaveLength(2);
    const waited = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(notices).toEqual([
      {
        method: 'GET',
        path: `/binaries/${BINARY}`,
        attempt: 1,
        delayMs: 1000,
        reason: 'HTTP 429',
        status: 429,
      },
    ]);
  });

  it('caps a long Retry-After', async () => {
    const { server, client } = await setUp(
      failThenSucceed(1, (_request, response) =>
        sendJson(response, 429, {}, { 'retry-after': '3600' }),
      ),
      { retry: { maxRetryAfterMs: 150 } },
    );
    await client.binaries.get(BINARY);
    const waited = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(2000);
  });

  it.each([502, 503, 504])('retries %i and then succeeds', async (status) => {
    const { server, client } = await setUp(
      failThenSucceed(2, (_request, response) => sendJson(response, status, {})),
    );
    await expect(client.binaries.get(BINARY)).resolves.toMatchObject({ prn: BINARY });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxAttempts and says how many attempts were made', async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 503, { errors: { detail: 'maintenance' } }),
    );
    const error = await caught(client.binaries.get(BINARY));
    expect(server.requests).toHaveLength(5);
    expect(error.code).toBe('server_error');
    expect(error.attempts).toBe(5);
    expect(error.message).toContain('after 5 attempts');
    expect(error.message).toContain('maintenance');
  });

  it('retries when the server drops the connection', async () => {
    const { server, client } = await setUp(
      failThenSucceed(2, (_request, response) => response.socket?.destroy()),
    );
    await expect(client.binaries.get(BINARY)).resolves.toMatchObject({ prn: BINARY });
    expect(server.requests).toHaveLength(3);
  });

  it('fails with code network and base URL advice when nothing listens', async () => {
    const { server, client } = await setUp(() => undefined, { retry: { maxAttempts: 2 } });
    await server.close();
    const error = await caught(client.binaries.get(BINARY));
    expect(error.code).toBe('network');
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(server.baseUrl);
    expect(error.message).toContain('base URL');
    expect(error.attempts).toBe(2);
  });

  it.each([
    [400, 'bad_request'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [422, 'validation'],
    [500, 'server_error'],
  ] as const)('does not retry %i', async (status, code) => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, status, { errors: { detail: 'no' } }),
    );
    const error = await caught(client.binaries.get(BINARY));
    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('aborts a hung request at the timeout, retries it, then fails with code timeout', async () => {
    const { server, client } = await setUp(() => undefined, {
      timeoutMs: 100,
      retry: { maxAttempts: 3 },
    });
    const started = Date.now();
    const error = await caught(client.binaries.get(BINARY));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('within 0.1 s');
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('recovers when a retried attempt answers in time after a timeout', async () => {
    const { server, client } = await setUp(
      failThenSucceed(1, () => undefined),
      { timeoutMs: 100 },
    );
    await expect(client.binaries.get(BINARY)).resolves.toMatchObject({ prn: BINARY });
    expect(server.requests).toHaveLength(2);
  });

  it('does not resend a create without an id after a 502: the server may have acted on it', async () => {
    const { server, client } = await setUp((_request, response) => sendJson(response, 502, {}));
    const error = await caught(
      client.signingKeys.create({
        name: 'ci',
        value: 'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=',
      }),
    );
    expect(error.status).toBe(502);
    expect(server.requests).toHaveLength(1);
  });

  it('does resend a create without an id after 429 and 503: the server did not act', async () => {
    const key = {
      prn: prnOf('signing_key', UUID_A),
      name: 'ci',
      value: 'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=',
      keyid: 'k',
    };
    const { server, client } = await setUp((_request, response, index) => {
      if (index === 0) return sendJson(response, 429, {});
      if (index === 1) return sendJson(response, 503, {});
      sendJson(response, 201, { signing_key: key });
    });
    await expect(
      client.signingKeys.create({ name: 'ci', value: key.value }),
    ).resolves.toMatchObject({ prn: key.prn });
    expect(server.requests).toHaveLength(3);
  });

  it('treats a retried DELETE answering 404 as done: the first attempt deleted it', async () => {
    const { server, client } = await setUp((_request, response, index) => {
      if (index === 0) return response.socket?.destroy();
      sendJson(response, 404, { errors: { detail: 'Not Found' } });
    });
    await expect(client.releases.delete(prnOf('release', UUID_A))).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('stops retrying when the caller cancels', async () => {
    const controller = new AbortController();
    const { server, client } = await setUp((_request, response) => {
      sendJson(response, 503, {}, { 'retry-after': '1' });
      controller.abort();
    });
    const error = await caught(client.binaries.get(BINARY, { signal: controller.signal }));
    expect(error.code).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });
});
