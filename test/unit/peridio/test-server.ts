// A real node:http server on 127.0.0.1 for the client's tests: it records every request and
// answers through a handler the test writes.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** ms since the server started, to measure waits between retries. */
  at: number;
}

export type Handler = (
  request: RecordedRequest,
  response: http.ServerResponse,
  index: number,
) => unknown;

export interface TestServer {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const API_KEY = 'pk-secret-0123456789abcdef';
export const ORG = '0b3c9e2e-5d6a-4b7e-9f1a-2c3d4e5f6a7b';
export const UUID_A = '11111111-2222-4333-8444-555555555555';
export const UUID_B = '66666666-7777-4888-9999-aaaaaaaaaaaa';
export const UUID_C = 'cccccccc-dddd-4eee-8fff-000000000000';

export function prnOf(type: string, id: string): string {
  return `prn:1:${ORG}:${type}:${id}`;
}

export function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Starts a server; with `tls` it serves https with that key and certificate. */
export async function startServer(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<TestServer> {
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const listener: http.RequestListener = (incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now() - started,
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, response, requests.length - 1)).catch(
        (error: unknown) => {
          response.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  };
  const server =
    tls === undefined ? http.createServer(listener) : https.createServer(tls, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Client retry settings that keep tests fast while still exercising the waits. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2_000 };

export function binaryBody(
  id: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    prn: prnOf('binary', id),
    organization_prn: `prn:1:${ORG}`,
    inserted_at: '2024-01-01T00:00:00.000000Z',
    updated_at: '2024-01-01T00:00:00.000000Z',
    artifact_version_prn: prnOf('artifact_version', UUID_A),
    target: 'aarch64-unknown-linux-gnu',
    hash: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    size: 11,
    description: null,
    custom_metadata: null,
    state: 'uploadable',
    revision: 0,
    signatures: null,
    ...extra,
  };
}
