// One PUT of a part's bytes to its presigned URL, with stall detection instead of a
// whole-request timeout: the timer restarts whenever the OS takes another piece of the body or
// a byte of the answer arrives, so a slow upload that moves is never cut off, and one that
// stops moving is aborted after `stallTimeoutMs`.
import http from 'node:http';
import {
  isCertificateFailure,
  proxyWay,
  type NetworkAgents,
  watchProxyAnswer,
} from '../network/index.js';
import type { SharedRateLimit } from './shared-rate-limit.js';
import { UploadError } from './upload-error.js';

export interface PartPutRequest {
  url: string;
  body: Buffer;
  /** The `x-amz-checksum-sha256` value (see partChecksumHeader). */
  checksum: string;
  stallTimeoutMs: number;
  agents: NetworkAgents;
  signal: AbortSignal;
  /** Told how many body bytes the OS has taken so far. */
  onBytesSent?: (bytesSent: number) => void;
  /** The engine's bandwidth cap, which paces the body's writes; none: as fast as the OS takes. */
  rateLimit?: SharedRateLimit;
}

export type PartPutOutcome =
  | {
      kind: 'answered';
      status: number;
      /** The server's words (S3's `Code: Message`), for errors. */
      message: string;
      requestId: string | undefined;
      retryAfter: string | undefined;
      bytesSent: number;
    }
  | {
      kind: 'failed';
      /**
       * `tls`: the server's certificate was not trusted; `proxy_refused`: the proxy wants
       * credentials (407) or forbids the way (403). No retry fixes either.
       */
      reason: 'network' | 'stalled' | 'tls' | 'proxy_refused';
      message: string;
      bytesSent: number;
    }
  | { kind: 'aborted'; bytesSent: number };

const WRITE_CHUNK = 512 * 1024;
/** Error answers are short XML; more than this is not worth keeping. */
const MAX_ANSWER_BYTES = 64 * 1024;

interface PutTarget {
  url: URL;
  hostname: string;
  port: number | undefined;
  /** Path and query exactly as the server wrote them: a presigned signature covers them. */
  path: string;
}

function parsedUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function targetOf(raw: string): PutTarget {
  const url = parsedUrl(raw);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UploadError(
      'part_rejected',
      'The server gave an upload URL that is not http(s); the part cannot be sent there.',
    );
  }
  const afterScheme = raw.slice(raw.indexOf('//') + 2);
  const pathStart = afterScheme.search(/[/?#]/);
  let path = pathStart === -1 ? '/' : afterScheme.slice(pathStart).replace(/#.*$/, '');
  if (!path.startsWith('/')) path = `/${path}`;
  return {
    url,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    path,
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `BadDigest: The checksum ...` from S3's XML, or a short excerpt of anything else. */
function answerMessage(status: number, text: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (code !== undefined || message !== undefined) {
    return [code, message].filter((part) => part !== undefined).join(': ');
  }
  const line = text.replace(/\s+/g, ' ').trim();
  if (line !== '') return line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return `HTTP ${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
}

/**
 * Ends a PUT that will not complete. Over plain TCP the socket is reset, so the OS drops the
 * body it still buffers (a few MiB) instead of trickling it out to a server that will discard
 * it; TLS sockets cannot be reset from Node and are only closed.
 */
function cutOff(outgoing: http.ClientRequest): void {
  const socket = outgoing.socket;
  // A TLSSocket says `encrypted` (node:tls is not loaded just to ask with instanceof).
  const encrypted = (socket as { encrypted?: boolean } | null)?.encrypted === true;
  if (socket !== null && !encrypted && !socket.destroyed) {
    socket.resetAndDestroy();
  }
  outgoing.destroy();
}

export async function putPart(request: PartPutRequest): Promise<PartPutOutcome> {
  const target = targetOf(request.url);
  const { body, signal, stallTimeoutMs } = request;
  // The first part to a storage origin may wait here for the system's proxy answer.
  const way = await request.agents.wayTo(target.url);
  return new Promise((resolve) => {
    let bytesSent = 0;
    if (signal.aborted) {
      resolve({ kind: 'aborted', bytesSent });
      return;
    }
    const through = proxyWay(way.route);
    const outgoing = way.request({
      agent: way.agent,
      ...(way.ca === undefined ? {} : { ca: way.ca }),
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: 'PUT',
      headers: {
        'content-length': String(body.length),
        'content-type': 'application/octet-stream',
        'x-amz-checksum-sha256': request.checksum,
      },
    });

    let settled = false;
    const startedAt = performance.now();
    const settle = (outcome: PartPutOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Anything but a complete exchange leaves the connection in an unknown state.
      if (outcome.kind !== 'answered' || bytesSent < body.length) cutOff(outgoing);
      resolve(outcome);
    };
    let timer = setTimeout(() => onStall(), stallTimeoutMs);
    const rearm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => onStall(), ms);
    };
    const onStall = (): void =>
      settle({
        kind: 'failed',
        reason: 'stalled',
        message: `no bytes moved for ${stallTimeoutMs} ms`,
        bytesSent,
      });
    const onAbort = (): void => settle({ kind: 'aborted', bytesSent });
    signal.addEventListener('abort', onAbort, { once: true });

    const onFlushed = (length: number) => (error?: Error | null) => {
      if (error || settled) return;
      bytesSent += length;
      request.onBytesSent?.(bytesSent);
      if (bytesSent < body.length) {
        rearm(stallTimeoutMs);
      } else {
        // The OS now holds the tail of the body (a few MiB at most) and we can no longer see
        // it move. It drains no slower than the rest of the body went out, so the wait for
        // the answer allows that time again on top of the stall timeout.
        rearm(stallTimeoutMs + (performance.now() - startedAt));
      }
    };
    let offset = 0;
    const { rateLimit } = request;
    const writeMore = async (): Promise<void> => {
      while (offset < body.length && !settled) {
        const chunk = body.subarray(
          offset,
          offset + (rateLimit?.chunkSize(WRITE_CHUNK) ?? WRITE_CHUNK),
        );
        if (rateLimit) {
          // Waiting for our own cap is not a stall: the timer stops, and starts again once the
          // chunk may go.
          clearTimeout(timer);
          await rateLimit.take(chunk.length, () => settled);
          if (settled) return;
          rearm(stallTimeoutMs);
        }
        offset += chunk.length;
        if (!outgoing.write(chunk, onFlushed(chunk.length))) {
          outgoing.once('drain', () => void writeMore());
          return;
        }
      }
      if (!settled) outgoing.end();
    };

    const via = through === undefined ? '' : ` (through ${through.proxy})`;
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      settle({
        kind: 'failed',
        reason: isCertificateFailure(error.code) ? 'tls' : 'network',
        message: `${error.code ? `${error.code}: ${error.message}` : error.message}${via}`,
        bytesSent,
      }),
    );
    const proxyRefusal = through === undefined ? undefined : watchProxyAnswer(outgoing);
    outgoing.on('response', (answer) => {
      const refusal = proxyRefusal?.(answer.statusCode);
      if (refusal !== undefined && through !== undefined) {
        // The storage never saw it.
        settle({
          kind: 'failed',
          reason: refusal.final ? 'proxy_refused' : 'network',
          message: `${refusal.words} (${through.proxy}); check ${through.setting}`,
          bytesSent,
        });
        return;
      }
      rearm(stallTimeoutMs);
      const chunks: Buffer[] = [];
      let kept = 0;
      answer.on('data', (chunk: Buffer) => {
        rearm(stallTimeoutMs);
        if (kept < MAX_ANSWER_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      answer.on('close', () => {
        if (answer.complete) return;
        settle({
          kind: 'failed',
          reason: 'network',
          message: 'the connection closed before the answer was complete',
          bytesSent,
        });
      });
      answer.on('end', () => {
        const status = answer.statusCode ?? 0;
        settle({
          kind: 'answered',
          status,
          message: answerMessage(status, Buffer.concat(chunks).toString('utf8')),
          requestId:
            headerText(answer.headers['peridio-request-id']) ??
            headerText(answer.headers['x-amz-request-id']),
          retryAfter: headerText(answer.headers['retry-after']),
          bytesSent,
        });
      });
    });
    // The body waits for the socket (see network/network-agents.ts).
    outgoing.once('socket', () => void writeMore());
  });
}
