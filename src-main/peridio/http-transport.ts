// One HTTP exchange on node:http/node:https (not fetch: we need our own CA trust, kept-alive
// agents we can close, proxies, and a cap on what a server may make us buffer).
import type http from 'node:http';
import {
  isCertificateFailure,
  proxyWay,
  type NetworkAgents,
  type ProxyWay,
  watchProxyAnswer,
} from '../network/index.js';

export interface OutgoingRequest {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number | undefined;
  /** Path and query, sent as given (PRN colons stay raw). */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  signal: AbortSignal | undefined;
}

export interface IncomingAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The proxy the answer came through: an error page may be the proxy's own. */
  through: ProxyWay | undefined;
}

/** `proxy_refused`: the proxy turned the request away itself (407, or a refused CONNECT). */
export type TransportFailureKind =
  'network' | 'tls' | 'timeout' | 'aborted' | 'too_large' | 'proxy_refused';

/** Why an exchange produced no complete answer. */
export class TransportFailure extends Error {
  override name = 'TransportFailure';
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    readonly networkCode: string | undefined = undefined,
    readonly reusedSocket = false,
    options?: ErrorOptions & { proxyStatus?: number },
  ) {
    super(message, options);
    this.proxyStatus = options?.proxyStatus;
  }

  /** The proxy's own answer when it refused (407, 403, 502…). */
  readonly proxyStatus: number | undefined;
  /** The proxy the request went through, if it did, named for messages. */
  through: ProxyWay | undefined = undefined;
}

function classify(error: unknown, reusedSocket: boolean): TransportFailure {
  if (error instanceof TransportFailure) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message;
  const kind = isCertificateFailure(code) ? 'tls' : 'network';
  return new TransportFailure(kind, message, code, reusedSocket, { cause: error });
}

/** Sends one request and reads the whole answer, or rejects with a TransportFailure. */
export async function sendOnce(
  agents: NetworkAgents,
  request: OutgoingRequest,
): Promise<IncomingAnswer> {
  const host = request.hostname.includes(':') ? `[${request.hostname}]` : request.hostname;
  const port = request.port === undefined ? '' : `:${request.port}`;
  const way = await agents.wayTo(new URL(`${request.protocol}//${host}${port}/`));
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new TransportFailure('aborted', 'the request was cancelled'));
      return;
    }
    const headers = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(request.body.length);
    const outgoing = way.request({
      agent: way.agent,
      ...(way.ca === undefined ? {} : { ca: way.ca }),
      hostname: request.hostname,
      port: request.port,
      path: request.path,
      method: request.method,
      headers,
    });

    let settled = false;
    let failure: TransportFailure | undefined;
    const settle = (outcome: { answer: IncomingAnswer } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if ('answer' in outcome) {
        resolve(outcome.answer);
        return;
      }
      const why = failure ?? classify(outcome.error, outgoing.reusedSocket);
      why.through = proxyWay(way.route);
      reject(why);
    };
    const stop = (why: TransportFailure): void => {
      failure ??= why;
      outgoing.destroy(why);
      settle({ error: why });
    };
    const timer = setTimeout(
      () => stop(new TransportFailure('timeout', `no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const onAbort = (): void => stop(new TransportFailure('aborted', 'the request was cancelled'));
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const tooLarge = (): TransportFailure =>
      new TransportFailure(
        'too_large',
        `the answer is larger than ${request.maxResponseBytes} bytes, the most this client reads`,
      );

    const proxyRefusal = way.route.kind === 'proxy' ? watchProxyAnswer(outgoing) : undefined;
    outgoing.on('error', (error) => settle({ error }));
    outgoing.on('response', (response) => {
      const refusal = proxyRefusal?.(response.statusCode);
      if (refusal !== undefined) {
        // The server never saw the request.
        stop(
          new TransportFailure(
            refusal.final ? 'proxy_refused' : 'network',
            refusal.words,
            refusal.final ? undefined : `PROXY_${refusal.status}`,
            false,
            { proxyStatus: refusal.status },
          ),
        );
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
        stop(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > request.maxResponseBytes) {
          stop(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => settle({ error }));
      response.on('close', () => {
        if (response.complete) return;
        const cut = new Error('the connection closed before the answer was complete');
        settle({ error: Object.assign(cut, { code: 'ECONNRESET' }) });
      });
      response.on('end', () =>
        settle({
          answer: {
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            through: proxyWay(way.route),
          },
        }),
      );
    });
    // The body waits for the socket (see network-agents.ts).
    outgoing.once('socket', () => outgoing.end(request.body));
  });
}
