// The one error the upload room produces. It crosses the thread boundary as plain data
// (toJSON) and is rebuilt on the main side (fromJSON), so callers can test `code` and
// `retryable` without caring which thread failed.
import { whyUnreadable } from '../files/index.js';

export type UploadErrorCode =
  | 'file_missing'
  | 'file_changed'
  | 'file_too_large'
  | 'part_rejected'
  | 'server_refused'
  | 'aborted'
  | 'network'
  /** The worker thread could not start, crashed, or was shut down under a request. */
  | 'worker_failed';

export interface UploadErrorData {
  code: UploadErrorCode;
  message: string;
  details: Record<string, unknown>;
  retryable: boolean;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<UploadErrorCode> = new Set(['network']);

export interface UploadErrorOptions {
  /** Defaults to true for `network` only. */
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class UploadError extends Error {
  override name = 'UploadError';
  readonly code: UploadErrorCode;
  /** True when the failure may pass by itself (network, 5xx, 429): wait and try again. */
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: UploadErrorCode, message: string, options: UploadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.details = options.details ?? {};
  }

  toJSON(): UploadErrorData {
    return {
      code: this.code,
      message: this.message,
      details: { ...this.details },
      retryable: this.retryable,
    };
  }

  static fromJSON(data: UploadErrorData): UploadError {
    return new UploadError(data.code, data.message, {
      retryable: data.retryable,
      details: data.details,
    });
  }
}

export function isUploadError(value: unknown, code?: UploadErrorCode): value is UploadError {
  return value instanceof UploadError && (code === undefined || value.code === code);
}

export function abortedError(what: string): UploadError {
  return new UploadError('aborted', `${what} was cancelled.`);
}

/** Turns a failed file system call into an error that names the file and the OS reason. */
export function fileProblem(path: string, error: unknown): UploadError {
  const code = (error as NodeJS.ErrnoException).code;
  return new UploadError(
    'file_missing',
    `The file "${path}" ${whyUnreadable(error)}. Put it back, or remove the upload and queue the file again.`,
    { details: { path, reason: code ?? (error as Error).message }, cause: error },
  );
}

export function fileChanged(path: string, what: string, details: Record<string, unknown> = {}) {
  return new UploadError(
    'file_changed',
    `The file "${path}" changed since it was hashed (${what}), so it cannot be uploaded under ` +
      'the old hash. Queue it again to upload its new content.',
    { details: { path, ...details } },
  );
}
