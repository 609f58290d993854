// Profiles, signing key records, preferences and watch rules, kept in the settings file
// through a conf/electron-store backend. Every read validates the whole file and every change
// is validated before it is written, so a broken file is reported (naming the file and the
// field) and never written over. API keys and private keys are never stored here: they go
// to the OS keychain (see the credentials room).
import type { z } from 'zod';
import type { WatchRuleInput } from '../../src-preload/contract.js';
import type { ProfileSource } from '../credentials/index.js';
import { checkCaFile } from './ca-file.js';
import {
  SettingsError,
  SettingsFileError,
  describeProblems,
  type SettingsErrorCode,
  type SettingsProblem,
} from './settings-errors.js';
import type { SettingsBackend } from './settings-backend.js';
import {
  DEFAULT_PREFERENCES,
  preferencesSchema,
  problemsOf,
  profileChangesSchema,
  profileInputSchema,
  settingsFileSchema,
  signingKeyInputSchema,
  type SettingsFile,
  type StoredProfile,
  type StoredSigningKey,
} from './settings-schema.js';
import { ruleFieldOf, watchRuleSchema, type WatchRule } from './watch-rule-schema.js';

export interface Profile {
  name: string;
  baseUrl: string;
  /** Absolute path of extra CA certificates (PEM), added to the system trust. */
  caPath?: string;
  apiVersion: 1 | 2;
  organizationPrn?: string;
  /** `http://user@proxy:3128`: the password of its user is in the keychain, never here. */
  proxyUrl?: string;
}

export interface ProfileInput {
  name: string;
  /** https, or http for this machine only. */
  baseUrl: string;
  /** Must exist and be readable; stored as an absolute path. */
  caPath?: string;
  /** 2 unless given. */
  apiVersion?: 1 | 2;
  organizationPrn?: string;
  /** http:// or https://, a host, an optional port and user; never a password. */
  proxyUrl?: string;
}

/** Changes to a profile; null clears an optional field. */
export interface ProfileChanges {
  baseUrl?: string;
  caPath?: string | null;
  apiVersion?: 1 | 2;
  organizationPrn?: string | null;
  proxyUrl?: string | null;
}

export interface SigningKeyRecord {
  name: string;
  signingKeyPrn: string;
  keyid: string;
  /** Base64 of the raw 32-byte public key. */
  publicValue: string;
  /** Where the private key is: always the OS keychain. */
  source: 'keychain';
}

export type SigningKeyRecordInput = Omit<SigningKeyRecord, 'source'>;

export interface Preferences {
  /** Parts in flight per upload, 1 to 16. */
  uploadConcurrency: number;
  /** Copy a file aside when it is queued, so later edits to it do not fail the upload. */
  spool: boolean;
  /** Finished jobs (done, cancelled) are kept this many days, and at most the last this many. */
  finishedJobsKeepDays: number;
  finishedJobsKeepLast: number;
  /** The bandwidth cap for the sum of all uploads, as the app writes it (`5 MB/s`,
   * `40 Mbit/s`, `unlimited`); parse it with the contract's parseRate. */
  maxRate: string;
  /** A part PUT that moves no bytes for this many seconds is cut off and sent again. */
  stallTimeoutSeconds: number;
  /** Uploads at once, 1 to 16; null: adaptive (the engine chooses). */
  jobConcurrency: number | null;
}

export interface ReplaceOption {
  /** Replace an existing entry of the same name instead of refusing. */
  replace?: boolean;
}

function profileOf(name: string, stored: StoredProfile): Profile {
  return {
    name,
    baseUrl: stored.baseUrl,
    ...(stored.caPath === undefined ? {} : { caPath: stored.caPath }),
    apiVersion: stored.apiVersion ?? 2,
    ...(stored.organizationPrn === undefined ? {} : { organizationPrn: stored.organizationPrn }),
    ...(stored.proxyUrl === undefined ? {} : { proxyUrl: stored.proxyUrl }),
  };
}

function storedProfileOf(profile: Profile): StoredProfile {
  return {
    baseUrl: profile.baseUrl,
    ...(profile.caPath === undefined ? {} : { caPath: profile.caPath }),
    apiVersion: profile.apiVersion,
    ...(profile.organizationPrn === undefined ? {} : { organizationPrn: profile.organizationPrn }),
    ...(profile.proxyUrl === undefined ? {} : { proxyUrl: profile.proxyUrl }),
  };
}

function recordOf(name: string, stored: StoredSigningKey): SigningKeyRecord {
  return { name, ...stored };
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => a.name.localeCompare(b.name));
}

function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  code: SettingsErrorCode,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = problemsOf(parsed.error);
    throw new SettingsError(code, `${what}: ${describeProblems(problems)}.`, problems);
  }
  return parsed.data;
}

function caPathOrThrow(caPath: string, code: SettingsErrorCode, what: string): string {
  const checked = checkCaFile(caPath);
  if (!checked.ok) {
    const problems: SettingsProblem[] = [{ field: 'caPath', message: checked.message }];
    throw new SettingsError(code, `${what}: ${checked.message}.`, problems);
  }
  return checked.path;
}

export class SettingsStore implements ProfileSource {
  readonly #backend: SettingsBackend;

  /** Reads and checks the file at once: a broken file is reported before anything is used. */
  constructor(backend: SettingsBackend) {
    this.#backend = backend;
    this.#read();
  }

  /** The settings file. */
  get path(): string {
    return this.#backend.path;
  }

  // Profiles

  listProfiles(): Profile[] {
    const profiles = this.#read().profiles ?? {};
    return byName(Object.entries(profiles).map(([name, stored]) => profileOf(name, stored)));
  }

  getProfile(name: string): Profile | undefined {
    const profiles = this.#read().profiles ?? {};
    return Object.hasOwn(profiles, name) ? profileOf(name, profiles[name]!) : undefined;
  }

  /** The profile, or a SettingsError naming the profiles there are. */
  requireProfile(name: string): Profile {
    const profile = this.getProfile(name);
    if (profile === undefined) {
      const known = this.listProfiles().map((p) => p.name);
      throw new SettingsError(
        'profile_not_found',
        `There is no profile named "${name}". ` +
          (known.length === 0 ? 'No profiles exist yet.' : `Profiles: ${known.join(', ')}.`),
      );
    }
    return profile;
  }

  /** Checks a profile as `addProfile` would, without saving it (e.g. before storing its key). */
  checkProfile(input: ProfileInput): Profile {
    const what = `The profile "${String(input.name)}" cannot be saved`;
    const parsed = parseOrThrow(profileInputSchema, input, 'invalid_profile', what);
    return {
      name: parsed.name,
      baseUrl: parsed.baseUrl,
      ...(parsed.caPath === undefined
        ? {}
        : { caPath: caPathOrThrow(parsed.caPath, 'invalid_profile', what) }),
      apiVersion: parsed.apiVersion ?? 2,
      ...(parsed.organizationPrn === undefined ? {} : { organizationPrn: parsed.organizationPrn }),
      ...(parsed.proxyUrl === undefined ? {} : { proxyUrl: parsed.proxyUrl }),
    };
  }

  addProfile(input: ProfileInput, options: ReplaceOption = {}): Profile {
    const profile = this.checkProfile(input);
    const profiles = { ...this.#read().profiles };
    if (Object.hasOwn(profiles, profile.name) && options.replace !== true) {
      throw new SettingsError(
        'profile_exists',
        `A profile named "${profile.name}" already exists. Update it, or remove it first.`,
      );
    }
    profiles[profile.name] = storedProfileOf(profile);
    this.#backend.set('profiles', profiles);
    return profile;
  }

  updateProfile(name: string, changes: ProfileChanges): Profile {
    const what = `The profile "${name}" cannot be changed`;
    const parsed = parseOrThrow(profileChangesSchema, changes, 'invalid_profile', what);
    const current = this.requireProfile(name);
    const next: Profile = { ...current };
    if (parsed.baseUrl !== undefined) next.baseUrl = parsed.baseUrl;
    if (parsed.apiVersion !== undefined) next.apiVersion = parsed.apiVersion;
    if (parsed.caPath === null) delete next.caPath;
    else if (parsed.caPath !== undefined) {
      next.caPath = caPathOrThrow(parsed.caPath, 'invalid_profile', what);
    }
    if (parsed.organizationPrn === null) delete next.organizationPrn;
    else if (parsed.organizationPrn !== undefined) next.organizationPrn = parsed.organizationPrn;
    if (parsed.proxyUrl === null) delete next.proxyUrl;
    else if (parsed.proxyUrl !== undefined) next.proxyUrl = parsed.proxyUrl;
    const profiles = { ...this.#read().profiles, [name]: storedProfileOf(next) };
    this.#backend.set('profiles', profiles);
    return next;
  }

  /** Removes a profile (and makes no profile current if it was). Its API key stays in the
   * keychain: remove that through the vault (or use forgetProfile). */
  removeProfile(name: string): boolean {
    const file = this.#read();
    const profiles = { ...file.profiles };
    if (!Object.hasOwn(profiles, name)) return false;
    // Current first: a crash between the two writes then leaves a valid file.
    if (file.currentProfile === name) this.#backend.delete('currentProfile');
    delete profiles[name];
    this.#backend.set('profiles', profiles);
    return true;
  }

  /** The profile in use, or null for the embedded local workspace. */
  currentProfileName(): string | null {
    return this.#read().currentProfile ?? null;
  }

  /** Makes a profile current; null goes back to the local workspace. */
  useProfile(name: string | null): void {
    if (name === null) {
      this.#read();
      this.#backend.delete('currentProfile');
      return;
    }
    this.requireProfile(name);
    this.#backend.set('currentProfile', name);
  }

  // Signing key records (the private keys are in the keychain)

  listSigningKeys(): SigningKeyRecord[] {
    const keys = this.#read().signingKeys ?? {};
    return byName(Object.entries(keys).map(([name, stored]) => recordOf(name, stored)));
  }

  getSigningKey(name: string): SigningKeyRecord | undefined {
    const keys = this.#read().signingKeys ?? {};
    return Object.hasOwn(keys, name) ? recordOf(name, keys[name]!) : undefined;
  }

  /** Checks a signing key record as `addSigningKey` would, without saving it. */
  checkSigningKey(input: SigningKeyRecordInput): SigningKeyRecord {
    const what = `The signing key "${String(input.name)}" cannot be saved`;
    const parsed = parseOrThrow(signingKeyInputSchema, input, 'invalid_signing_key', what);
    return { ...parsed, source: 'keychain' };
  }

  addSigningKey(input: SigningKeyRecordInput, options: ReplaceOption = {}): SigningKeyRecord {
    const { name, ...stored } = this.checkSigningKey(input);
    const keys = { ...this.#read().signingKeys };
    if (Object.hasOwn(keys, name) && options.replace !== true) {
      throw new SettingsError(
        'signing_key_exists',
        `A signing key named "${name}" already exists. Remove it first, or choose another name.`,
      );
    }
    keys[name] = stored;
    this.#backend.set('signingKeys', keys);
    return recordOf(name, stored);
  }

  removeSigningKey(name: string): boolean {
    const keys = { ...this.#read().signingKeys };
    if (!Object.hasOwn(keys, name)) return false;
    delete keys[name];
    this.#backend.set('signingKeys', keys);
    return true;
  }

  // Preferences

  getPreferences(): Preferences {
    return { ...DEFAULT_PREFERENCES, ...this.#read().preferences };
  }

  updatePreferences(changes: Partial<Preferences>): Preferences {
    const parsed = parseOrThrow(
      preferencesSchema,
      changes,
      'invalid_preferences',
      'The preferences cannot be changed',
    );
    const next = { ...this.#read().preferences, ...parsed };
    this.#backend.set('preferences', next);
    return { ...DEFAULT_PREFERENCES, ...next };
  }

  // Watch rules, in the order they were added

  listWatchRules(): WatchRule[] {
    return [...(this.#read().watchRules ?? [])];
  }

  getWatchRule(name: string): WatchRule | undefined {
    return this.#read().watchRules?.find((rule) => rule.name === name);
  }

  /** Checks a watch rule as `addWatchRule` would, without saving it. Its folder (and private
   * key path) must be absolute: a caller with a working folder resolves them first. */
  checkWatchRule(input: WatchRuleInput): WatchRule {
    const parsed = watchRuleSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => ({
        field: ruleFieldOf(issue.path),
        message: issue.message,
      }));
      throw new SettingsError(
        'invalid_watch_rule',
        `The watch rule "${String(input.name)}" cannot be saved: ${describeProblems(problems)}.`,
        problems,
      );
    }
    return parsed.data;
  }

  /** Adds a rule at the end, or with `replace` puts it in the place of the one of its name. */
  addWatchRule(input: WatchRuleInput, options: ReplaceOption = {}): WatchRule {
    const rule = this.checkWatchRule(input);
    const rules = [...(this.#read().watchRules ?? [])];
    const at = rules.findIndex((existing) => existing.name === rule.name);
    if (at !== -1 && options.replace !== true) {
      throw new SettingsError(
        'watch_rule_exists',
        `A watch rule named "${rule.name}" already exists. Replace it, or remove it first.`,
      );
    }
    if (at === -1) rules.push(rule);
    else rules[at] = rule;
    this.#backend.set('watchRules', rules);
    return rule;
  }

  removeWatchRule(name: string): boolean {
    const rules = this.#read().watchRules ?? [];
    const kept = rules.filter((rule) => rule.name !== name);
    if (kept.length === rules.length) return false;
    this.#backend.set('watchRules', kept);
    return true;
  }

  /** Pauses a rule (its folder is not watched) or resumes it. */
  setWatchRulePaused(name: string, paused: boolean): WatchRule {
    const rules = [...(this.#read().watchRules ?? [])];
    const at = rules.findIndex((rule) => rule.name === name);
    if (at === -1) {
      const known = rules.map((rule) => rule.name);
      throw new SettingsError(
        'watch_rule_not_found',
        `There is no watch rule named "${name}". ` +
          (known.length === 0 ? 'No watch rules exist yet.' : `Watch rules: ${known.join(', ')}.`),
      );
    }
    const rule = this.checkWatchRule({ ...rules[at]!, paused });
    rules[at] = rule;
    this.#backend.set('watchRules', rules);
    return rule;
  }

  /** The whole file, validated; throws SettingsFileError when it cannot be used. */
  #read(): SettingsFile {
    let raw: unknown;
    try {
      raw = this.#backend.store;
    } catch (error) {
      const why = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
      const detail = error instanceof Error ? error.message : String(error);
      throw new SettingsFileError(
        this.path,
        `${why} (${detail})`,
        [{ field: '', message: detail }],
        {
          cause: error,
        },
      );
    }
    const parsed = settingsFileSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = problemsOf(parsed.error, raw);
      throw new SettingsFileError(
        this.path,
        `is not valid: ${describeProblems(problems)}`,
        problems,
      );
    }
    return parsed.data;
  }
}
