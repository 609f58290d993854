// Binary rows and their answer shape, shared by the binary, part, signature and download code.
import type { BinaryState } from '../lifecycle/index.js';
import type { Binary, BinarySignatureSummary } from '../peridio/index.js';
import { formatTimestamp } from './clock.js';
import { parseJsonColumn, type ServerContext } from './context.js';

export interface BinaryRow {
  id: number;
  prn: string;
  storage_id: string;
  artifact_version_prn: string;
  target: string;
  hash: string;
  size: number;
  description: string | null;
  custom_metadata: string | null;
  state: BinaryState;
  revision: number;
  inserted_at: number;
  updated_at: number;
}

export interface PartRow {
  id: number;
  prn: string;
  binary_prn: string;
  part_index: number;
  hash: string;
  size: number;
  state: 'uploadable' | 'valid' | 'invalid_size' | 'invalid_hash';
  upload_id: string;
  inserted_at: number;
  updated_at: number;
}

/** States in which the binary's content is complete and joined, so it can be downloaded. */
export const CONTENT_STATES: readonly BinaryState[] = ['hashable', 'hashing', 'signable', 'signed'];

export function findBinary(ctx: ServerContext, prn: string): BinaryRow | undefined {
  return ctx.db.prepare('SELECT * FROM binaries WHERE prn = ?').get(prn) as BinaryRow | undefined;
}

export function validParts(ctx: ServerContext, binaryPrn: string): PartRow[] {
  return ctx.db
    .prepare(
      "SELECT * FROM binary_parts WHERE binary_prn = ? AND state = 'valid' ORDER BY part_index",
    )
    .all(binaryPrn) as PartRow[];
}

export function serializeBinary(ctx: ServerContext, row: BinaryRow): Binary {
  const signatures = ctx.db
    .prepare(
      'SELECT signature, signing_key_prn, keyid FROM binary_signatures WHERE binary_prn = ? ORDER BY inserted_at, id',
    )
    .all(row.prn) as BinarySignatureSummary[];
  const uploaded = ctx.db
    .prepare(
      "SELECT COALESCE(SUM(size), 0) AS bytes FROM binary_parts WHERE binary_prn = ? AND state = 'valid'",
    )
    .get(row.prn) as { bytes: number };
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    artifact_version_prn: row.artifact_version_prn,
    target: row.target,
    hash: row.hash,
    size: row.size,
    description: row.description,
    custom_metadata: parseJsonColumn(row.custom_metadata),
    state: row.state,
    revision: row.revision,
    signatures: signatures.length > 0 ? signatures : null,
    destroyed: row.state === 'destroyed',
    bytes_uploaded: uploaded.bytes,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}
