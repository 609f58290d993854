// Why no connection could be put together: a missing key, an unknown profile, an environment
// variable that cannot be used, or a proxy password the keychain would not give. Messages say
// what to do.

export type CredentialsErrorCode =
  | 'missing_api_key'
  | 'profile_not_found'
  | 'invalid_environment'
  | 'invalid_profile'
  | 'proxy_password_unreadable';

export interface CredentialsErrorData {
  code: CredentialsErrorCode;
  message: string;
  details: { profileName: string | null };
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
  readonly code: CredentialsErrorCode;
  readonly profileName: string | null;

  constructor(
    code: CredentialsErrorCode,
    message: string,
    profileName: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.profileName = profileName;
  }

  toJSON(): CredentialsErrorData {
    return { code: this.code, message: this.message, details: { profileName: this.profileName } };
  }
}
