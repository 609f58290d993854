// The checksum header of a part PUT, with the contract page's example.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { partChecksumHeader } from '../../../src-main/upload/index.js';

describe('partChecksumHeader', () => {
  it('is the padded base64 of the raw digest (the contract page example)', () => {
    const hash = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
    expect(createHash('sha256').update('hello world').digest('hex')).toBe(hash);
    expect(partChecksumHeader(hash)).toBe('uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=');
  });

  it('refuses anything that is not a lowercase hex SHA-256', () => {
    expect(() =>
      partChecksumHeader('B94D27B9934D3E08A52E52D7DA7DABFAC484EFE37A5380EE9088F7ACE2EFCDE9'),
    ).toThrow(TypeError);
    expect(() => partChecksumHeader('abc')).toThrow(TypeError);
  });
});
