// The access log: one JSON line per request. The query string is never written, because a
// presigned URL's query holds its signature.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';

export interface AccessLogEntry {
  method: string;
  /** The URL path without its query string. */
  path: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  ms: number;
  request_id: string;
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
  private constructor(private readonly stream: WriteStream) {}

  static open(file: string): AccessLog {
    return new AccessLog(createWriteStream(file, { flags: 'a', mode: 0o600 }));
  }

  write(entry: AccessLogEntry): void {
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
