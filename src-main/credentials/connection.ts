// The server and key the engine talks to right now. The key is kept in a private field and
// left out of JSON and console output, so logging a connection can never leak it; so is the
// password of the profile's proxy.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { DIRECT_PLAN, type ProxyPlan } from '../network/index.js';
import type { ConnectionWords } from '../peridio/index.js';
import type { ProfileProxy, ProfileProxySummary } from './profile-proxy.js';

export type ConnectionSource = 'environment' | 'profile' | 'local-workspace';

export interface ConnectionInit {
  profileName: string | null;
  baseUrl: string;
  apiKey: string;
  apiVersion: 1 | 2;
  caPath?: string;
  source: ConnectionSource;
  /** How messages name where its key, base URL and CA file come from. */
  words?: ConnectionWords;
  /** The proxy variables (and the system's answer); straight to the server when absent. */
  proxyPlan?: ProxyPlan;
  /** The chosen profile's proxy, its password filled in. */
  proxy?: ProfileProxy;
}

/** What a connection shows of itself: everything but the key. */
export interface ConnectionSummary {
  profileName: string | null;
  baseUrl: string;
  apiKey: '[redacted]';
  apiVersion: 1 | 2;
  caPath?: string;
  source: ConnectionSource;
  proxy?: ProfileProxySummary;
}

export class Connection {
  readonly profileName: string | null;
  readonly baseUrl: string;
  readonly apiVersion: 1 | 2;
  readonly caPath: string | undefined;
  readonly source: ConnectionSource;
  /** How failure messages name its settings: `PERIDIO_API_KEY`, or the profile's fields. */
  readonly words: ConnectionWords;
  /**
   * The proxy of the profile in use, when it has one (the environment's proxy variables win
   * over it). Undefined for PERIDIO_API_KEY without a profile and for the local workspace.
   */
  readonly proxy: ProfileProxy | undefined;
  readonly #apiKey: string;
  // Private like the key: proxy URLs may carry a password.
  readonly #proxyPlan: ProxyPlan;

  constructor(init: ConnectionInit) {
    this.profileName = init.profileName;
    this.baseUrl = init.baseUrl;
    this.apiVersion = init.apiVersion;
    this.caPath = init.caPath;
    this.source = init.source;
    this.words = init.words ?? {
      apiKey: 'the API key',
      baseUrl: 'the base URL',
      caSetting: 'the CA file setting',
    };
    this.proxy = init.proxy;
    this.#apiKey = init.apiKey;
    const plan = init.proxyPlan ?? DIRECT_PLAN;
    this.#proxyPlan = init.proxy
      ? { ...plan, profile: { url: init.proxy.url, profileName: init.proxy.profileName } }
      : plan;
  }

  /** The proxies to go through, credentials included: hand it to the client, never to a log. */
  get proxyPlan(): ProxyPlan {
    return this.#proxyPlan;
  }

  /**
   * Names the workspace in the queue and its hash cache (`local`, `profile:<name>` or
   * `environment:<url>`): every face names it the same way, so all see the same jobs.
   */
  get workspaceName(): string {
    switch (this.source) {
      case 'environment':
        return `environment:${this.baseUrl}`;
      case 'profile':
        return `profile:${this.profileName}`;
      default:
        return 'local';
    }
  }

  /** The Admin API key: hand it to the client, never to a log or the renderer. */
  get apiKey(): string {
    return this.#apiKey;
  }

  /** Names the key in what is kept of the server's answers about it (its organization, the
   * signing keys it confirmed), without holding the key. */
  get apiKeyDigest(): string {
    return createHash('sha256').update('peridio-desk api key\0').update(this.#apiKey).digest('hex');
  }

  toJSON(): ConnectionSummary {
    return {
      profileName: this.profileName,
      baseUrl: this.baseUrl,
      apiKey: '[redacted]',
      apiVersion: this.apiVersion,
      ...(this.caPath === undefined ? {} : { caPath: this.caPath }),
      source: this.source,
      ...(this.proxy === undefined ? {} : { proxy: this.proxy.toJSON() }),
    };
  }

  [inspect.custom](): string {
    return `Connection ${inspect(this.toJSON())}`;
  }
}
