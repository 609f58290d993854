// How a file is cut into parts. The part size grows with the file so that no file needs more
// than the API's 10,000 parts, and never drops below 8 MiB, which keeps requests few (the
// official CLI's fixed 5 MiB caps it near 48.8 GiB and makes many small requests).
import { PART_LIMITS } from '../peridio/index.js';
import type { PartPlan, PlannedPart } from './types.js';
import { UploadError } from './upload-error.js';

export const MiB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * MiB;
export const MAX_FILE_SIZE = PART_LIMITS.maxBinarySize;

export interface PartPlanOptions {
  /**
   * A larger part size to use when the file allows it (fewer, bigger requests); still raised
   * to what the file size needs, and rounded up to a whole MiB.
   */
  partSize?: number;
}

/** Throws a RangeError for a part size the API would refuse. */
export function checkPreferredPartSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < PART_LIMITS.minPartSize) {
    throw new RangeError(
      `The part size must be a whole number of bytes of at least ${PART_LIMITS.minPartSize}, got ${size}.`,
    );
  }
  if (size > PART_LIMITS.maxPartSize) {
    throw new RangeError(
      `The part size must be at most ${PART_LIMITS.maxPartSize} bytes (5 GiB), got ${size}.`,
    );
  }
}

/** Parts of one size but the last; 0 parts for an empty file (it goes through without any). */
export function planParts(fileSize: number, options: PartPlanOptions = {}): PartPlan {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new RangeError(`A file size must be a whole number of bytes, got ${fileSize}.`);
  }
  if (fileSize > MAX_FILE_SIZE) {
    throw new UploadError(
      'file_too_large',
      `The file is ${fileSize} bytes; Peridio takes at most ${MAX_FILE_SIZE} bytes ` +
        '(10,000 parts of 5 GiB) per binary.',
      { details: { size: fileSize, maxSize: MAX_FILE_SIZE } },
    );
  }
  const preferred = options.partSize ?? DEFAULT_PART_SIZE;
  checkPreferredPartSize(preferred);
  const needed = Math.max(preferred, Math.ceil(fileSize / PART_LIMITS.maxParts));
  const partSize = Math.ceil(needed / MiB) * MiB;
  const parts: PlannedPart[] = [];
  for (let offset = 0, index = 1; offset < fileSize; offset += partSize, index += 1) {
    parts.push({ index, offset, size: Math.min(partSize, fileSize - offset) });
  }
  return { fileSize, partSize, parts };
}
