// Raw HTTP for the dashboard tests: node:http, so a test can send any Host header or an
// un-normalized path (`/../x`), which fetch would refuse or rewrite.
import { request } from 'node:http';
import type { Json } from '../local-peridio/helpers.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Json;
}

export function rawRequest(
  origin: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  },
): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: url.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `POST /api/commands/<name>` with the token and a JSON body. */
export function command(origin: string, token: string, name: string, input: unknown = {}) {
  return rawRequest(origin, {
    method: 'POST',
    path: `/api/commands/${name}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export interface SseEvent {
  event: string;
  data: Json;
}

export interface SseClient {
  status: Promise<number>;
  headers: Promise<Record<string, string | string[] | undefined>>;
  events: SseEvent[];
  /** Resolves with the first event that `match` accepts. */
  waitFor(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** An EventSource-like reader of `GET path` (text/event-stream). */
export function openSse(origin: string, path: string): SseClient {
  const url = new URL(origin);
  const events: SseEvent[] = [];
  const waiters: ((event: SseEvent) => void)[] = [];
  let resolveStatus!: (status: number) => void;
  let resolveHeaders!: (headers: Record<string, string | string[] | undefined>) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  const headers = new Promise<Record<string, string | string[] | undefined>>(
    (resolve) => (resolveHeaders = resolve),
  );
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const req = request(
    { host: url.hostname, port: url.port, path, headers: { accept: 'text/event-stream' } },
    (res) => {
      resolveStatus(res.statusCode ?? 0);
      resolveHeaders(res.headers);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = '';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) name = line.slice(7);
            if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (name === '') continue;
          const event = { event: name, data: JSON.parse(data) };
          events.push(event);
          for (const waiter of waiters) waiter(event);
        }
      });
      res.on('end', resolveEnded);
      res.on('close', resolveEnded);
    },
  );
  req.on('error', () => resolveEnded());
  req.end();
  return {
    status,
    headers,
    events,
    ended,
    waitFor(match, timeoutMs = 45_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching event')), timeoutMs);
        waiters.push((event) => {
          if (match(event)) {
            clearTimeout(timer);
            resolve(event);
          }
        });
      });
    },
    close: () => req.destroy(),
  };
}
