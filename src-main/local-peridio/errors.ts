// The API's error answers, exactly as the contract page words them.

export type FieldErrors = Record<string, string[]>;

/** An answer that is not a success: thrown by route code, turned into a reply by the server. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${statusCode} ${JSON.stringify(body)}`);
  }
}

export function forbidden(): ApiError {
  return new ApiError(403, { status: 'forbidden' });
}

export function notFound(): ApiError {
  return new ApiError(404, { errors: { detail: 'Not Found' } });
}

export function badRequest(detail: string): ApiError {
  return new ApiError(400, { errors: { detail } });
}

export function unprocessable(errors: FieldErrors): ApiError {
  return new ApiError(422, { errors });
}

export function fieldError(field: string, message: string): ApiError {
  return unprocessable({ [field]: [message] });
}

export function tooManyRequests(): ApiError {
  return new ApiError(
    429,
    { status: 'too_many_requests', errors: { detail: 'too_many_requests: slow down and retry' } },
    { 'retry-after': '0' },
  );
}

export function serviceUnavailable(): ApiError {
  return new ApiError(503, { errors: { detail: 'Service Unavailable' } });
}

export const TAKEN = 'has already been taken';
export const BLANK = "can't be blank";
export const INVALID = 'is invalid';

/** The column list of a SQLite UNIQUE violation ("binaries.prn"), if the error is one. */
export function uniqueViolation(error: unknown): string | undefined {
  if (
    !(error instanceof Error) ||
    (error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE'
  ) {
    return undefined;
  }
  return error.message.replace(/^UNIQUE constraint failed: /, '');
}
