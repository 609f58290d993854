// The Admin API client: one object per profile (base URL + API key), with one member per
// resource family. Close it when the profile is no longer used.
import type { ProxyPlan } from '../network/index.js';
import { ApiRequester, type CallOptions, type RetryNotice } from './api-requester.js';
import { findReleasesAffectedByBinary, type AffectedReleases } from './affected-releases.js';
import { ArtifactVersionsApi } from './artifact-versions.js';
import { ArtifactsApi } from './artifacts.js';
import { BinariesApi } from './binaries.js';
import { BinaryPartsApi } from './binary-parts.js';
import { BinarySignaturesApi } from './binary-signatures.js';
import { BundlesApi } from './bundles.js';
import { loadExtraCaCertificates, trustedCertificates } from './ca-trust.js';
import { CohortsApi } from './cohorts.js';
import type { ConnectionWords } from './failure-messages.js';
import { PeridioError, invalidInput } from './errors.js';
import { ProductsApi } from './products.js';
import { ReleasesApi } from './releases.js';
import { ResourceEndpoint, type EndpointSpec } from './resource-endpoint.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy.js';
import { SigningKeysApi } from './signing-keys.js';
import { UsersApi } from './users.js';
import { parsePrn } from '../../src-preload/prn.js';

export const DEFAULT_BASE_URL = 'https://api.cremini.peridio.com';
export const DEFAULT_API_VERSION = '2';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Admin API answers are small; this only stops a hostile server from filling memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Faces that know their own version pass `userAgent`; this one names the engine. */
export const DEFAULT_USER_AGENT = 'peridio-desk/0.1.0';

export interface PeridioClientOptions {
  /** `https://api.cremini.peridio.com` unless given; http is fine for the local server. */
  baseUrl?: string;
  apiKey: string;
  apiVersion?: string | number;
  /** Extra CA certificates as PEM text, added to the system trust. */
  caPems?: readonly string[];
  /** Extra CA certificate files (a profile's `caPath`), added to the system trust. */
  caPath?: string | readonly string[];
  /** Which proxies to go through (environment, profile, system); straight when undefined. */
  proxy?: ProxyPlan;
  /** Per attempt; a call that retries may take longer in all. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  retry?: Partial<RetryOptions>;
  userAgent?: string;
  onRetry?: (notice: RetryNotice) => void;
  /** How failure messages name the connection's settings (PERIDIO_API_KEY or a profile's). */
  words?: ConnectionWords;
}

function checkNumber(value: number, name: string, min: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw invalidInput(`${name} must be a ${integer ? 'whole ' : ''}number of at least ${min}.`);
  }
  return value;
}

function retryOptions(overrides: Partial<RetryOptions> = {}): RetryOptions {
  const retry = { ...DEFAULT_RETRY, ...overrides };
  checkNumber(retry.maxAttempts, 'retry.maxAttempts', 1, true);
  checkNumber(retry.baseDelayMs, 'retry.baseDelayMs', 0);
  checkNumber(retry.maxDelayMs, 'retry.maxDelayMs', 0);
  checkNumber(retry.maxRetryAfterMs, 'retry.maxRetryAfterMs', 0);
  return retry;
}

const SPECS = {
  artifacts: { path: '/artifacts', singular: 'artifact', plural: 'artifacts', type: 'artifact' },
  artifactVersions: {
    path: '/artifact_versions',
    singular: 'artifact_version',
    plural: 'artifact_versions',
    type: 'artifact_version',
  },
  binaries: { path: '/binaries', singular: 'binary', plural: 'binaries', type: 'binary' },
  binarySignatures: {
    path: '/binary_signatures',
    singular: 'binary_signature',
    plural: 'binary_signatures',
    type: 'binary_signature',
  },
  signingKeys: {
    path: '/signing_keys',
    singular: 'signing_key',
    plural: 'signing_keys',
    type: 'signing_key',
  },
  bundles: { path: '/bundles', singular: 'bundle', plural: 'bundles', type: 'bundle' },
  products: { path: '/products', singular: 'product', plural: 'products', type: 'product' },
  cohorts: { path: '/cohorts', singular: 'cohort', plural: 'cohorts', type: 'cohort' },
  releases: { path: '/releases', singular: 'release', plural: 'releases', type: 'release' },
} as const satisfies Record<string, EndpointSpec>;

export class PeridioClient {
  readonly users: UsersApi;
  readonly artifacts: ArtifactsApi;
  readonly artifactVersions: ArtifactVersionsApi;
  readonly binaries: BinariesApi;
  readonly binaryParts: BinaryPartsApi;
  readonly binarySignatures: BinarySignaturesApi;
  readonly signingKeys: SigningKeysApi;
  readonly bundles: BundlesApi;
  readonly products: ProductsApi;
  readonly cohorts: CohortsApi;
  readonly releases: ReleasesApi;
  readonly #api: ApiRequester;
  #organizationId: string | undefined;

  constructor(options: PeridioClientOptions) {
    const extraCas = loadExtraCaCertificates({
      ...(options.caPems === undefined ? {} : { caPems: options.caPems }),
      ...(options.caPath === undefined ? {} : { caPath: options.caPath }),
    });
    this.#api = new ApiRequester({
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      apiKey: options.apiKey,
      apiVersion: String(options.apiVersion ?? DEFAULT_API_VERSION),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      timeoutMs: checkNumber(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs', 1),
      maxResponseBytes: checkNumber(
        options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        'maxResponseBytes',
        1,
      ),
      retry: retryOptions(options.retry),
      ca: trustedCertificates(extraCas),
      ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
      ...(options.words === undefined ? {} : { words: options.words }),
    });
    const api = this.#api;
    const organizationId = (call: CallOptions) => this.#findOrganizationId(call);
    const endpoint = <T>(spec: EndpointSpec) => new ResourceEndpoint<T>(api, spec, organizationId);

    this.users = new UsersApi(api);
    this.artifacts = new ArtifactsApi(endpoint(SPECS.artifacts));
    this.artifactVersions = new ArtifactVersionsApi(endpoint(SPECS.artifactVersions));
    this.binaries = new BinariesApi(endpoint(SPECS.binaries), api);
    this.binaryParts = new BinaryPartsApi(api);
    this.binarySignatures = new BinarySignaturesApi(endpoint(SPECS.binarySignatures));
    this.signingKeys = new SigningKeysApi(endpoint(SPECS.signingKeys));
    this.bundles = new BundlesApi(endpoint(SPECS.bundles));
    this.products = new ProductsApi(endpoint(SPECS.products));
    this.cohorts = new CohortsApi(endpoint(SPECS.cohorts));
    this.releases = new ReleasesApi(endpoint(SPECS.releases));
  }

  /** Where requests go: scheme, host and port, never the key. */
  get origin(): string {
    return this.#api.origin;
  }

  /** The releases that destroying this binary would affect, `required` ones first. */
  releasesAffectedByDestroying(
    binaryPrn: string,
    options?: CallOptions,
  ): Promise<AffectedReleases> {
    return findReleasesAffectedByBinary(this, binaryPrn, options);
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#api.close();
  }

  /** The key's organization, asked once: a key belongs to one organization for its lifetime. */
  async #findOrganizationId(options: CallOptions): Promise<string> {
    if (this.#organizationId === undefined) {
      const me = await this.users.me(options);
      const parsed = parsePrn(me.organization_prn, 'organization');
      if (!parsed.ok) {
        throw new PeridioError({
          code: 'bad_response',
          message: `GET /users/me answered an unusable organization_prn: ${parsed.message}.`,
          method: 'GET',
          path: '/users/me',
        });
      }
      this.#organizationId = parsed.prn.organizationId;
    }
    return this.#organizationId;
  }
}
