// A job as the queue's `jobs` table stores it, and as the engine sees it.
import type { BinaryState } from '../lifecycle/index.js';
import type { SqliteValue } from '../sqlite/index.js';
import { JOB_STATUSES, JOB_STEPS } from './job-types.js';
import type { Job, JobError, JobStatus, JobStep, UploadRequest } from './job-types.js';

export interface JobRow {
  id: string;
  seq: number;
  created_at: string;
  updated_at: string;
  status: JobStatus;
  step: JobStep;
  request: string;
  workspace: string;
  queued_size: number;
  queued_mtime_ms: number;
  binary_id: string;
  binary_prn: string | null;
  binary_state: BinaryState | null;
  error: string | null;
  waiting_reason: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  source_path: string | null;
  content_sha256: string | null;
}

/** The table's columns in their stored order (the migrations' CREATE, then each ADD COLUMN). */
export const JOB_COLUMNS = [
  'id',
  'seq',
  'created_at',
  'updated_at',
  'status',
  'step',
  'request',
  'workspace',
  'queued_size',
  'queued_mtime_ms',
  'binary_id',
  'binary_prn',
  'binary_state',
  'error',
  'waiting_reason',
  'attempts',
  'lease_owner',
  'lease_until',
  'source_path',
  'content_sha256',
] as const satisfies readonly (keyof JobRow)[];

/** Columns a row written before the later migrations lacks (read as NULL). */
const ADDED_COLUMNS = 2;

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status,
    step: row.step,
    request: JSON.parse(row.request) as UploadRequest,
    queuedFile: { size: row.queued_size, mtimeMs: row.queued_mtime_ms },
    binaryId: row.binary_id,
    binaryPrn: row.binary_prn,
    binaryState: row.binary_state,
    error: row.error === null ? null : (JSON.parse(row.error) as JobError),
    waitingReason: row.waiting_reason,
    attempts: row.attempts,
    sourcePath: row.source_path,
    sha256: row.content_sha256,
  };
}

const TEXT = (v: unknown): v is string => typeof v === 'string';
const TEXT_OR_NULL = (v: unknown): v is string | null => v === null || typeof v === 'string';
const WHOLE = (v: unknown): v is number => Number.isSafeInteger(v);
const NUMBER = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function isJson(text: string | null, check: (value: unknown) => boolean): boolean {
  if (text === null) return true;
  try {
    return check(JSON.parse(text));
  } catch {
    return false;
  }
}

function isRequest(value: unknown): boolean {
  const request = value as Partial<Record<keyof UploadRequest, unknown>> | null;
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof request.path === 'string' &&
    typeof request.artifactVersionPrn === 'string' &&
    typeof request.target === 'string' &&
    typeof request.workspace === 'string'
  );
}

/**
 * The job a record read off a damaged file holds, or undefined when the record is not a
 * whole, well-formed job row (another table's row, or one the damage reached).
 */
export function jobRowOf(values: readonly SqliteValue[]): JobRow | undefined {
  const count = JOB_COLUMNS.length;
  if (values.length > count || values.length < count - ADDED_COLUMNS) return undefined;
  const v = [...values, ...Array<SqliteValue>(count - values.length).fill(null)];
  const [id, seq, createdAt, updatedAt, status, step, request, workspace] = v;
  const [size, mtime, binaryId, binaryPrn, binaryState, error, waiting, attempts] = v.slice(8);
  const [leaseOwner, leaseUntil, sourcePath, sha256] = v.slice(16);
  const whole =
    TEXT(id) &&
    UUID.test(id) &&
    WHOLE(seq) &&
    TEXT(createdAt) &&
    TEXT(updatedAt) &&
    !Number.isNaN(Date.parse(updatedAt)) &&
    JOB_STATUSES.includes(status as JobStatus) &&
    JOB_STEPS.includes(step as JobStep) &&
    TEXT(request) &&
    isJson(request, isRequest) &&
    TEXT(workspace) &&
    WHOLE(size) &&
    NUMBER(mtime) &&
    TEXT(binaryId) &&
    TEXT_OR_NULL(binaryPrn) &&
    TEXT_OR_NULL(binaryState) &&
    TEXT_OR_NULL(error) &&
    isJson(error, (e) => typeof (e as JobError | null)?.message === 'string') &&
    TEXT_OR_NULL(waiting) &&
    WHOLE(attempts) &&
    TEXT_OR_NULL(leaseOwner) &&
    (leaseUntil === null || WHOLE(leaseUntil)) &&
    TEXT_OR_NULL(sourcePath) &&
    TEXT_OR_NULL(sha256);
  if (!whole) return undefined;
  return Object.fromEntries(JOB_COLUMNS.map((column, i) => [column, v[i]])) as unknown as JobRow;
}
