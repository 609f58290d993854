// What every route needs: the database, the organization, content storage, URL signing,
// the background hasher, the fault injector and the log.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { resourcePrn, type PrnType } from '../peridio/index.js';
import { TAKEN, fieldError, notFound, uniqueViolation } from './errors.js';
import type { Faults } from './faults.js';
import type { BackgroundHasher } from './hashing.js';
import type { LocalPeridioLogger } from './logger.js';
import type { PartStorage } from './part-storage.js';
import type { Presigner } from './presigned-url.js';

export interface ServerContext {
  db: Database;
  organizationId: string;
  organizationPrn: string;
  storage: PartStorage;
  presigner: Presigner;
  hasher: BackgroundHasher;
  faults: Faults;
  logger: LocalPeridioLogger;
  /** `--public-url`'s origin, for the server's own URLs; none: the address a request reached. */
  publicOrigin: string | undefined;
  /** Work that outlives its request's socket (part uploads); awaited before the database closes. */
  track<T>(work: Promise<T>): Promise<T>;
}

/** The PRN of a new resource: the create body's `id` when given, else a random UUID. */
export function newPrn(ctx: ServerContext, type: PrnType, id: string | undefined): string {
  return resourcePrn(ctx.organizationId, type, id ?? randomUUID());
}

/** A row by PRN, or a 404. */
export function findOr404<Row>(ctx: ServerContext, table: string, prn: string): Row {
  const row = ctx.db.prepare(`SELECT * FROM ${table} WHERE prn = ?`).get(prn) as Row | undefined;
  if (!row) throw notFound();
  return row;
}

/**
 * Runs an insert or update, turning UNIQUE violations into the contract's 422: a taken PRN
 * is the create body's `id`; other columns are named by `fields` (columns -> field).
 */
export function writeUnique<T>(table: string, fields: Record<string, string>, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const columns = uniqueViolation(error);
    if (columns === undefined) throw error;
    if (columns === `${table}.prn`) throw fieldError('id', TAKEN);
    throw fieldError(fields[columns] ?? columns.replace(`${table}.`, ''), TAKEN);
  }
}

export function parseJsonColumn(value: string | null): Record<string, unknown> | null {
  return value === null ? null : (JSON.parse(value) as Record<string, unknown>);
}
