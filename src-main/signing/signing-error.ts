// The one error the signing room throws. Messages say what was wrong and what to give
// instead; they never quote the key material they were given.

export type SigningErrorCode =
  /** A key of another algorithm (RSA, EC, Ed448, X25519). */
  | 'not_ed25519'
  /** A passphrase-protected PEM. */
  | 'encrypted_key'
  /** A public key or certificate where a private key was expected. */
  | 'not_a_private_key'
  /** A PEM block that does not decode as the key it claims to be. */
  | 'unreadable_pem'
  /** Hex or base64 that is not exactly 32 bytes. */
  | 'bad_seed'
  /** Neither PEM nor a seed. */
  | 'unrecognized_key'
  /** A key file that cannot be read. */
  | 'key_file_unreadable'
  | 'invalid_hash'
  | 'invalid_public_value'
  /** A public key of small order or a non-canonical encoding (ed25519-points.ts). */
  | 'weak_public_key';

export interface SigningErrorData {
  code: SigningErrorCode;
  message: string;
  details: Record<string, never>;
}

/** What every key refusal ends with. */
export const WHAT_TO_GIVE =
  'Give an Ed25519 private key in PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----", as the Peridio ' +
  'CLI keeps them) or its raw 32-byte seed as 64 hex characters or base64.';

export class SigningError extends Error {
  override name = 'SigningError';
  readonly code: SigningErrorCode;

  constructor(code: SigningErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  toJSON(): SigningErrorData {
    return { code: this.code, message: this.message, details: {} };
  }
}

export function isSigningError(value: unknown): value is SigningError {
  return value instanceof SigningError;
}
