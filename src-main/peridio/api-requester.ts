// Every Admin API call goes through here: auth and version headers, JSON in and out, a timeout
// per attempt, retries by the retry policy, and failures turned into PeridioErrors.
import { setTimeout as sleep } from 'node:timers/promises';
import { invalidInput, type PeridioError } from './errors.js';
import {
  PROFILE_WORDS,
  badResponseError,
  responseError,
  transportError,
  type ConnectionWords,
  type RequestIdentity,
} from './failure-messages.js';
import { threadAgents, type AgentsLease, type ProxyPlan } from '../network/index.js';
import { TransportFailure, sendOnce, type IncomingAnswer } from './http-transport.js';
import { isRetryable, retryDelay, type AttemptFailure, type RetryOptions } from './retry-policy.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Per-call options every resource method accepts. */
export interface CallOptions {
  /** Cancels the call, including any wait before a retry. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for each attempt of this call. */
  timeoutMs?: number;
}

export interface RequestOptions extends CallOptions {
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON; when absent no body and no content-type are sent. */
  body?: unknown;
  /** Defaults to true for every method but POST; creates that carry an `id` set it. */
  idempotent?: boolean;
}

/** Told before each retry, for logs and "retrying in 3 s" messages. Never holds secrets. */
export interface RetryNotice {
  method: string;
  path: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  reason: string;
  /** The server's answer (429, 503, …), when the failure was one rather than the network's. */
  status?: number;
}

export interface ApiRequesterOptions {
  baseUrl: string;
  apiKey: string;
  apiVersion: string;
  userAgent: string;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: RetryOptions;
  /** The full trust list for https (roots plus extras), or undefined for Node's default. */
  ca: string[] | undefined;
  /** Which proxies to go through; straight to the server when undefined. */
  proxy?: ProxyPlan | undefined;
  onRetry?: (notice: RetryNotice) => void;
  /** How failure messages name the settings; a profile's unless given. */
  words?: ConnectionWords;
}

interface Endpoint {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number | undefined;
  pathPrefix: string;
  origin: string;
}

function parseBaseUrl(baseUrl: string): Endpoint {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalidInput(
      `The base URL "${baseUrl}" is not a URL; expected e.g. https://api.cremini.peridio.com.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidInput(
      `The base URL "${url.origin}" must start with https:// (or http:// for a local server).`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidInput(
      'The base URL must not hold a user name or password; the API key is sent separately.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalidInput(
      `The base URL "${url.origin}${url.pathname}" must not have a query or fragment.`,
    );
  }
  return {
    protocol: url.protocol,
    // URL keeps the brackets of an IPv6 host; node:http wants the bare address.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    pathPrefix: url.pathname.replace(/\/+$/, ''),
    origin: url.origin,
  };
}

function buildQuery(query: RequestOptions['query']): string {
  if (query === undefined) return '';
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    // %20 rather than URLSearchParams' `+`, which not every server reads as a space.
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function failureOf(error: TransportFailure): AttemptFailure {
  return error.kind === 'timeout'
    ? { kind: 'timeout' }
    : { kind: 'network', networkCode: error.networkCode, reusedSocket: error.reusedSocket };
}

function describeFailure(failure: AttemptFailure): string {
  if (failure.kind === 'status') return `HTTP ${failure.status}`;
  if (failure.kind === 'timeout') return 'timeout';
  return failure.networkCode ?? 'network error';
}

export class ApiRequester {
  // A private field, so the key never shows in util.inspect or a serialized client.
  readonly #apiKey: string;
  readonly #options: Omit<ApiRequesterOptions, 'apiKey'>;
  readonly #endpoint: Endpoint;
  readonly #agents: AgentsLease;

  constructor(options: ApiRequesterOptions) {
    const { apiKey, ...rest } = options;
    // Printable ASCII only: anything else cannot go in a header (and hints at a bad paste).
    if (!/^[!-~]+$/.test(apiKey)) {
      // The key itself is never quoted back, not even when it is malformed.
      throw invalidInput(
        'The API key is empty or holds spaces or other characters keys never hold; paste it again.',
      );
    }
    this.#apiKey = apiKey;
    this.#options = rest;
    this.#endpoint = parseBaseUrl(options.baseUrl);
    this.#agents = threadAgents.lease(options.proxy, options.ca);
  }

  get origin(): string {
    return this.#endpoint.origin;
  }

  /** Sends a request and answers the parsed JSON body (undefined for 204 or an empty body). */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    const idempotent = options.idempotent ?? method !== 'POST';
    const headers: Record<string, string> = {
      authorization: `Token ${this.#apiKey}`,
      'x-api-version': this.#options.apiVersion,
      accept: 'application/json',
      'user-agent': this.#options.userAgent,
    };
    let body: Buffer | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = Buffer.from(JSON.stringify(options.body), 'utf8');
    }

    for (let attempt = 1; ; attempt += 1) {
      const identity: RequestIdentity = {
        words: this.#options.words ?? PROFILE_WORDS,
        method,
        path,
        origin: this.#endpoint.origin,
        attempts: attempt,
      };
      let answer: IncomingAnswer;
      let failure: AttemptFailure;
      try {
        answer = await sendOnce(this.#agents.agents, {
          protocol: this.#endpoint.protocol,
          hostname: this.#endpoint.hostname,
          port: this.#endpoint.port,
          path: `${this.#endpoint.pathPrefix}${path}${buildQuery(options.query)}`,
          method,
          headers,
          body,
          timeoutMs,
          maxResponseBytes: this.#options.maxResponseBytes,
          signal: options.signal,
        });
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error;
        failure = failureOf(error);
        if (!this.#shouldRetry(failure, idempotent, attempt, error)) {
          throw transportError(identity, error, timeoutMs);
        }
        await this.#waitBeforeRetry(identity, failure, undefined, options.signal);
        continue;
      }

      const rawRequestId = headerValue(answer.headers['peridio-request-id']);
      const requestId = rawRequestId === undefined ? undefined : this.#redact(rawRequestId);
      if (answer.status >= 200 && answer.status < 300) {
        return this.#parseSuccess<T>(identity, answer, requestId);
      }
      // A retried DELETE that finds nothing: an earlier attempt did delete it.
      if (method === 'DELETE' && answer.status === 404 && attempt > 1) return undefined as T;
      failure = { kind: 'status', status: answer.status };
      if (!this.#shouldRetry(failure, idempotent, attempt)) {
        throw this.#refusal(identity, answer, requestId);
      }
      await this.#waitBeforeRetry(
        identity,
        failure,
        headerValue(answer.headers['retry-after']),
        options.signal,
      );
    }
  }

  /** Lets go of the kept-alive connections (shared: see network/shared-agents.ts). */
  close(): void {
    this.#agents.release();
  }

  #shouldRetry(
    failure: AttemptFailure,
    idempotent: boolean,
    attempt: number,
    error?: TransportFailure,
  ): boolean {
    if (error !== undefined && error.kind !== 'network' && error.kind !== 'timeout') return false;
    return attempt < this.#options.retry.maxAttempts && isRetryable(failure, idempotent);
  }

  async #waitBeforeRetry(
    identity: RequestIdentity,
    failure: AttemptFailure,
    retryAfter: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const delayMs = retryDelay(identity.attempts, retryAfter, this.#options.retry);
    this.#options.onRetry?.({
      method: identity.method,
      path: identity.path,
      attempt: identity.attempts,
      delayMs,
      reason: describeFailure(failure),
      ...(failure.kind === 'status' ? { status: failure.status } : {}),
    });
    try {
      await sleep(delayMs, undefined, signal === undefined ? undefined : { signal });
    } catch {
      throw transportError(identity, new TransportFailure('aborted', 'cancelled'), 0);
    }
  }

  #redact(text: string): string {
    return text.replaceAll(this.#apiKey, '[redacted]');
  }

  #parseSuccess<T>(
    identity: RequestIdentity,
    answer: IncomingAnswer,
    requestId: string | undefined,
  ): T {
    if (answer.status === 204 || answer.body.length === 0) return undefined as T;
    try {
      return JSON.parse(answer.body.toString('utf8')) as T;
    } catch {
      throw badResponseError(identity, answer.status, 'the body is not JSON', requestId);
    }
  }

  #refusal(
    identity: RequestIdentity,
    answer: IncomingAnswer,
    requestId: string | undefined,
  ): PeridioError {
    // A server that echoes the request back must not make the key show up in a message.
    const text = this.#redact(answer.body.toString('utf8'));
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return responseError(
      identity,
      answer.status,
      body,
      body === undefined ? text : '',
      requestId,
      answer.through,
    );
  }
}
