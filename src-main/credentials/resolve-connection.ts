// Which server and key to use, decided in one place:
//   1. the profile: the one asked for, else PERIDIO_PROFILE, else the current one;
//   2. PERIDIO_API_KEY, when set, overrides the profile's key (build machines) and then the
//      keychain is never touched, so a machine without one still works;
//   3. PERIDIO_BASE_URL / PERIDIO_CA_PATH override the profile's fields one by one;
//   4. no profile and no key in the environment: the embedded local workspace.
//   A chosen profile's proxy comes along (with PERIDIO_API_KEY too), its password read from
//   the keychain; which requests take it (the proxy variables win) is the network room's.
import { ProxySettingError, readProxyEnvironment, type ProxyPlan } from '../network/index.js';
import { splitProxyUrl, withProxyPassword } from '../../src-preload/contract.js';
import { DEFAULT_API_VERSION, DEFAULT_BASE_URL, type ConnectionWords } from '../peridio/index.js';
import { checkBaseUrl } from './base-url.js';
import { Connection } from './connection.js';
import { CredentialsError } from './credentials-error.js';
import { readEnvironmentOverrides } from './environment.js';
import { apiKeyProblem } from './api-key-format.js';
import { ProfileProxy } from './profile-proxy.js';
import { apiKeyAccount, proxyPasswordAccount, type SecretVault } from './secret-vault.js';
import { ENVIRONMENT_ROUTE, VaultUnavailableError } from './vault-errors.js';

/** What the resolver needs to know of a profile (the settings store's profiles fit). */
export interface ConnectionProfile {
  name: string;
  baseUrl: string;
  caPath?: string;
  apiVersion?: 1 | 2;
  /** `http://user@proxy:3128`: its password, if any, is in the keychain. */
  proxyUrl?: string;
}

/** Where profiles come from (the settings store fits). */
export interface ProfileSource {
  currentProfileName(): string | null;
  getProfile(name: string): ConnectionProfile | undefined;
}

/** How to reach the embedded local workspace; its owner decides how it is started. */
export interface LocalWorkspaceAccess {
  baseUrl: string;
  apiKey: string;
}

export interface ResolveConnectionOptions {
  profiles: ProfileSource;
  vault: SecretVault;
  /** Only asked for when neither a profile nor PERIDIO_API_KEY applies. */
  localWorkspace: () => LocalWorkspaceAccess | Promise<LocalWorkspaceAccess>;
  /** An explicit choice (e.g. `--profile`); wins over PERIDIO_PROFILE and the current one. */
  profileName?: string;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_VERSION = Number(DEFAULT_API_VERSION) as 1 | 2;

function environmentBaseUrl(value: string): string {
  const checked = checkBaseUrl(value);
  if (!checked.ok) {
    throw new CredentialsError(
      'invalid_environment',
      `PERIDIO_BASE_URL "${value}" cannot be used: it ${checked.message}.`,
    );
  }
  return checked.baseUrl;
}

function chosenProfile(
  options: ResolveConnectionOptions,
  fromEnvironment: string | undefined,
): ConnectionProfile | undefined {
  const explicit = options.profileName ?? fromEnvironment;
  const name = explicit ?? options.profiles.currentProfileName();
  if (name === null) return undefined;
  const profile = options.profiles.getProfile(name);
  if (profile === undefined) {
    const via =
      options.profileName !== undefined
        ? ''
        : explicit !== undefined
          ? ' (PERIDIO_PROFILE)'
          : ' (the current profile)';
    throw new CredentialsError(
      'profile_not_found',
      `There is no profile named "${name}"${via}. List the profiles, or add this one first.`,
      name,
    );
  }
  return profile;
}

/**
 * Names each setting after where it came from, so advice such as "check the API key" points
 * at the variable a build machine set rather than at a profile it never used.
 */
function wordsFor(
  env: ReturnType<typeof readEnvironmentOverrides>,
  profile: ConnectionProfile | undefined,
): ConnectionWords {
  const ofProfile = (field: string) => `the ${field} of the profile "${profile?.name}"`;
  return {
    apiKey:
      env.apiKey !== undefined
        ? 'PERIDIO_API_KEY'
        : profile
          ? ofProfile('API key')
          : "the local workspace's API key",
    baseUrl:
      env.baseUrl !== undefined
        ? 'PERIDIO_BASE_URL'
        : profile
          ? ofProfile('base URL')
          : env.apiKey !== undefined
            ? `the default base URL ${DEFAULT_BASE_URL} (PERIDIO_BASE_URL is not set)`
            : "the local workspace's address",
    caSetting:
      env.caPath !== undefined
        ? 'PERIDIO_CA_PATH'
        : profile
          ? ofProfile('CA file')
          : 'PERIDIO_CA_PATH',
  };
}

/** The proxy variables (HTTPS_PROXY and the rest); a malformed one is a setting to fix. */
export function environmentProxyPlan(env: NodeJS.ProcessEnv | undefined): ProxyPlan {
  try {
    return { environment: readProxyEnvironment(env) };
  } catch (error) {
    if (!(error instanceof ProxySettingError)) throw error;
    throw new CredentialsError('invalid_environment', error.message);
  }
}

/** The profile's proxy, with the password of its user from the keychain when one is saved. */
async function profileProxy(
  profile: ConnectionProfile,
  vault: SecretVault,
): Promise<ProfileProxy | undefined> {
  if (profile.proxyUrl === undefined) return undefined;
  const proxy = (url: string) => new ProfileProxy({ profileName: profile.name, url });
  const checked = splitProxyUrl(profile.proxyUrl);
  if (!checked.ok) {
    throw new CredentialsError(
      'invalid_profile',
      `The proxy URL of the profile "${profile.name}" cannot be used: ${checked.message}.`,
      profile.name,
    );
  }
  const { url, username, password } = checked.parts;
  if (password !== undefined) return proxy(withProxyPassword(url, password));
  if (username === undefined) return proxy(url);
  let saved: string | null;
  try {
    saved = await vault.get(proxyPasswordAccount(profile.name));
  } catch (error) {
    const why =
      error instanceof VaultUnavailableError
        ? `no OS keychain is reachable (${error.reason})`
        : (error as Error).message.replace(/\.$/, '');
    throw new CredentialsError(
      'proxy_password_unreadable',
      `The password of the proxy of the profile "${profile.name}" (${url}) could not be read ` +
        `from the OS keychain: ${why}. Unlock the keychain and try again; or set HTTPS_PROXY ` +
        `and HTTP_PROXY to the proxy with its password, which win over the profile's proxy; ` +
        `or remove the profile's proxy (in the Profiles view, or ` +
        `\`peridio-desk profiles set-proxy ${profile.name} --none\`).`,
      profile.name,
      { cause: error },
    );
  }
  // No password saved: the user name alone, and the proxy's 407 says if it wants one.
  return proxy(saved === null ? url : withProxyPassword(url, saved));
}

export async function resolveConnection(options: ResolveConnectionOptions): Promise<Connection> {
  const env = readEnvironmentOverrides(options.env);
  const profile = chosenProfile(options, env.profile);
  const words = wordsFor(env, profile);
  // The embedded local workspace is this machine's own server: never through a proxy.
  const proxyPlan = environmentProxyPlan(options.env);
  const baseUrl = env.baseUrl !== undefined ? environmentBaseUrl(env.baseUrl) : profile?.baseUrl;
  const caPath = env.caPath ?? profile?.caPath;
  const common = {
    words,
    profileName: profile?.name ?? null,
    apiVersion: profile?.apiVersion ?? DEFAULT_VERSION,
    ...(caPath === undefined ? {} : { caPath }),
  };

  if (env.apiKey !== undefined) {
    const problem = apiKeyProblem(env.apiKey);
    if (problem !== undefined) {
      throw new CredentialsError(
        'invalid_environment',
        `PERIDIO_API_KEY cannot be used: ${problem}.`,
      );
    }
    const proxy = profile === undefined ? undefined : await profileProxy(profile, options.vault);
    return new Connection({
      ...common,
      baseUrl: baseUrl ?? DEFAULT_BASE_URL,
      apiKey: env.apiKey,
      source: 'environment',
      proxyPlan,
      ...(proxy === undefined ? {} : { proxy }),
    });
  }

  if (profile !== undefined) {
    const apiKey = await options.vault.get(apiKeyAccount(profile.name));
    if (apiKey === null) {
      throw new CredentialsError(
        'missing_api_key',
        `The profile "${profile.name}" has no API key in the keychain. Log in to this profile ` +
          `again to store one, or set PERIDIO_API_KEY.`,
        profile.name,
      );
    }
    const proxy = await profileProxy(profile, options.vault);
    return new Connection({
      ...common,
      baseUrl: baseUrl ?? profile.baseUrl,
      apiKey,
      source: 'profile',
      proxyPlan,
      ...(proxy === undefined ? {} : { proxy }),
    });
  }

  if (env.baseUrl !== undefined) {
    // A server without a key cannot be used, and quietly going to the local workspace
    // instead would upload to the wrong place.
    throw new CredentialsError(
      'invalid_environment',
      `PERIDIO_BASE_URL is set but PERIDIO_API_KEY is not. ${ENVIRONMENT_ROUTE}`,
    );
  }

  const local = await options.localWorkspace();
  return new Connection({
    words,
    profileName: null,
    baseUrl: local.baseUrl,
    apiKey: local.apiKey,
    apiVersion: DEFAULT_VERSION,
    source: 'local-workspace',
  });
}
