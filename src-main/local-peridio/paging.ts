// List paging: `limit` 1..100 (default 10), `order` asc|desc, `search`, and an opaque
// `page` cursor. The cursor is a keyset (order column value + row id, base64url JSON), so
// pages stay stable while rows are added and no OFFSET scans are needed.
import type { Database } from 'better-sqlite3';
import { fieldError } from './errors.js';
import { compileSearch, type SearchFields, type SqlCondition } from './search-query.js';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

export type Order = 'asc' | 'desc';

export interface ListQuery {
  limit: number;
  order: Order;
  /** The keyset position after which the page starts. */
  after?: [number, number];
  search?: string;
}

interface Cursor {
  o: Order;
  k: [number, number];
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(page: string): Cursor | undefined {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(page)) return undefined;
    const value: unknown = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { o, k } = value as Record<string, unknown>;
    if (o !== 'asc' && o !== 'desc') return undefined;
    if (!Array.isArray(k) || k.length !== 2 || !k.every((n) => Number.isSafeInteger(n))) {
      return undefined;
    }
    return { o, k: [k[0] as number, k[1] as number] };
  } catch {
    return undefined;
  }
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw fieldError(name, 'must be given once');
  return value;
}

/** Reads limit/order/page/search from a request's query string; bad values are 422. */
export function parseListQuery(rawQuery: unknown): ListQuery {
  const query = (typeof rawQuery === 'object' && rawQuery !== null ? rawQuery : {}) as Record<
    string,
    unknown
  >;
  const limitText = single(query, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      throw fieldError('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    }
  }
  const orderText = single(query, 'order');
  if (orderText !== undefined && orderText !== 'asc' && orderText !== 'desc') {
    throw fieldError('order', 'must be asc or desc');
  }
  const page = single(query, 'page');
  let order: Order = orderText ?? 'asc';
  let after: [number, number] | undefined;
  if (page !== undefined && page !== '') {
    const cursor = decodeCursor(page);
    if (!cursor) throw fieldError('page', 'is invalid: pass the next_page of a previous answer');
    if (orderText !== undefined && orderText !== cursor.o) {
      throw fieldError('page', `was made for order ${cursor.o}, not ${orderText}`);
    }
    order = cursor.o;
    after = cursor.k;
  }
  const search = single(query, 'search');
  return { limit, order, ...(after ? { after } : {}), ...(search !== undefined ? { search } : {}) };
}

export interface ListSpec {
  /** Table and columns are written by us; request values only ever become parameters. */
  table: string;
  /** The column lists are ordered by (default `inserted_at`), with `id` breaking ties. */
  orderColumn?: string;
  searchFields: SearchFields;
  /** A fixed condition, e.g. the parts of one binary. */
  where?: SqlCondition;
}

export interface Page<Row> {
  rows: Row[];
  nextPage: string | null;
}

export function listPage<Row extends { id: number }>(
  db: Database,
  spec: ListSpec,
  query: ListQuery,
): Page<Row> {
  const orderColumn = spec.orderColumn ?? 'inserted_at';
  const conditions: SqlCondition[] = [];
  if (spec.where) conditions.push(spec.where);
  if (query.search !== undefined) conditions.push(compileSearch(query.search, spec.searchFields));
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.after) {
    const comparison = query.order === 'asc' ? '>' : '<';
    conditions.push({ sql: `(${orderColumn}, id) ${comparison} (?, ?)`, params: query.after });
  }
  const where =
    conditions.length > 0 ? `WHERE ${conditions.map((c) => `(${c.sql})`).join(' AND ')}` : '';
  const rows = db
    .prepare(
      `SELECT * FROM ${spec.table} ${where} ORDER BY ${orderColumn} ${direction}, id ${direction} LIMIT ?`,
    )
    .all(...conditions.flatMap((c) => c.params), query.limit + 1) as (Row &
    Record<string, unknown>)[];
  const more = rows.length > query.limit;
  const pageRows = more ? rows.slice(0, query.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const nextPage =
    more && last
      ? encodeCursor({ o: query.order, k: [last[orderColumn] as number, last.id] })
      : null;
  return { rows: pageRows, nextPage };
}
