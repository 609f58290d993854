// A builder for the Admin API's `search` language: 1..5 clauses joined by ` and `, string
// values single-quoted with backslash escapes.
import { invalidInput } from './errors.js';

export const MAX_SEARCH_CLAUSES = 5;

/** Searchable keys per list endpoint, so a typo fails here instead of at the server. */
export const SEARCH_KEYS = {
  artifacts: ['description', 'inserted_at', 'name', 'prn', 'updated_at'],
  artifactVersions: ['artifact_prn', 'description', 'inserted_at', 'prn', 'updated_at'],
  binaries: [
    'artifact_version_prn',
    'description',
    'hash',
    'inserted_at',
    'prn',
    'size',
    'target',
    'updated_at',
  ],
  bundles: ['inserted_at', 'name', 'prn', 'updated_at'],
  cohorts: ['description', 'inserted_at', 'name', 'prn', 'updated_at'],
  products: ['archived', 'deleted_at', 'inserted_at', 'name', 'prn', 'updated_at'],
  releases: [
    'cohort_prn',
    'deleted_at',
    'description',
    'inserted_at',
    'name',
    'next_release_prn',
    'prn',
    'updated_at',
    'version',
    'version_requirement',
  ],
  signingKeys: ['inserted_at', 'name', 'prn', 'updated_at', 'value'],
} as const;

export type BinarySearchKey = (typeof SEARCH_KEYS.binaries)[number];

/** `:` equals, `~` case-sensitive substring, `-` case-insensitive substring, then comparisons. */
export type SearchOperator = ':' | '~' | '-' | '<' | '<=' | '>' | '>=';
export type ComparableValue = number | Date | string;

const KEY = /^[a-z_][a-z0-9_]*$/i;
const UTC_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** Single-quotes a string, escaping backslashes and single quotes with a backslash. */
export function quoteSearchString(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

function formatNumber(key: string, value: number): string {
  if (!Number.isFinite(value))
    throw invalidInput(`search: the value for "${key}" must be a finite number.`);
  return String(value);
}

function formatComparable(key: string, value: ComparableValue): string {
  if (typeof value === 'number') return formatNumber(key, value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw invalidInput(`search: the date for "${key}" is invalid.`);
    return quoteSearchString(value.toISOString());
  }
  if (!UTC_DATE_TIME.test(value)) {
    throw invalidInput(
      `search: "${key}" can only be compared with a number or a UTC date-time such as ` +
        `2024-01-31T12:00:00Z, not "${value}".`,
    );
  }
  return quoteSearchString(value);
}

/** An immutable search query; each method answers a new query with one more clause. */
export class SearchQuery<K extends string = string> {
  readonly #keys: readonly K[] | undefined;
  readonly #clauses: readonly string[];

  constructor(keys?: readonly K[], clauses: readonly string[] = []) {
    this.#keys = keys;
    this.#clauses = clauses;
  }

  get clauseCount(): number {
    return this.#clauses.length;
  }

  /** Equals, case-sensitive for strings. */
  eq(key: K, value: string | number | boolean): SearchQuery<K> {
    const formatted =
      typeof value === 'string'
        ? quoteSearchString(value)
        : typeof value === 'number'
          ? formatNumber(key, value)
          : String(value);
    return this.#with(key, ':', formatted);
  }

  /** Case-sensitive substring (`~`). */
  contains(key: K, value: string): SearchQuery<K> {
    return this.#with(key, '~', quoteSearchString(value));
  }

  /** Case-insensitive substring (`-`). */
  containsIgnoringCase(key: K, value: string): SearchQuery<K> {
    return this.#with(key, '-', quoteSearchString(value));
  }

  lt(key: K, value: ComparableValue): SearchQuery<K> {
    return this.#with(key, '<', formatComparable(key, value));
  }

  lte(key: K, value: ComparableValue): SearchQuery<K> {
    return this.#with(key, '<=', formatComparable(key, value));
  }

  gt(key: K, value: ComparableValue): SearchQuery<K> {
    return this.#with(key, '>', formatComparable(key, value));
  }

  gte(key: K, value: ComparableValue): SearchQuery<K> {
    return this.#with(key, '>=', formatComparable(key, value));
  }

  toString(): string {
    if (this.#clauses.length === 0) {
      throw invalidInput('search: a query needs at least one clause.');
    }
    return this.#clauses.join(' and ');
  }

  #with(key: K, operator: SearchOperator, formattedValue: string): SearchQuery<K> {
    if (!KEY.test(key)) throw invalidInput(`search: "${key}" is not a valid key name.`);
    if (this.#keys !== undefined && !this.#keys.includes(key)) {
      throw invalidInput(
        `search: "${key}" cannot be searched here; the searchable keys are ${this.#keys.join(', ')}.`,
      );
    }
    if (this.#clauses.length >= MAX_SEARCH_CLAUSES) {
      throw invalidInput(
        `search: a query holds at most ${MAX_SEARCH_CLAUSES} clauses; "${key}" would be the ` +
          `${this.#clauses.length + 1}th.`,
      );
    }
    return new SearchQuery(this.#keys, [...this.#clauses, `${key}${operator}${formattedValue}`]);
  }
}

/** Starts a query; with `keys`, only those keys are accepted. */
export function search<K extends string = string>(keys?: readonly K[]): SearchQuery<K> {
  return new SearchQuery<K>(keys);
}

export function searchBinaries(): SearchQuery<BinarySearchKey> {
  return search(SEARCH_KEYS.binaries);
}
