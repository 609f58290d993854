// Errors of the settings room, as people read them: what is wrong, with which profile, key
// or file, and what to do. They cross process boundaries as plain data through toJSON().
import { asideName } from '../files/index.js';

export type SettingsErrorCode =
  | 'invalid_profile'
  | 'profile_exists'
  | 'profile_not_found'
  | 'invalid_signing_key'
  | 'signing_key_exists'
  | 'signing_key_not_found'
  /** The record exists but the keychain holds no private key for it. */
  | 'signing_key_missing'
  /** The keychain's private key is not the one the record describes. */
  | 'signing_key_mismatch'
  | 'invalid_preferences'
  | 'invalid_watch_rule'
  | 'watch_rule_exists'
  | 'watch_rule_not_found'
  /** The settings file cannot be read or does not follow the schema; nothing was changed. */
  | 'settings_file_invalid';

export interface SettingsProblem {
  /** Dotted path inside the settings (`profiles.prod.baseUrl`, `watchRules.nightly.target`),
   * or '' for the whole. */
  field: string;
  message: string;
}

export interface SettingsErrorData {
  code: SettingsErrorCode;
  message: string;
  details: { filePath?: string; problems: SettingsProblem[] };
}

export class SettingsError extends Error {
  override name = 'SettingsError';
  readonly code: SettingsErrorCode;
  readonly problems: SettingsProblem[];

  constructor(code: SettingsErrorCode, message: string, problems: SettingsProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }

  toJSON(): SettingsErrorData {
    return { code: this.code, message: this.message, details: { problems: this.problems } };
  }
}

export function describeProblems(problems: readonly SettingsProblem[]): string {
  return problems
    .map((problem) =>
      problem.field === '' ? problem.message : `${problem.field}: ${problem.message}`,
    )
    .join('; ');
}

/**
 * The settings file cannot be used. The app refuses to start on it rather than guess, and
 * never writes over it: the user fixes it, or asks to move it aside and start afresh.
 */
export class SettingsFileError extends SettingsError {
  override name = 'SettingsFileError';
  readonly filePath: string;

  constructor(
    filePath: string,
    what: string,
    problems: SettingsProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      'settings_file_invalid',
      `The settings file "${filePath}" ${what}. Nothing was changed. Fix the file by hand, ` +
        `or move it aside to start with fresh settings, keeping it: ` +
        `mv "${filePath}" "${asideName(filePath, 'broken', new Date())}"`,
      problems,
    );
    this.filePath = filePath;
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  override toJSON(): SettingsErrorData {
    return {
      code: this.code,
      message: this.message,
      details: { filePath: this.filePath, problems: this.problems },
    };
  }
}
