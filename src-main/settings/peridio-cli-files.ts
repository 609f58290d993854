// Reading the Peridio CLI's files as they are found, whatever their age:
//   - config.json version 2: {version: 2, profiles: {name: {base_url, ca_path, api_version,
//     organization_name, api_key?}}, signing_key_pairs: {name: {signing_key_prn,
//     signing_key_private_path}}, certificate_authorities}
//   - a version-less file with top-level `profiles` (written by hand or by other tools)
//   - version 1: the file itself maps profile names to {api_key, base_url, ca_path,
//     organization_name}
//   - credentials.json: {name: {api_key}}
// Anything else is reported with the reason instead of guessed at.
import { readRegularFile } from '../files/index.js';
import { join } from 'node:path';

export type CliImportKind =
  'file' | 'profile' | 'api-key' | 'signing-key' | 'certificate-authority';

export interface CliImportSkip {
  kind: CliImportKind;
  /** The profile or key name, or the file's path. */
  name: string;
  reason: string;
}

/** One named entry as found, fields unchecked. */
export interface CliEntry {
  name: string;
  fields: Record<string, unknown>;
}

export interface CliConfig {
  layout: 'version 2' | 'version-less with profiles' | 'version 1' | 'none';
  profiles: CliEntry[];
  signingKeyPairs: CliEntry[];
  skipped: CliImportSkip[];
}

type JsonFile = { found: false } | { found: true; value: unknown } | { found: true; error: string };

async function readJson(path: string): Promise<JsonFile> {
  let text: string;
  try {
    text = (await readRegularFile(path)).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { found: false };
    return { found: true, error: `cannot be read (${(error as Error).message})` };
  }
  try {
    return { found: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { found: true, error: `is not valid JSON (${(error as Error).message})` };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object entries of a name -> object map; other values are skipped with the reason. */
function entries(
  map: Record<string, unknown>,
  kind: CliImportKind,
  skipped: CliImportSkip[],
): CliEntry[] {
  const found: CliEntry[] = [];
  for (const [name, fields] of Object.entries(map)) {
    if (isObject(fields)) found.push({ name, fields });
    else skipped.push({ kind, name, reason: 'its entry is not an object of settings' });
  }
  return found;
}

export async function readCliConfig(configDir: string): Promise<CliConfig> {
  const path = join(configDir, 'config.json');
  const file = await readJson(path);
  const none = (reason: string): CliConfig => ({
    layout: 'none',
    profiles: [],
    signingKeyPairs: [],
    skipped: [{ kind: 'file', name: path, reason }],
  });
  if (!file.found) return none('not found: no Peridio CLI profiles to import');
  if ('error' in file) return none(file.error);
  if (!isObject(file.value)) return none('holds no object of profiles');
  const config = file.value;
  const skipped: CliImportSkip[] = [];

  if ('version' in config && config.version !== 2) {
    return none(`has version ${JSON.stringify(config.version)}, which this app cannot read`);
  }
  if (config.version === 2 || isObject(config.profiles)) {
    if (!isObject(config.profiles)) return none('has version 2 but no "profiles" object');
    const pairs = config.signing_key_pairs;
    if (pairs !== undefined && pairs !== null && !isObject(pairs)) {
      skipped.push({ kind: 'file', name: path, reason: '"signing_key_pairs" is not an object' });
    }
    if (isObject(config.certificate_authorities)) {
      for (const name of Object.keys(config.certificate_authorities)) {
        skipped.push({
          kind: 'certificate-authority',
          name,
          reason: 'certificate authorities are for devices and are not used by this app',
        });
      }
    }
    return {
      layout: config.version === 2 ? 'version 2' : 'version-less with profiles',
      profiles: entries(config.profiles, 'profile', skipped),
      signingKeyPairs: isObject(pairs) ? entries(pairs, 'signing-key', skipped) : [],
      skipped,
    };
  }
  return {
    layout: 'version 1',
    profiles: entries(config, 'profile', skipped),
    signingKeyPairs: [],
    skipped,
  };
}

export interface CliCredentials {
  apiKeys: Map<string, string>;
  skipped: CliImportSkip[];
}

export async function readCliCredentials(configDir: string): Promise<CliCredentials> {
  const path = join(configDir, 'credentials.json');
  const file = await readJson(path);
  const apiKeys = new Map<string, string>();
  if (!file.found) return { apiKeys, skipped: [] };
  if ('error' in file)
    return { apiKeys, skipped: [{ kind: 'file', name: path, reason: file.error }] };
  if (!isObject(file.value)) {
    return {
      apiKeys,
      skipped: [{ kind: 'file', name: path, reason: 'holds no object of API keys' }],
    };
  }
  const skipped: CliImportSkip[] = [];
  for (const [name, entry] of Object.entries(file.value)) {
    const apiKey = isObject(entry) ? entry.api_key : undefined;
    if (typeof apiKey === 'string' && apiKey !== '') apiKeys.set(name, apiKey);
    else if (apiKey !== null) {
      skipped.push({
        kind: 'api-key',
        name,
        reason: 'its entry in credentials.json has no "api_key" text',
      });
    }
  }
  return { apiKeys, skipped };
}
