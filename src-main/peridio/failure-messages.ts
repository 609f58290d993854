// Turns a refused or failed request into a PeridioError a person can act on: what failed,
// the server's own words, the request id, and what to do next.
import { STATUS_CODES } from 'node:http';
import { PeridioError, flattenFieldMessages, type PeridioErrorCode } from './errors.js';
import type { ProxyWay } from '../network/index.js';
import type { TransportFailure } from './http-transport.js';

/**
 * What the advice calls the connection's settings, after where they came from: a profile's
 * fields, or the environment variables a build machine sets (`PERIDIO_API_KEY`), so a message
 * never sends a person to a profile the connection did not come from.
 */
export interface ConnectionWords {
  /** e.g. `the API key of the profile "prod"`, or `PERIDIO_API_KEY`. */
  apiKey: string;
  /** e.g. `the base URL of the profile "prod"`, or `PERIDIO_BASE_URL`. */
  baseUrl: string;
  /** Where extra CA certificates are set: `the CA file of the profile "prod"`, `PERIDIO_CA_PATH`. */
  caSetting: string;
}

/** The words when nobody said where the connection came from (a profile, for the app). */
export const PROFILE_WORDS: ConnectionWords = {
  apiKey: "the profile's API key",
  baseUrl: "the profile's base URL",
  caSetting: "the profile's CA setting",
};

export interface RequestIdentity {
  /** How the advice names the connection's settings. */
  words: ConnectionWords;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Where the request went, without credentials or path, for network advice. */
  origin: string;
  attempts: number;
}

function codeForStatus(status: number): PeridioErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'validation';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

function advice(code: PeridioErrorCode, words: ConnectionWords): string {
  switch (code) {
    case 'forbidden':
      return (
        `Check ${words.apiKey}: it may be wrong, revoked, or for another organization, ` +
        `and check that ${words.baseUrl} is the right server.`
      );
    case 'http_error':
    case 'bad_response':
      return `Check that ${words.baseUrl} points at the Peridio Admin API.`;
    default:
      return ADVICE[code] ?? '';
  }
}

const ADVICE: Partial<Record<PeridioErrorCode, string>> = {
  bad_request: 'The server could not understand the request; please report it with the request id.',
  not_found:
    'Check the PRN: the resource may not exist, may have been deleted, or may belong to ' +
    'another organization.',
  conflict: 'The resource changed meanwhile; reload it and try again.',
  validation: 'Correct what the server named and try again.',
  rate_limited: 'The server is limiting requests; wait a minute and try again.',
  server_error:
    'The Peridio server failed; try again later, and quote the request id if it keeps happening.',
};

function afterAttempts(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

function hasErrorsField(body: unknown): body is { errors: unknown } {
  return body !== null && typeof body === 'object' && 'errors' in body;
}

/** Lowercase words only, so `too_many_requests` matches `Too Many Requests`. */
function normalized(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/** A short, single-line excerpt of a body that was not JSON (an HTML error page, say). */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function responseError(
  request: RequestIdentity,
  status: number,
  body: unknown,
  rawText: string,
  requestId: string | undefined,
  through?: ProxyWay,
): PeridioError {
  const code = codeForStatus(status);
  // Without an `errors` field (403 answers `{"status":"forbidden"}`) the whole body is kept,
  // and its values are the server's words.
  const errors = hasErrorsField(body) ? body.errors : body;
  const fieldMessages =
    hasErrorsField(body) || body === null || typeof body !== 'object'
      ? flattenFieldMessages(errors)
      : flattenFieldMessages(Object.values(body));
  const statusText = STATUS_CODES[status] ?? 'Unknown Status';
  // Words that only repeat the status text add nothing to the message.
  const telling = fieldMessages.filter((text) => normalized(text) !== normalized(statusText));
  const words = fieldMessages.length > 0 ? telling.join('; ') : excerpt(rawText);
  const via = through === undefined ? '' : ` through ${through.proxy}`;
  const message = [
    `${request.method} ${request.path} was answered ${status} ${statusText}${via}` +
      `${afterAttempts(request.attempts)}${words === '' ? '.' : `: ${words}.`}`,
    requestId === undefined ? '' : `Request id: ${requestId}.`,
    advice(code, request.words),
    // A forwarding proxy answers for a server it cannot reach with an error page of its own.
    through !== undefined && status >= 500
      ? `The answer may be the proxy's own: check ${through.setting}.`
      : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  return new PeridioError({
    code,
    message,
    status,
    errors,
    fieldMessages,
    ...(requestId === undefined ? {} : { requestId }),
    method: request.method,
    path: request.path,
    attempts: request.attempts,
  });
}

/** A 2xx answer the client cannot use (not JSON, or without the expected envelope). */
export function badResponseError(
  request: RequestIdentity,
  status: number,
  what: string,
  requestId: string | undefined,
): PeridioError {
  const message = [
    `${request.method} ${request.path} was answered ${status}, but ${what}.`,
    requestId === undefined ? '' : `Request id: ${requestId}.`,
    advice('bad_response', request.words),
  ]
    .filter((part) => part !== '')
    .join(' ');
  return new PeridioError({
    code: 'bad_response',
    message,
    status,
    ...(requestId === undefined ? {} : { requestId }),
    method: request.method,
    path: request.path,
    attempts: request.attempts,
  });
}

export function transportError(
  request: RequestIdentity,
  failure: TransportFailure,
  timeoutMs: number,
): PeridioError {
  const what = `${request.method} ${request.path}`;
  const tries = afterAttempts(request.attempts);
  const proxy = failure.through;
  const via = proxy === undefined ? '' : ` through ${proxy.proxy}`;
  const checkProxy = proxy === undefined ? '' : `, ${proxy.setting}`;
  let code: PeridioErrorCode;
  let message: string;
  switch (failure.kind) {
    case 'timeout':
      code = 'timeout';
      message =
        `${what} got no answer from ${request.origin}${via} within ${timeoutMs / 1000} s${tries}. ` +
        `Check the network connection${checkProxy}, or raise the request timeout.`;
      break;
    case 'proxy_refused':
      code = 'proxy_refused';
      message =
        `${what} did not reach ${request.origin}${via}: ${failure.message}. ` +
        (failure.proxyStatus === 407
          ? `The proxy wants a user and password: give them in ${proxy?.setting ?? 'the proxy setting'} ` +
            '(http://user:password@host:port).'
          : `The proxy does not let this connection through: ask its administrator, or check ${proxy?.setting ?? 'the proxy setting'}.`);
      break;
    case 'aborted':
      code = 'aborted';
      message = `${what} was cancelled.`;
      break;
    case 'too_large':
      code = 'bad_response';
      message = `${what} was stopped: ${failure.message}. ${advice('bad_response', request.words)}`;
      break;
    case 'tls':
      code = 'tls';
      message =
        `${what} could not set up a secure connection to ${request.origin}${via} (${failure.message}). ` +
        'If the server uses a private certificate authority, add its certificate to ' +
        `${request.words.caSetting}; otherwise check ${request.words.baseUrl}.`;
      break;
    case 'network':
      code = 'network';
      message =
        `${what} could not reach ${request.origin}${via}${tries} (${failure.message}). ` +
        `Check ${request.words.baseUrl}${checkProxy} and the network connection.`;
      break;
  }
  return new PeridioError({
    code,
    message,
    method: request.method,
    path: request.path,
    attempts: request.attempts,
    cause: failure,
  });
}
