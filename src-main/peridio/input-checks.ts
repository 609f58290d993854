// Checks the client can make before sending (the server's answer stays final). Each throws a
// PeridioError with code `invalid_input`, so nothing is sent for input that cannot succeed.
import { invalidInput } from './errors.js';
import { isUuid, parsePrn, type PrnType } from '../../src-preload/prn.js';
import { SearchQuery } from './search.js';
import { PART_LIMITS, TARGET_MAX_LENGTH, type ListQuery } from './types.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function checkPrn(value: unknown, type: PrnType | 'organization', field: string): string {
  const result = parsePrn(value, type);
  if (!result.ok) throw invalidInput(`${field}: ${result.message}.`);
  return value as string;
}

export function checkUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw invalidInput(`${field} must be a UUID such as 0b3c9e2e-5d6a-4b7e-9f1a-2c3d4e5f6a7b.`);
  }
  return value;
}

/** A string of `min`..`max` characters (counted as code points, as the server counts them). */
export function checkText(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string') throw invalidInput(`${field} must be text.`);
  const length = [...value].length;
  if (length < min || length > max) {
    throw invalidInput(`${field} must be ${min} to ${max} characters long; it is ${length}.`);
  }
  return value;
}

export function checkTarget(value: unknown): string {
  return checkText(value, 'target', 1, TARGET_MAX_LENGTH);
}

export function checkSha256(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
    throw invalidInput(
      `${field} must be the SHA-256 as 64 lowercase hexadecimal characters, without a prefix.`,
    );
  }
  return value;
}

export function checkByteCount(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidInput(`${field} must be a whole number of bytes from ${min} to ${max}.`);
  }
  return value;
}

export function checkBinarySize(value: unknown, field = 'size'): number {
  return checkByteCount(value, field, 0, PART_LIMITS.maxBinarySize);
}

export function checkPartIndex(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > PART_LIMITS.maxParts
  ) {
    throw invalidInput(`The part index must be a whole number from 1 to ${PART_LIMITS.maxParts}.`);
  }
  return value;
}

export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidInput(`${field} must be true or false.`);
  return value;
}

/** A list query as the endpoint's query string; `search` may be a built SearchQuery. */
export interface ListOptions extends Omit<ListQuery, 'search'> {
  search?: string | SearchQuery;
}

export function listQueryParameters(
  query: ListOptions,
): Record<string, string | number | undefined> {
  const { limit, order, page, search } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw invalidInput('limit must be a whole number from 1 to 100.');
  }
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw invalidInput('order must be "asc" or "desc".');
  }
  if (page !== undefined && typeof page !== 'string') throw invalidInput('page must be text.');
  const searchText = search instanceof SearchQuery ? search.toString() : search;
  if (searchText !== undefined && (typeof searchText !== 'string' || searchText.trim() === '')) {
    throw invalidInput('search must be a non-empty query.');
  }
  return { limit, order, page, search: searchText };
}

/** `custom_metadata` is a JSON object or null; `maxBytes` where the contract sets a limit. */
export function checkCustomMetadata(value: unknown, maxBytes?: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidInput('custom_metadata must be an object or null.');
  }
  if (maxBytes !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > maxBytes) {
      throw invalidInput(
        `custom_metadata is ${bytes} bytes as JSON; at most ${maxBytes} are allowed.`,
      );
    }
  }
}

/** An optional text field that may be sent as null to clear it. */
export function checkOptionalText(value: unknown, field: string, min: number, max: number): void {
  if (value === undefined || value === null) return;
  checkText(value, field, min, max);
}
