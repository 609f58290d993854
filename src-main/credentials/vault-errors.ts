// Errors from the keychain. Their messages name the account, never a secret.

/** How to work without a keychain, said wherever one is missing. */
export const ENVIRONMENT_ROUTE =
  'Without a keychain, give the connection through the environment instead: PERIDIO_API_KEY ' +
  '(and PERIDIO_BASE_URL, optionally PERIDIO_CA_PATH), and for signing on build machines ' +
  '--signing-key-private FILE --signing-key-prn PRN.';

export type VaultErrorCode = 'vault_unavailable' | 'vault_failed';

export interface VaultErrorData {
  code: VaultErrorCode;
  message: string;
  details: { account: string | undefined };
}

/** The keychain answered, but refused this one operation. */
export class VaultError extends Error {
  override name = 'VaultError';
  readonly code: VaultErrorCode = 'vault_failed';
  readonly account: string | undefined;

  constructor(message: string, account: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.account = account;
  }

  toJSON(): VaultErrorData {
    return { code: this.code, message: this.message, details: { account: this.account } };
  }
}

/** No keychain could be reached at all (no Secret Service, locked, no session bus). */
export class VaultUnavailableError extends VaultError {
  override name = 'VaultUnavailableError';
  override readonly code = 'vault_unavailable';
  /** What the keychain library said, without the advice around it. */
  readonly reason: string;

  constructor(reason: string, account?: string, options?: { cause?: unknown }) {
    super(
      `No OS keychain is reachable (${reason}), so API keys and signing keys cannot be stored ` +
        `or read securely, and they are never written to a plain file. On a desktop, unlock ` +
        `or install a keychain (on Linux a Secret Service such as GNOME Keyring or KWallet). ` +
        ENVIRONMENT_ROUTE,
      account,
      options,
    );
    this.reason = reason;
  }
}

export function isVaultUnavailable(error: unknown): error is VaultUnavailableError {
  return error instanceof VaultUnavailableError;
}
