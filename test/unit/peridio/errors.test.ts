import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PeridioClient,
  PeridioError,
  flattenFieldMessages,
} from '../../../src-main/peridio/index.js';
import {
  API_KEY,
  FAST_RETRY,
  UUID_A,
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

async function failureOf(handler: Handler, call: (client: PeridioClient) => Promise<unknown>) {
  server = await startServer(handler);
  client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: FAST_RETRY });
  const error = await call(client).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(PeridioError);
  return error as PeridioError;
}

const BINARY = prnOf('binary', UUID_A);

function expectNoKey(error: PeridioError): void {
  expect(error.message).not.toContain(API_KEY);
  expect(JSON.stringify(error)).not.toContain(API_KEY);
  expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
}

describe('PeridioError', () => {
  it('carries status, the server errors, flattened field messages, request id, method and path', async () => {
    const error = await failureOf(
      (_request, response) =>
        sendJson(
          response,
          422,
          { errors: { state: ['cannot transition from uploadable to signed'] } },
          { 'peridio-request-id': 'req-42' },
        ),
      (client) => client.binaries.setState(BINARY, 'signed'),
    );
    expect(error.code).toBe('validation');
    expect(error.status).toBe(422);
    expect(error.errors).toEqual({ state: ['cannot transition from uploadable to signed'] });
    expect(error.fieldMessages).toEqual(['state cannot transition from uploadable to signed']);
    expect(error.requestId).toBe('req-42');
    expect(error.method).toBe('PATCH');
    expect(error.path).toBe(`/binaries/${BINARY}`);
    expect(error.message).toBe(
      `PATCH /binaries/${BINARY} was answered 422 Unprocessable Entity: ` +
        'state cannot transition from uploadable to signed. Request id: req-42. ' +
        'Correct what the server named and try again.',
    );
    expectNoKey(error);
  });

  it('serializes to plain data { code, message, details }', async () => {
    const error = await failureOf(
      (_request, response) =>
        sendJson(
          response,
          422,
          { errors: { target: ['has already been taken'] } },
          { 'peridio-request-id': 'req-7' },
        ),
      (client) => client.binaries.get(BINARY),
    );
    const data: unknown = JSON.parse(JSON.stringify(error));
    expect(data).toEqual({
      code: 'validation',
      message: error.message,
      details: {
        status: 422,
        requestId: 'req-7',
        method: 'GET',
        path: `/binaries/${BINARY}`,
        errors: { target: ['has already been taken'] },
        fieldMessages: ['target has already been taken'],
      },
    });
  });

  it('tells what to do on 403 and keeps the whole body when it has no errors field', async () => {
    const error = await failureOf(
      (_request, response) => sendJson(response, 403, { status: 'forbidden' }),
      (client) => client.users.me(),
    );
    expect(error.code).toBe('forbidden');
    expect(error.errors).toEqual({ status: 'forbidden' });
    expect(error.message).toMatch(/^GET \/users\/me was answered 403 Forbidden\. /);
    expect(error.message).toContain("Check the profile's API key");
    expectNoKey(error);
  });

  it('tells to check the PRN on 404', async () => {
    const error = await failureOf(
      (_request, response) => sendJson(response, 404, { errors: { detail: 'Not Found' } }),
      (client) => client.binaries.get(BINARY),
    );
    expect(error.code).toBe('not_found');
    expect(error.fieldMessages).toEqual(['Not Found']);
    // The server's words only repeat the status text, so they are not said twice.
    expect(error.message).toContain(
      `GET /binaries/${BINARY} was answered 404 Not Found. Check the PRN`,
    );
    expect(error.message).toContain('Check the PRN');
  });

  it('keeps query strings out of the path and message', async () => {
    const error = await failureOf(
      (_request, response) => sendJson(response, 403, { status: 'forbidden' }),
      (client) => client.binaries.list({ search: "target:'secret-looking'" }),
    );
    expect(error.path).toBe('/binaries');
    expect(error.message).not.toContain('secret-looking');
  });

  it('never shows the API key, even when a hostile server echoes it back', async () => {
    const error = await failureOf(
      (request, response) =>
        sendJson(
          response,
          422,
          { errors: { detail: `you sent ${request.headers.authorization}` } },
          { 'peridio-request-id': String(request.headers.authorization) },
        ),
      (client) => client.binaries.get(BINARY),
    );
    expect(error.message).toContain('you sent Token [redacted]');
    expectNoKey(error);
  });

  it('quotes a short excerpt of a non-JSON error page', async () => {
    const error = await failureOf(
      (_request, response) => {
        response.writeHead(500, { 'content-type': 'text/html' });
        response.end('<html>\n  <body>Internal failure</body>\n</html>');
      },
      (client) => client.binaries.get(BINARY),
    );
    expect(error.code).toBe('server_error');
    expect(error.errors).toBeUndefined();
    expect(error.message).toContain('<html> <body>Internal failure</body> </html>');
  });

  it('keeps the API key out of a client that is inspected or serialized', async () => {
    server = await startServer(() => undefined);
    client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
    expect(inspect(client, { depth: 10 })).not.toContain(API_KEY);
    expect(JSON.stringify(client)).not.toContain(API_KEY);
  });

  it('refuses a malformed key without quoting it', () => {
    let error: unknown;
    try {
      new PeridioClient({ apiKey: `${API_KEY}\nx-evil: 1` });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PeridioError);
    expect((error as PeridioError).code).toBe('invalid_input');
    expect((error as PeridioError).message).not.toContain(API_KEY);
  });

  it('flattens nested field errors for people', () => {
    expect(
      flattenFieldMessages({
        detail: 'Bad things',
        target: ['has already been taken', 'is too long'],
        binaries: [{ prn: ['is invalid'] }],
      }),
    ).toEqual([
      'Bad things',
      'target has already been taken',
      'target is too long',
      'binaries[0].prn is invalid',
    ]);
  });
});
