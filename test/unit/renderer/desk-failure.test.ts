import { describe, expect, it } from 'vitest';
import type { DeskError } from '../../../src-preload/contract.js';
import { fieldMessages } from '../../../src-renderer/lib/desk-failure.js';

const refused = (fields: { field: string; message: string }[]): DeskError => ({
  code: 'invalid_input',
  message: 'The input was refused',
  fields,
});

describe('field errors for a form', () => {
  it('keys a nested field by its first segment and joins two messages for one control', () => {
    const fields = fieldMessages(
      refused([
        { field: 'signingKey.name', message: 'unknown key' },
        { field: 'signingKey', message: 'not allowed here' },
        { field: 'target', message: 'must not be empty' },
      ]),
    );
    expect(fields).toEqual({
      signingKey: 'unknown key; not allowed here',
      target: 'must not be empty',
    });
  });

  it('keys the fields of the object a form sends by their place inside it', () => {
    const fields = fieldMessages(
      refused([
        { field: 'rule.folder', message: 'is not a folder' },
        { field: 'rule.signingKey.name', message: 'unknown key' },
        { field: 'editing', message: 'no such rule' },
      ]),
      'rule',
    );
    expect(fields).toEqual({
      folder: 'is not a folder',
      signingKey: 'unknown key',
      editing: 'no such rule',
    });
  });

  it('has none without an error', () => {
    expect(fieldMessages(null)).toEqual({});
  });
});
