// How files are cut into parts: the 8 MiB floor, growth with the file so that 10,000 parts
// always suffice, and the largest file Peridio takes.
import { describe, expect, it } from 'vitest';
import { PART_LIMITS } from '../../../src-main/peridio/index.js';
import {
  MAX_FILE_SIZE,
  MiB,
  isUploadError,
  planParts,
  type PartPlan,
} from '../../../src-main/upload/index.js';

const GiB = 1024 * MiB;

/** The properties every plan must have for the server to join the parts. */
function expectJoinable(plan: PartPlan): void {
  expect(plan.parts.length).toBeLessThanOrEqual(PART_LIMITS.maxParts);
  expect(plan.partSize % MiB).toBe(0);
  let offset = 0;
  plan.parts.forEach((part, position) => {
    expect(part.index).toBe(position + 1);
    expect(part.offset).toBe(offset);
    if (position < plan.parts.length - 1) expect(part.size).toBe(plan.partSize);
    expect(part.size).toBeGreaterThan(0);
    expect(part.size).toBeLessThanOrEqual(PART_LIMITS.maxPartSize);
    offset += part.size;
  });
  expect(offset).toBe(plan.fileSize);
}

describe('planParts', () => {
  it('plans no parts for an empty file', () => {
    expect(planParts(0)).toEqual({ fileSize: 0, partSize: 8 * MiB, parts: [] });
  });

  it('uses 8 MiB parts for small and medium files, the last one shorter', () => {
    expect(planParts(1).parts).toEqual([{ index: 1, offset: 0, size: 1 }]);
    const plan = planParts(20 * MiB);
    expect(plan.partSize).toBe(8 * MiB);
    expect(plan.parts).toEqual([
      { index: 1, offset: 0, size: 8 * MiB },
      { index: 2, offset: 8 * MiB, size: 8 * MiB },
      { index: 3, offset: 16 * MiB, size: 4 * MiB },
    ]);
    expect(planParts(16 * MiB).parts.map((part) => part.size)).toEqual([8 * MiB, 8 * MiB]);
  });

  it('takes a file just past what the official CLI can (10,000 x 5 MiB + 1) in 8 MiB parts', () => {
    const plan = planParts(10_000 * 5 * MiB + 1);
    expect(plan.partSize).toBe(8 * MiB);
    expect(plan.parts).toHaveLength(6251);
    expectJoinable(plan);
  });

  it('grows the part size past 80,000 MiB, rounded up to a whole MiB', () => {
    const exact = planParts(10_000 * 8 * MiB);
    expect(exact.partSize).toBe(8 * MiB);
    expect(exact.parts).toHaveLength(10_000);
    const oneMore = planParts(10_000 * 8 * MiB + 1);
    expect(oneMore.partSize).toBe(9 * MiB);
    expectJoinable(oneMore);
  });

  it('cuts 100 GiB into 11 MiB parts (100 GiB / 10,000 = 10.24 MiB)', () => {
    const plan = planParts(100 * GiB);
    expect(plan.partSize).toBe(11 * MiB);
    expect(plan.parts).toHaveLength(Math.ceil((100 * 1024) / 11));
    expectJoinable(plan);
  });

  it('plans the largest file Peridio takes as 10,000 parts of 5 GiB', () => {
    const plan = planParts(MAX_FILE_SIZE);
    expect(plan.partSize).toBe(5 * GiB);
    expect(plan.parts).toHaveLength(10_000);
    expectJoinable(plan);
  });

  it('refuses a larger file with file_too_large before anything is sent', () => {
    let caught: unknown;
    try {
      planParts(MAX_FILE_SIZE + 1);
    } catch (error) {
      caught = error;
    }
    expect(isUploadError(caught, 'file_too_large')).toBe(true);
    expect(caught).toMatchObject({ retryable: false, details: { size: MAX_FILE_SIZE + 1 } });
    expect((caught as Error).message).toContain('10,000 parts of 5 GiB');
  });

  it('honours a larger preferred part size, but never below what the file needs', () => {
    expect(planParts(20 * MiB, { partSize: 64 * MiB }).parts).toHaveLength(1);
    expect(planParts(100 * GiB, { partSize: 6 * MiB }).partSize).toBe(11 * MiB);
    expect(planParts(20 * MiB, { partSize: 5 * MiB + 1 }).partSize).toBe(6 * MiB);
    expect(() => planParts(20 * MiB, { partSize: 4 * MiB })).toThrow(RangeError);
    expect(() => planParts(20 * MiB, { partSize: 6 * GiB })).toThrow(RangeError);
  });

  it('refuses sizes that are not whole numbers of bytes', () => {
    expect(() => planParts(-1)).toThrow(RangeError);
    expect(() => planParts(1.5)).toThrow(RangeError);
    expect(() => planParts(Number.NaN)).toThrow(RangeError);
  });
});
