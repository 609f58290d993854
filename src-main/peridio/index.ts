// The door of the Admin API client: other folders import from here only.
export {
  PeridioClient,
  DEFAULT_BASE_URL,
  DEFAULT_API_VERSION,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_USER_AGENT,
} from './client.js';
export type { PeridioClientOptions } from './client.js';
export { PROFILE_WORDS, type ConnectionWords } from './failure-messages.js';
export type { CallOptions, RetryNotice } from './api-requester.js';
export {
  DEFAULT_RETRY,
  backoffDelay,
  parseRetryAfter,
  Backoff,
  doublingDelay,
  jittered,
  partRetryDelayMs,
  putVerdict,
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_MAX_ATTEMPTS_PER_PART,
  MAX_RETRY_DELAY_MS,
} from './retry-policy.js';
export type { RetryOptions, DelayRange, PutVerdict } from './retry-policy.js';
export { PeridioError, isPeridioError, flattenFieldMessages } from './errors.js';
export type { PeridioErrorCode, PeridioErrorData, PeridioErrorDetails } from './errors.js';
export { loadExtraCaCertificates, trustedCertificates } from './ca-trust.js';
export type { ExtraCaSources } from './ca-trust.js';
export { paginate, collect } from './paginate.js';
export type { Page } from './paginate.js';
export {
  search,
  searchBinaries,
  quoteSearchString,
  SearchQuery,
  SEARCH_KEYS,
  MAX_SEARCH_CLAUSES,
} from './search.js';
export type { BinarySearchKey, SearchOperator, ComparableValue } from './search.js';
export type { ListOptions } from './input-checks.js';
export { findReleasesAffectedByBinary } from './affected-releases.js';
export type { AffectedReleases, AffectedReleasesApis } from './affected-releases.js';
export type { UsersApi } from './users.js';
export type { ArtifactsApi, CreateArtifactInput, UpdateArtifactInput } from './artifacts.js';
export type {
  ArtifactVersionsApi,
  CreateArtifactVersionInput,
  UpdateArtifactVersionInput,
} from './artifact-versions.js';
export type { BinariesApi, CreateBinaryInput, UpdateBinaryInput } from './binaries.js';
export type { BinaryPartsApi, CreateBinaryPartInput, CreatedBinaryPart } from './binary-parts.js';
export type { BinarySignaturesApi, CreateBinarySignatureInput } from './binary-signatures.js';
export type {
  SigningKeysApi,
  CreateSigningKeyInput,
  UpdateSigningKeyInput,
} from './signing-keys.js';
export type { BundlesApi, CreateBundleInput, UpdateBundleInput } from './bundles.js';
export type { ProductsApi, CreateProductInput, UpdateProductInput } from './products.js';
export type { CohortsApi, CreateCohortInput, UpdateCohortInput } from './cohorts.js';
export type { ReleasesApi, CreateReleaseInput, UpdateReleaseInput } from './releases.js';
export * from '../../src-preload/prn.js';
export * from './types.js';
