// The door of the credentials room: secrets in the OS keychain behind a small vault
// interface, the environment-variable route for build machines, and the resolver that
// decides which server and key the engine uses.
export {
  DEFAULT_VAULT_SERVICE,
  apiKeyAccount,
  proxyPasswordAccount,
  signingKeyAccount,
} from './secret-vault.js';
export type { SecretVault } from './secret-vault.js';
export { KeyringVault } from './keyring-vault.js';
export type { KeyringVaultOptions, VaultProbe } from './keyring-vault.js';
export {
  VaultError,
  VaultUnavailableError,
  isVaultUnavailable,
  ENVIRONMENT_ROUTE,
} from './vault-errors.js';
export type { VaultErrorCode, VaultErrorData } from './vault-errors.js';
export { readEnvironmentOverrides } from './environment.js';
export type { EnvironmentOverrides } from './environment.js';
export { checkBaseUrl, isLoopbackHost } from './base-url.js';
export { apiKeyProblem } from './api-key-format.js';
export type { BaseUrlCheck } from './base-url.js';
export { Connection } from './connection.js';
export type { ConnectionInit, ConnectionSource, ConnectionSummary } from './connection.js';
export { ProfileProxy } from './profile-proxy.js';
export type { ProfileProxySummary } from './profile-proxy.js';
export { environmentProxyPlan, resolveConnection } from './resolve-connection.js';
export type {
  ConnectionProfile,
  LocalWorkspaceAccess,
  ProfileSource,
  ResolveConnectionOptions,
} from './resolve-connection.js';
export { CredentialsError } from './credentials-error.js';
export type { CredentialsErrorCode, CredentialsErrorData } from './credentials-error.js';
