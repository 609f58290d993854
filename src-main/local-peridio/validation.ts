// Reading request bodies field by field, collecting every problem into the contract's
// 422 shape `{"errors": {"<field>": ["..."]}}`. Unknown fields are ignored; a field that is
// absent reads as undefined, an explicit null as null.
import { parsePrn, isUuid, type PrnType } from '../peridio/index.js';
import { parseTimestamp } from './clock.js';
import {
  BLANK,
  INVALID,
  badRequest,
  fieldError,
  unprocessable,
  type FieldErrors,
} from './errors.js';

export type Body = Record<string, unknown>;

export const CUSTOM_METADATA_MAX_BYTES = 1_000_000;

/** The parsed JSON body as an object; a missing body reads as `{}`. */
export function objectBody(body: unknown): Body {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return body as Body;
}

interface Presence {
  required?: boolean;
  nullable?: boolean;
}

interface Range {
  min?: number;
  max?: number;
}

/** A PRN as stored: the UUIDs in lowercase. */
export function normalizePrn(value: string): string {
  return value.toLowerCase();
}

/** A PRN from a path segment: malformed (or of another type) is 422 naming the field. */
export function pathPrn(value: unknown, type: PrnType, field: string): string {
  const parsed = parsePrn(value, type);
  if (!parsed.ok) throw fieldError(field, parsed.message);
  return normalizePrn(value as string);
}

export class BodyReader {
  readonly errors: FieldErrors = {};

  constructor(readonly body: Body) {}

  has(field: string): boolean {
    return this.body[field] !== undefined;
  }

  fail(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  /** Throws the collected problems as one 422. */
  done(): void {
    if (Object.keys(this.errors).length > 0) throw unprocessable(this.errors);
  }

  /** undefined when absent; null when explicitly null and allowed; fails otherwise. */
  private present(field: string, presence: Presence): unknown {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (presence.required || (value === null && !presence.nullable)) this.fail(field, BLANK);
      return value === null && presence.nullable && !presence.required ? null : undefined;
    }
    return value;
  }

  string(field: string, options: Presence & Range = {}): string | null | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return value;
    if (typeof value !== 'string') {
      this.fail(field, INVALID);
      return undefined;
    }
    const length = [...value].length;
    if (length === 0 && options.required) {
      this.fail(field, BLANK);
      return undefined;
    }
    if (options.min !== undefined && length < options.min) {
      this.fail(field, `should be at least ${options.min} character(s)`);
      return undefined;
    }
    if (options.max !== undefined && length > options.max) {
      this.fail(field, `should be at most ${options.max} character(s)`);
      return undefined;
    }
    return value;
  }

  integer(field: string, options: Presence & Range = {}): number | null | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return value;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(field, 'must be an integer');
      return undefined;
    }
    return this.inRange(field, value, options);
  }

  number(field: string, options: Presence & Range = {}): number | null | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return value;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(field, 'must be a number');
      return undefined;
    }
    return this.inRange(field, value, options);
  }

  private inRange(field: string, value: number, range: Range): number | undefined {
    if (range.min !== undefined && value < range.min) {
      this.fail(field, `must be greater than or equal to ${range.min}`);
      return undefined;
    }
    if (range.max !== undefined && value > range.max) {
      this.fail(field, `must be less than or equal to ${range.max}`);
      return undefined;
    }
    return value;
  }

  boolean(field: string, options: Presence = {}): boolean | null | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return value;
    if (typeof value !== 'boolean') {
      this.fail(field, 'must be true or false');
      return undefined;
    }
    return value;
  }

  /** Lowercase hex SHA-256, 64 characters. */
  sha256(field: string, options: Presence = {}): string | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) {
      this.fail(field, 'must be 64 lowercase hexadecimal characters (a SHA-256)');
      return undefined;
    }
    return value;
  }

  /** An object (or null) of at most 1,000,000 bytes as JSON; returned as JSON text. */
  customMetadata(field: string): string | null | undefined {
    const value = this.present(field, { nullable: true });
    if (value === undefined || value === null) return value;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, 'must be a JSON object');
      return undefined;
    }
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json) > CUSTOM_METADATA_MAX_BYTES) {
      this.fail(field, `should be at most ${CUSTOM_METADATA_MAX_BYTES} byte(s) as JSON`);
      return undefined;
    }
    return json;
  }

  prn(field: string, type: PrnType, options: Presence = {}): string | null | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return value;
    const parsed = parsePrn(value, type);
    if (!parsed.ok) {
      this.fail(field, parsed.message);
      return undefined;
    }
    return normalizePrn(value as string);
  }

  /** A create body's `id`: a UUID that becomes the PRN's last part. */
  uuid(field: string): string | undefined {
    const value = this.present(field, { nullable: true });
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !isUuid(value)) {
      this.fail(field, 'must be a UUID');
      return undefined;
    }
    return value.toLowerCase();
  }

  /** An ISO-8601 date-time, returned in microseconds. */
  dateTime(field: string, options: Presence = {}): number | null | undefined {
    const value = this.present(field, options);
    if (value === undefined || value === null) return value;
    const micros = typeof value === 'string' ? parseTimestamp(value) : undefined;
    if (micros === undefined) {
      this.fail(field, 'must be an ISO-8601 date-time');
      return undefined;
    }
    return micros;
  }
}
