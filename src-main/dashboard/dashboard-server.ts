// The dashboard: the renderer served to a browser on this machine, and the engine's contract
// over HTTP. `POST /api/commands/:name` runs a command (`authorization: Bearer <token>`);
// `GET /api/events?token=` streams the events (EventSource cannot set headers). Every other
// GET is a file of the renderer build. `POST /api/files` keeps a file the person dropped in
// the browser (a browser cannot tell a file's path) and answers its path for `uploads.enqueue`. See ./README.md for the rules and the error mapping.
import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CommandReply, DeskEvent } from '../../src-preload/contract.js';
import { EventStream } from './event-stream.js';
import { receiveDroppedFile, type DroppedFiles } from './dropped-files.js';
import {
  UNAUTHORIZED,
  bearerTokenOf,
  checkHost,
  checkOrigin,
  isLoopbackHost,
  newDashboardToken,
  ownHostsOf,
  tokenMatches,
  type Refusal,
} from './request-guard.js';
import { SECURITY_HEADERS, lookUpStatic, notBuiltPage } from '../renderer-files/index.js';

/** What the dashboard needs of the engine: the DeskService fits it. */
export interface DashboardService {
  reply(name: string, input?: unknown): Promise<CommandReply>;
  subscribe(listener: (event: DeskEvent) => void): () => void;
}

export type DashboardLogFields = Record<string, unknown>;

/** Structured and secret-free: no token and no query string ever reaches it. */
export interface DashboardLogger {
  info(message: string, fields?: DashboardLogFields): void;
  warn(message: string, fields?: DashboardLogFields): void;
  error(message: string, fields?: DashboardLogFields): void;
}

export interface DashboardOptions {
  service: DashboardService;
  /** Loopback only: 127.0.0.1 (default), another 127.x address, ::1 or localhost. */
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** The renderer build (index.html and its assets). */
  rendererDir: string;
  logger?: DashboardLogger;
  /** Where files sent by the browser go; without it `POST /api/files` answers 404. */
  files?: DroppedFiles;
  /** Event stream knobs, for tests. */
  events?: { keepAliveMs?: number; dropAboveBytes?: number };
}

export interface Dashboard {
  /** The address to open: carries the token in the fragment (never sent to any server). */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  token: string;
  /** Ends the event streams and stops listening. */
  close(): Promise<void>;
}

/** Bodies are command inputs: small JSON objects (a PEM is at most 16 KiB). */
export const DASHBOARD_BODY_LIMIT = 1024 * 1024;

const silent: DashboardLogger = { info() {}, warn() {}, error() {} };

class TransportError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** A transport refusal, in the contract's reply shape so a face handles both alike. */
function refusalBody(refusal: Refusal): CommandReply {
  return { ok: false, error: { code: refusal.code, message: refusal.message } };
}

function refuse(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return reply.code(refusal.status).header('cache-control', 'no-store').send(refusalBody(refusal));
}

function pathOf(request: FastifyRequest): string {
  return (request.raw.url ?? '').split('?', 1)[0]!.slice(0, 200);
}

function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new TypeError(
      `The dashboard listens on this machine only (127.0.0.1, ::1 or localhost), not on "${host}": ` +
        'it can run any engine command, so it must not be reachable from the network.',
    );
  }
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  const { service, rendererDir } = options;
  const logger = options.logger ?? silent;
  const token = newDashboardToken();
  const streams = new Set<EventStream>();
  // Filled in once listening: the port is only known then, and no request arrives before.
  let ownHosts: ReadonlySet<string> = new Set();

  const app = Fastify({
    logger: false,
    bodyLimit: DASHBOARD_BODY_LIMIT,
    forceCloseConnections: true,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 200 },
    // A URL the router cannot read (bad percent-encoding, an overlong command name) gets our
    // shape and headers too, not fastify's.
    frameworkErrors: (error, _request, reply) =>
      refuse(reply.headers(SECURITY_HEADERS), {
        status: 400,
        code: 'bad_path',
        message: `That path is refused: ${error.message}.`,
      }),
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      // Strict: bytes that are not UTF-8 (say, a Latin-1 path) are refused, not turned into
      // U+FFFD and then "not found".
      text = new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer);
    } catch {
      done(
        new TransportError({
          status: 400,
          code: 'invalid_json',
          message:
            "The request body is not valid UTF-8; send the command's input as JSON encoded as UTF-8.",
        }),
        undefined,
      );
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        new TransportError({
          status: 400,
          code: 'invalid_json',
          message: `The request body is not valid JSON (${(error as Error).message}); send the command's input as a JSON object.`,
        }),
        undefined,
      );
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const refusal =
      checkHost(request.headers.host, ownHosts) ?? checkOrigin(request.headers.origin, ownHosts);
    if (refusal) return refuse(reply, refusal);
    // The route the router chose decides, not the raw path: `/%61pi/events` is routed to
    // `/api/events` too.
    const apiRoute = request.routeOptions.url?.startsWith('/api/') === true;
    if (!apiRoute && !pathOf(request).startsWith('/api/')) return;
    // The token is checked before any body is read: a stranger cannot make us parse 1 MiB.
    const presented =
      bearerTokenOf(request.headers.authorization) ??
      (request.method === 'GET' ? queryToken(request) : undefined);
    if (!tokenMatches(presented, token)) return refuse(reply, UNAUTHORIZED);
    reply.header('cache-control', 'no-store');
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });

  app.post('/api/commands/:name', async (request, reply) => {
    // Only JSON: a page elsewhere cannot send it without a CORS preflight, which we never grant.
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return refuse(reply, {
        status: 415,
        code: 'unsupported_media_type',
        message: 'Send the command input as JSON, with content-type: application/json.',
      });
    }
    const { name } = request.params as { name: string };
    return reply.code(200).send(await service.reply(name, request.body));
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/api/commands/:name',
    handler: (_request, reply) =>
      refuse(reply.header('allow', 'POST'), {
        status: 405,
        code: 'method_not_allowed',
        message: 'Commands are run with POST and a JSON body.',
      }),
  });

  app.get('/api/events', (_request, reply) => {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    out.socket?.setNoDelay(true);
    const stream = new EventStream(out, {
      ...options.events,
      onDropped: (bufferedBytes) =>
        logger.warn('dropped an event stream client that reads too slowly', { bufferedBytes }),
    });
    streams.add(stream);
    const unsubscribe = service.subscribe((event) => stream.send(event));
    out.on('close', () => {
      unsubscribe();
      streams.delete(stream);
    });
  });

  app.get('/*', async (request, reply) => {
    if (pathOf(request).startsWith('/api/')) {
      return refuse(reply, {
        status: 404,
        code: 'not_found',
        message: 'There is no such API route: use POST /api/commands/<name> or GET /api/events.',
      });
    }
    const found = await lookUpStatic(rendererDir, request.raw.url ?? '/');
    if (found.kind === 'refused') {
      return refuse(reply, {
        status: 400,
        code: 'bad_path',
        message: `That path is refused: ${found.reason}.`,
      });
    }
    if (found.kind === 'missing') {
      const isRoot = pathOf(request) === '/' || pathOf(request) === '/index.html';
      if (isRoot) {
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(notBuiltPage(rendererDir));
      }
      return refuse(reply, { status: 404, code: 'not_found', message: 'There is no such file.' });
    }
    return reply
      .code(200)
      .header('cache-control', 'no-cache')
      .header('content-length', found.size)
      .type(found.contentType)
      .send(createReadStream(found.file));
  });

  app.setNotFoundHandler((_request, reply) =>
    refuse(reply, { status: 404, code: 'not_found', message: 'There is no such route.' }),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof TransportError) return refuse(reply, error.refusal);
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return refuse(reply, {
          status: 413,
          code: 'payload_too_large',
          message: `The request body is larger than ${DASHBOARD_BODY_LIMIT} bytes; command inputs are small JSON objects.`,
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return refuse(reply, {
          status: 415,
          code: 'unsupported_media_type',
          message:
            request.routeOptions.url === '/api/files'
              ? "Send the file's bytes as the body, with content-type: application/octet-stream."
              : 'Send the command input as JSON, with content-type: application/json.',
        });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return refuse(reply, { status, code: 'bad_request', message: error.message });
    }
    logger.error('request failed', {
      method: request.method,
      path: pathOf(request),
      error: error.stack ?? String(error),
    });
    return refuse(reply, {
      status: 500,
      code: 'internal',
      message: 'The dashboard failed to answer; see its log.',
    });
  });

  const files = options.files;
  if (files) {
    // In its own context so that only this route reads raw bytes, and with no body limit:
    // the body is streamed to disk, never held. Registered after the error handler and the
    // hooks, so that the context inherits them.
    await app.register(async (upload) => {
      upload.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
        done(null, payload),
      );
      upload.post('/api/files', { bodyLimit: Number.MAX_SAFE_INTEGER }, async (request, reply) => {
        const received = await receiveDroppedFile(files, request.headers, request.body);
        if (!received.ok) return refuse(reply, received.refusal);
        return reply.code(200).send({ ok: true, result: { path: received.path } });
      });
    });
    const stopCleaning = files.cleanUpAfterJobs(service);
    app.addHook('onClose', async () => stopCleaning());
  }

  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  ownHosts = ownHostsOf(address.address, address.port);
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${hostPart}:${address.port}`;
  logger.info('dashboard listening', { origin });

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close() {
      closing ??= (async () => {
        for (const stream of streams) stream.close();
        streams.clear();
        await app.close();
      })();
      return closing;
    },
  };
}
