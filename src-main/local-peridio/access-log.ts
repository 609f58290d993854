// The access log: one JSON line per request. The query string is never written, because a
// presigned URL's query holds its signature.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface AccessLogEntry {
  method: string;
  /** The URL path without its query string. */
  path: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  ms: number;
  request_id: string;
  /** The connection it came on, numbered from 1 in the order of their first request. */
  connection: number;
  aborted?: boolean;
}

const bytesIn = new WeakMap<IncomingMessage, number>();

/** Records how many body bytes a handler read (for bodies without content-length). */
export function noteBytesIn(request: IncomingMessage, bytes: number): void {
  bytesIn.set(request, bytes);
}

export function bytesInOf(request: IncomingMessage): number {
  const counted = bytesIn.get(request);
  if (counted !== undefined) return counted;
  const declared = Number(request.headers['content-length']);
  return Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
}

export function pathWithoutQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}

export class AccessLog {
  readonly #connections = new WeakMap<Socket, number>();
  #lastConnection = 0;

  private constructor(private readonly stream: WriteStream) {}

  static open(file: string): AccessLog {
    return new AccessLog(createWriteStream(file, { flags: 'a', mode: 0o600 }));
  }

  /** The number of the connection `request` came on: requests that share one share it. */
  connectionOf(request: IncomingMessage): number {
    let number = this.#connections.get(request.socket);
    if (number === undefined) {
      number = ++this.#lastConnection;
      this.#connections.set(request.socket, number);
    }
    return number;
  }

  write(entry: AccessLogEntry): void {
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
