// The list endpoints' `search` language: 1..5 clauses joined by ` and `, each
// `key<op>value` with op one of `:` (equals), `~` (case-sensitive substring), `-`
// (case-insensitive substring), `<`, `<=`, `>`, `>=`. Strings are single-quoted with
// backslash escapes; numbers and booleans may be bare. Compiled to parameterized SQL only.
import { parseTimestamp } from './clock.js';
import { fieldError } from './errors.js';

export type SearchOperator = ':' | '~' | '-' | '<' | '<=' | '>' | '>=';
export type SearchFieldType = 'string' | 'integer' | 'datetime' | 'boolean';

export interface SearchField {
  /** The column, written by us, never taken from the request. */
  column: string;
  type: SearchFieldType;
}

export type SearchFields = Record<string, SearchField>;

export interface SearchClause {
  key: string;
  operator: SearchOperator;
  value: string;
  quoted: boolean;
}

export const MAX_SEARCH_CLAUSES = 5;

// Longest first so that `<=` is not read as `<` followed by `=`.
const OPERATORS: readonly SearchOperator[] = ['<=', '>=', ':', '~', '-', '<', '>'];

const OPERATORS_BY_TYPE: Record<SearchFieldType, readonly SearchOperator[]> = {
  string: [':', '~', '-'],
  integer: [':', '<', '<=', '>', '>='],
  datetime: [':', '<', '<=', '>', '>='],
  boolean: [':'],
};

function invalid(message: string): never {
  throw fieldError('search', message);
}

/** Parses a search string into clauses; throws a 422 on `search` when it is not one. */
export function parseSearch(search: string): SearchClause[] {
  const clauses: SearchClause[] = [];
  let at = 0;
  const text = search.trim();
  if (text.length === 0) invalid("can't be blank");
  while (true) {
    const keyMatch = /^[a-z_]+/.exec(text.slice(at));
    if (!keyMatch) invalid(`expected a field name at position ${at + 1}`);
    const key = keyMatch[0];
    at += key.length;
    const operator = OPERATORS.find((op) => text.startsWith(op, at));
    if (!operator) invalid(`expected an operator (: ~ - < <= > >=) after "${key}"`);
    at += operator.length;
    let value = '';
    let quoted = false;
    if (text[at] === "'") {
      quoted = true;
      at += 1;
      let closed = false;
      while (at < text.length) {
        const char = text[at];
        if (char === '\\') {
          if (at + 1 >= text.length) break;
          value += text[at + 1];
          at += 2;
        } else if (char === "'") {
          closed = true;
          at += 1;
          break;
        } else {
          value += char;
          at += 1;
        }
      }
      if (!closed) invalid(`the value of "${key}" has no closing quote`);
    } else {
      const bare = /^[^\s']+/.exec(text.slice(at));
      if (!bare) invalid(`expected a value after "${key}${operator}"`);
      value = bare[0];
      at += value.length;
    }
    clauses.push({ key, operator, value, quoted });
    if (clauses.length > MAX_SEARCH_CLAUSES) {
      invalid(`at most ${MAX_SEARCH_CLAUSES} clauses are allowed`);
    }
    if (at === text.length) return clauses;
    const joiner = /^\s+and\s+/.exec(text.slice(at));
    if (!joiner) invalid(`expected " and " between clauses at position ${at + 1}`);
    at += joiner[0].length;
  }
}

export interface SqlCondition {
  sql: string;
  params: (string | number)[];
}

const COMPARISON_SQL: Record<SearchOperator, string> = {
  ':': '=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '~': '',
  '-': '',
};

function compileClause(clause: SearchClause, fields: SearchFields): SqlCondition {
  // Own fields only: `constructor` or `__proto__` is a property of every object, not a field.
  const field = Object.hasOwn(fields, clause.key) ? fields[clause.key] : undefined;
  if (!field) {
    invalid(`"${clause.key}" cannot be searched; searchable: ${Object.keys(fields).join(', ')}`);
  }
  if (!OPERATORS_BY_TYPE[field.type].includes(clause.operator)) {
    invalid(`"${clause.key}" does not support the "${clause.operator}" operator`);
  }
  const column = field.column;
  switch (field.type) {
    case 'string': {
      if (!clause.quoted) invalid(`the value of "${clause.key}" must be single-quoted`);
      if (clause.operator === '~')
        return { sql: `instr(${column}, ?) > 0`, params: [clause.value] };
      if (clause.operator === '-') {
        return { sql: `instr(lower(${column}), lower(?)) > 0`, params: [clause.value] };
      }
      return { sql: `${column} = ?`, params: [clause.value] };
    }
    case 'integer': {
      if (!/^-?\d+$/.test(clause.value)) invalid(`the value of "${clause.key}" must be an integer`);
      return {
        sql: `${column} ${COMPARISON_SQL[clause.operator]} ?`,
        params: [Number(clause.value)],
      };
    }
    case 'datetime': {
      const micros = clause.quoted ? parseTimestamp(clause.value) : undefined;
      if (micros === undefined) {
        invalid(`the value of "${clause.key}" must be a quoted ISO-8601 date-time`);
      }
      return { sql: `${column} ${COMPARISON_SQL[clause.operator]} ?`, params: [micros] };
    }
    case 'boolean': {
      if (clause.value !== 'true' && clause.value !== 'false') {
        invalid(`the value of "${clause.key}" must be true or false`);
      }
      return { sql: `${column} = ?`, params: [clause.value === 'true' ? 1 : 0] };
    }
  }
}

/** The SQL condition for a search string over the given fields. */
export function compileSearch(search: string, fields: SearchFields): SqlCondition {
  const conditions = parseSearch(search).map((clause) => compileClause(clause, fields));
  return {
    sql: conditions.map((c) => `(${c.sql})`).join(' AND '),
    params: conditions.flatMap((c) => c.params),
  };
}
