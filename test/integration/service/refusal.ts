// What a desk service command refused with: the contract's error, for the test to read.
import { expect } from 'vitest';
import type { DeskError } from '../../../src-preload/contract.js';
import { DeskCommandError } from '../../../src-main/service/index.js';

export async function refusalOf(call: Promise<unknown>): Promise<DeskError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeskCommandError);
  return (error as DeskCommandError).data;
}
