// Checks a hash request, an UploadTask or a StreamTask and fills in its defaults. The main side calls it
// before anything crosses to the worker, so a malformed task is a TypeError at the caller,
// not a failed job.
import {
  DEFAULT_MAX_ATTEMPTS_PER_PART,
  DEFAULT_RETRY_DELAYS_MS,
  parsePrn,
} from '../peridio/index.js';
import { checkPreferredPartSize } from './part-plan.js';
import type {
  FileFingerprint,
  HashedFile,
  HashedPart,
  StreamTask,
  TransferOptions,
  UploadTask,
} from './types.js';

export const DEFAULT_CONCURRENCY = 4;
/** When a caller gives none; the engine passes the `stallTimeoutSeconds` preference, whose
 * default is the same minute. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** What every transfer needs, defaults filled in. */
export interface ResolvedTransfer extends Required<TransferOptions> {
  file: FileFingerprint;
}

export interface ResolvedUploadTask extends ResolvedTransfer {
  file: HashedFile;
  indices: number[];
  /** The parts to send, in index order. */
  parts: HashedPart[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function wholeNumber(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be a whole number of at least ${min}, got ${String(value)}.`);
  }
  return value;
}

function checkFingerprint(file: FileFingerprint | undefined): void {
  if (typeof file?.path !== 'string' || file.path === '') {
    throw new TypeError('file.path must name the file to upload.');
  }
  wholeNumber(file.size, 'file.size', 0);
  if (typeof file.mtimeMs !== 'number') throw new TypeError('file.mtimeMs must be a number.');
}

function checkParts(task: UploadTask): void {
  const { file } = task;
  checkFingerprint(file);
  wholeNumber(file.partSize, 'file.partSize', 1);
  if (!SHA256_HEX.test(file.sha256)) {
    throw new TypeError('file must be a HashedFile (with mtimeMs and a lowercase hex sha256).');
  }
  let offset = 0;
  file.parts.forEach((part, position) => {
    if (
      part.index !== position + 1 ||
      part.offset !== offset ||
      !Number.isSafeInteger(part.size) ||
      part.size < 1 ||
      !SHA256_HEX.test(part.sha256)
    ) {
      throw new TypeError(`file.parts[${position}] does not follow the part plan.`);
    }
    offset += part.size;
  });
  if (offset !== file.size) {
    throw new TypeError(`file.parts add up to ${offset} bytes, not file.size (${file.size}).`);
  }
}

function resolveTransfer(task: TransferOptions, file: FileFingerprint): ResolvedTransfer {
  if (typeof task?.connection?.baseUrl !== 'string' || typeof task.connection.apiKey !== 'string') {
    throw new TypeError('connection needs a baseUrl and an apiKey.');
  }
  const prn = parsePrn(task.binaryPrn, 'binary');
  if (!prn.ok) throw new TypeError(`binaryPrn: ${prn.message}.`);
  const retryDelaysMs = task.retryDelaysMs ?? [...DEFAULT_RETRY_DELAYS_MS];
  if (!retryDelaysMs.every((delay) => Number.isFinite(delay) && delay >= 0)) {
    throw new TypeError('retryDelaysMs must hold non-negative numbers of milliseconds.');
  }
  const stallTimeoutMs = task.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!Number.isFinite(stallTimeoutMs) || stallTimeoutMs <= 0) {
    throw new TypeError(`stallTimeoutMs must be a positive number, got ${stallTimeoutMs}.`);
  }
  return {
    connection: task.connection,
    binaryPrn: task.binaryPrn,
    file,
    concurrency: wholeNumber(task.concurrency ?? DEFAULT_CONCURRENCY, 'concurrency', 1),
    stallTimeoutMs,
    retryDelaysMs,
    maxAttemptsPerPart: wholeNumber(
      task.maxAttemptsPerPart ?? DEFAULT_MAX_ATTEMPTS_PER_PART,
      'maxAttemptsPerPart',
      1,
    ),
  };
}

export function resolveUploadTask(task: UploadTask): ResolvedUploadTask {
  checkParts(task);
  const transfer = resolveTransfer(task, task.file);
  const seen = new Set<number>();
  for (const index of task.indices) {
    wholeNumber(index, 'Each of indices', 1);
    if (index > task.file.parts.length || seen.has(index)) {
      throw new TypeError(
        `indices must be distinct part numbers from 1 to ${task.file.parts.length}; ${index} is not.`,
      );
    }
    seen.add(index);
  }
  const indices = [...seen].sort((a, b) => a - b);
  return {
    ...transfer,
    file: task.file,
    indices,
    parts: indices.map((index) => task.file.parts[index - 1]!),
  };
}

export interface ResolvedStreamTask extends ResolvedTransfer {
  partSize: number | undefined;
}

export function checkHashRequest(path: unknown, partSize: number | undefined): void {
  if (typeof path !== 'string' || path === '') throw new TypeError('hash needs a file path.');
  if (partSize !== undefined) checkPreferredPartSize(partSize);
}

export function resolveStreamTask(task: StreamTask): ResolvedStreamTask {
  checkFingerprint(task?.file);
  if (task.partSize !== undefined) checkPreferredPartSize(task.partSize);
  const { path, size, mtimeMs } = task.file;
  return { ...resolveTransfer(task, { path, size, mtimeMs }), partSize: task.partSize };
}
