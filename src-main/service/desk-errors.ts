// Failures as the UI shows them: plain data in the contract's shape, with the server's words,
// its status and request id kept, never a class instance crossing the boundary.
import type { DeskError, DeskErrorField } from '../../src-preload/contract.js';
import { isPeridioError, type PeridioError } from '../peridio/index.js';
import { JobStateError } from '../queue/index.js';
import { SettingsError } from '../settings/index.js';
import { InvalidInputError, UnusableFileError } from './upload-input.js';

/** A command that failed; `data` is what crosses to the face. */
export class DeskCommandError extends Error {
  override name = 'DeskCommandError';
  constructor(readonly data: DeskError) {
    super(data.message);
  }

  toJSON(): DeskError {
    return this.data;
  }
}

/** A refusal decided by the service itself (a wrong confirmation, an unknown command). */
export function refuse(code: string, message: string, fields?: DeskErrorField[]): DeskCommandError {
  return new DeskCommandError({ code, message, ...(fields ? { fields } : {}) });
}

/** The server's `errors` body as field/message pairs: `{"target": ["has already been taken"]}`. */
function serverFields(errors: unknown, field = ''): DeskErrorField[] {
  if (typeof errors === 'string') return [{ field: field || 'request', message: errors }];
  if (Array.isArray(errors)) {
    return errors.flatMap((item, index) =>
      typeof item === 'string'
        ? serverFields(item, field)
        : serverFields(item, `${field}[${index}]`),
    );
  }
  if (errors !== null && typeof errors === 'object') {
    return Object.entries(errors).flatMap(([key, value]) =>
      serverFields(value, key === 'detail' && field === '' ? '' : field ? `${field}.${key}` : key),
    );
  }
  return [];
}

function fromPeridio(error: PeridioError): DeskError {
  const fields = serverFields(error.errors);
  return {
    code: error.code,
    message: error.message,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
    ...(fields.length ? { fields } : {}),
  };
}

/** Any failure, in the contract's error shape. */
export function toDeskError(error: unknown): DeskError {
  if (error instanceof DeskCommandError) return error.data;
  if (isPeridioError(error)) return fromPeridio(error);
  if (error instanceof SettingsError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.problems.length ? { fields: error.problems.map((p) => ({ ...p })) } : {}),
    };
  }
  if (error instanceof InvalidInputError) {
    return { code: 'invalid_input', message: `${error.message}. Nothing was queued.` };
  }
  if (error instanceof UnusableFileError) {
    return { code: error.code, message: `${error.message}. Nothing was queued.` };
  }
  if (error instanceof JobStateError) return { code: 'job_state', message: error.message };
  if (error instanceof Error) {
    // The other rooms' errors (credentials, vault, signing, jobs) carry a string code.
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'internal', message: error.message };
  }
  return { code: 'internal', message: String(error) };
}
