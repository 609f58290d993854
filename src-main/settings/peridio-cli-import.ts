// Importing the official Peridio CLI's profiles, API keys and signing key pairs. Everything
// is read and checked first; only then are keys put in the keychain and profiles and key
// records in the settings, so a keychain that cannot be reached stops the import before any
// profile is written. Nothing found is ever logged or echoed: the report names profiles and
// keys, and says why each skipped item was skipped.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import {
  apiKeyAccount,
  apiKeyProblem,
  checkBaseUrl,
  signingKeyAccount,
  type SecretVault,
} from '../credentials/index.js';
import { DEFAULT_BASE_URL, parsePrn } from '../peridio/index.js';
import { exportPrivateKeyPem, readPrivateKeyFile, SigningError } from '../signing/index.js';
import { checkCaFile } from './ca-file.js';
import {
  readCliConfig,
  readCliCredentials,
  type CliEntry,
  type CliImportSkip,
} from './peridio-cli-files.js';
import { peridioCliConfigDir } from './peridio-cli-paths.js';
import { SettingsError, SettingsFileError } from './settings-errors.js';
import { nameProblem } from './settings-schema.js';
import type { Profile, SettingsStore, SigningKeyRecordInput } from './settings-store.js';

export interface PeridioCliImportOptions {
  settings: SettingsStore;
  vault: SecretVault;
  /** The CLI's config folder; found like the CLI finds it unless given. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Replace profiles and signing keys of the same name here (with their keys). */
  overwrite?: boolean;
}

export interface ImportedProfile {
  name: string;
  baseUrl: string;
  /** Whether an API key came along (from credentials.json or the profile itself). */
  apiKey: 'imported' | 'missing';
  replaced: boolean;
}

export interface ImportedSigningKey {
  name: string;
  signingKeyPrn: string;
  keyid: string;
  replaced: boolean;
}

export interface PeridioCliImportReport {
  configDir: string;
  layout: string;
  profiles: ImportedProfile[];
  signingKeys: ImportedSigningKey[];
  skipped: CliImportSkip[];
}

interface PlannedProfile {
  profile: Profile;
  apiKey: string | undefined;
  replaced: boolean;
}

interface PlannedSigningKey {
  record: SigningKeyRecordInput;
  pem: string;
  replaced: boolean;
}

class Skip extends Error {}

function text(fields: Record<string, unknown>, field: string): string | undefined {
  const value = fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Skip(`"${field}" is not text`);
  return value;
}

/** Paths in the CLI's config are taken relative to its folder, and `~/` is the home folder. */
function localPath(path: string, configDir: string, env: NodeJS.ProcessEnv): string {
  if (path === '~' || path.startsWith('~/'))
    return resolve(env.HOME ?? homedir(), `.${path.slice(1)}`);
  return resolve(configDir, path);
}

/** Whether importing `name` replaces an entry here; throws Skip when it may not be imported. */
function replacesExisting(
  name: string,
  exists: boolean,
  overwrite: boolean,
  kind: string,
): boolean {
  const problem = nameProblem(name);
  if (problem !== undefined) throw new Skip(`the name cannot be used here: ${problem}`);
  if (exists && !overwrite) {
    throw new Skip(
      `a ${kind} named "${name}" already exists here (import with overwrite to replace it)`,
    );
  }
  return exists;
}

function planProfile(
  entry: CliEntry,
  apiKeys: Map<string, string>,
  options: PeridioCliImportOptions,
  configDir: string,
): PlannedProfile {
  const { name, fields } = entry;
  const replaced = replacesExisting(
    name,
    options.settings.getProfile(name) !== undefined,
    options.overwrite === true,
    'profile',
  );
  const baseUrlText = text(fields, 'base_url') ?? DEFAULT_BASE_URL;
  const baseUrl = checkBaseUrl(baseUrlText);
  if (!baseUrl.ok) throw new Skip(`its base URL "${baseUrlText}" ${baseUrl.message}`);
  const caPathText = text(fields, 'ca_path');
  let caPath: string | undefined;
  if (caPathText !== undefined) {
    const checked = checkCaFile(localPath(caPathText, configDir, options.env ?? process.env));
    if (!checked.ok) throw new Skip(checked.message);
    caPath = checked.path;
  }
  const version = fields.api_version ?? 2;
  if (version !== 1 && version !== 2) {
    throw new Skip(`its api_version ${JSON.stringify(version)} is not 1 or 2`);
  }
  // credentials.json wins over a key kept in the profile itself, as in the CLI.
  const apiKey = apiKeys.get(name) ?? text(fields, 'api_key');
  const keyProblem = apiKey === undefined ? undefined : apiKeyProblem(apiKey);
  if (keyProblem !== undefined) throw new Skip(`its API key cannot be used: ${keyProblem}`);
  // A replaced profile keeps its proxy (and the proxy's password): it is how this machine
  // reaches the server, and the Peridio CLI's files have none to give instead.
  const proxyUrl = options.settings.getProfile(name)?.proxyUrl;
  const profile = options.settings.checkProfile({
    name,
    baseUrl: baseUrl.baseUrl,
    ...(caPath === undefined ? {} : { caPath }),
    apiVersion: version,
    ...(proxyUrl === undefined ? {} : { proxyUrl }),
  });
  return { profile, apiKey, replaced };
}

async function planSigningKey(
  entry: CliEntry,
  options: PeridioCliImportOptions,
  configDir: string,
): Promise<PlannedSigningKey> {
  const { name, fields } = entry;
  const replaced = replacesExisting(
    name,
    options.settings.getSigningKey(name) !== undefined,
    options.overwrite === true,
    'signing key',
  );
  const prn = text(fields, 'signing_key_prn');
  if (prn === undefined) throw new Skip('it has no signing_key_prn');
  const prnCheck = parsePrn(prn, 'signing_key');
  if (!prnCheck.ok) throw new Skip(`its signing_key_prn is not usable: ${prnCheck.message}`);
  const privatePath = text(fields, 'signing_key_private_path');
  if (privatePath === undefined) throw new Skip('it has no signing_key_private_path');
  let keyPair;
  try {
    keyPair = await readPrivateKeyFile(
      localPath(privatePath, configDir, options.env ?? process.env),
    );
  } catch (error) {
    if (error instanceof SigningError) throw new Skip(error.message);
    throw error;
  }
  const record = {
    name,
    signingKeyPrn: prn,
    keyid: keyPair.keyid,
    publicValue: keyPair.publicValue,
  };
  options.settings.checkSigningKey(record);
  return {
    record,
    pem: exportPrivateKeyPem(keyPair.privateKey),
    replaced,
  };
}

async function attempt<T>(
  kind: CliImportSkip['kind'],
  name: string,
  skipped: CliImportSkip[],
  plan: () => T | Promise<T>,
): Promise<T | undefined> {
  try {
    return await plan();
  } catch (error) {
    // A refused entry costs that entry only; a broken settings file stops the import.
    const refused = error instanceof SettingsError && !(error instanceof SettingsFileError);
    if (error instanceof Skip || refused) {
      skipped.push({ kind, name, reason: error.message });
      return undefined;
    }
    throw error;
  }
}

export async function importPeridioCliSettings(
  options: PeridioCliImportOptions,
): Promise<PeridioCliImportReport> {
  const env = options.env ?? process.env;
  // Fails here, before anything is read or written, when the settings file is broken.
  options.settings.listProfiles();
  const configDir = resolve(options.configDir ?? peridioCliConfigDir(env, options.platform));
  const config = await readCliConfig(configDir);
  const credentials = await readCliCredentials(configDir);
  const skipped = [...config.skipped, ...credentials.skipped];

  const profiles: PlannedProfile[] = [];
  for (const entry of config.profiles) {
    const planned = await attempt('profile', entry.name, skipped, () =>
      planProfile(entry, credentials.apiKeys, options, configDir),
    );
    if (planned !== undefined) profiles.push(planned);
  }
  const profileNames = new Set(config.profiles.map((entry) => entry.name));
  for (const name of credentials.apiKeys.keys()) {
    if (!profileNames.has(name)) {
      skipped.push({
        kind: 'api-key',
        name,
        reason: 'credentials.json has a key for it, but config.json has no such profile',
      });
    }
  }
  const signingKeys: PlannedSigningKey[] = [];
  for (const entry of config.signingKeyPairs) {
    const planned = await attempt('signing-key', entry.name, skipped, () =>
      planSigningKey(entry, options, configDir),
    );
    if (planned !== undefined) signingKeys.push(planned);
  }

  // Keys first: if the keychain cannot be reached, this throws before any setting changes.
  for (const { profile, apiKey, replaced } of profiles) {
    if (apiKey !== undefined) await options.vault.set(apiKeyAccount(profile.name), apiKey);
    // A replaced profile may point elsewhere now; its old key must not be sent there.
    else if (replaced) await options.vault.delete(apiKeyAccount(profile.name));
  }
  for (const { record, pem } of signingKeys) {
    await options.vault.set(signingKeyAccount(record.name), pem);
  }
  for (const { profile, replaced } of profiles) {
    options.settings.addProfile(profile, { replace: replaced });
  }
  for (const { record, replaced } of signingKeys) {
    options.settings.addSigningKey(record, { replace: replaced });
  }

  return {
    configDir,
    layout: config.layout,
    profiles: profiles.map(({ profile, apiKey, replaced }) => ({
      name: profile.name,
      baseUrl: profile.baseUrl,
      apiKey: apiKey === undefined ? 'missing' : 'imported',
      replaced,
    })),
    signingKeys: signingKeys.map(({ record, replaced }) => ({
      name: record.name,
      signingKeyPrn: record.signingKeyPrn,
      keyid: record.keyid,
      replaced,
    })),
    skipped,
  };
}
