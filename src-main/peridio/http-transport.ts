// One HTTP exchange on node:http/node:https (not fetch: we need our own CA trust, a kept-alive
// agent we can close, and a cap on what a server may make us buffer).
import http from 'node:http';
import https from 'node:https';

export interface TransportAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Kept-alive agents; `ca` replaces Node's trust for https, so it must already hold the roots. */
export function createAgents(ca: string[] | undefined): TransportAgents {
  return {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) }),
  };
}

export function destroyAgents(agents: TransportAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

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
}

export type TransportFailureKind = 'network' | 'tls' | 'timeout' | 'aborted' | 'too_large';

/** Why an exchange produced no complete answer. */
export class TransportFailure extends Error {
  override name = 'TransportFailure';
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    readonly networkCode: string | undefined = undefined,
    readonly reusedSocket = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const TLS_CODE = /CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_/;

function classify(error: unknown, reusedSocket: boolean): TransportFailure {
  if (error instanceof TransportFailure) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message;
  const kind = code !== undefined && TLS_CODE.test(code) ? 'tls' : 'network';
  return new TransportFailure(kind, message, code, reusedSocket, { cause: error });
}

/** Sends one request and reads the whole answer, or rejects with a TransportFailure. */
export function sendOnce(
  agents: TransportAgents,
  request: OutgoingRequest,
): Promise<IncomingAnswer> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new TransportFailure('aborted', 'the request was cancelled'));
      return;
    }
    const secure = request.protocol === 'https:';
    const headers = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(request.body.length);
    const outgoing = (secure ? https : http).request({
      agent: secure ? agents.https : agents.http,
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
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(failure ?? classify(outcome.error, outgoing.reusedSocket));
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

    outgoing.on('error', (error) => settle({ error }));
    outgoing.on('response', (response) => {
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
          },
        }),
      );
    });
    outgoing.end(request.body);
  });
}
