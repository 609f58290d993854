// The one error the Admin API client throws: what failed, the server's words, the request id,
// and what to do. It crosses process boundaries as plain data through toJSON().

export type PeridioErrorCode =
  /** The client refused the input before sending anything. */
  | 'invalid_input'
  /** An extra CA certificate (a PEM or the profile's CA file) could not be used. */
  | 'invalid_ca'
  | 'bad_request'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'network'
  /** A proxy on the way turned the request away (407 wants credentials, 403 forbids). */
  | 'proxy_refused'
  /** The server's TLS certificate was not trusted or did not match the host. */
  | 'tls'
  | 'timeout'
  | 'aborted'
  | 'bad_response';

export interface PeridioErrorDetails {
  /** HTTP status, or undefined when no answer arrived. */
  status: number | undefined;
  requestId: string | undefined;
  method: string | undefined;
  /** The request path without its query string. */
  path: string | undefined;
  /** The server's `errors` body as-is (the whole body when it had no `errors` field). */
  errors: unknown;
  fieldMessages: string[];
}

export interface PeridioErrorData {
  code: PeridioErrorCode;
  message: string;
  details: PeridioErrorDetails;
}

export interface PeridioErrorInit {
  code: PeridioErrorCode;
  message: string;
  status?: number;
  errors?: unknown;
  fieldMessages?: string[];
  requestId?: string;
  method?: string;
  path?: string;
  /** How many times the request was sent before this error was final. */
  attempts?: number;
  cause?: unknown;
}

export class PeridioError extends Error {
  override name = 'PeridioError';
  readonly code: PeridioErrorCode;
  readonly status: number | undefined;
  readonly errors: unknown;
  readonly fieldMessages: string[];
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly attempts: number;

  constructor(init: PeridioErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.errors = init.errors;
    this.fieldMessages = init.fieldMessages ?? [];
    this.requestId = init.requestId;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts ?? 0;
  }

  toJSON(): PeridioErrorData {
    return {
      code: this.code,
      message: this.message,
      details: {
        status: this.status,
        requestId: this.requestId,
        method: this.method,
        path: this.path,
        errors: this.errors,
        fieldMessages: [...this.fieldMessages],
      },
    };
  }
}

export function isPeridioError(value: unknown, code?: PeridioErrorCode): value is PeridioError {
  return value instanceof PeridioError && (code === undefined || value.code === code);
}

/** An input the client can tell is wrong; thrown before anything is sent. */
export function invalidInput(message: string): PeridioError {
  return new PeridioError({ code: 'invalid_input', message });
}

/**
 * Flattens the server's `errors` for people: `{"target": ["has already been taken"]}` becomes
 * `target has already been taken`; nested fields are joined with dots and list indices.
 * `detail` is the server's sentence for the whole request, so it is kept without a field name.
 */
export function flattenFieldMessages(errors: unknown, field = ''): string[] {
  if (typeof errors === 'string') return [field === '' ? errors : `${field} ${errors}`];
  if (Array.isArray(errors)) {
    return errors.flatMap((item, index) =>
      typeof item === 'string'
        ? flattenFieldMessages(item, field)
        : flattenFieldMessages(item, `${field}[${index}]`),
    );
  }
  if (errors !== null && typeof errors === 'object') {
    return Object.entries(errors).flatMap(([key, value]) => {
      const name = key === 'detail' && field === '' ? '' : field === '' ? key : `${field}.${key}`;
      return flattenFieldMessages(value, name);
    });
  }
  return [];
}
