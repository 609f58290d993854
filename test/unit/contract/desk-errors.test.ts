// Failures in the contract's error shape: the server's words, status, request id and fields
// kept; the other rooms' errors keep their code; nothing but plain data crosses.
import { describe, expect, it } from 'vitest';
import { PeridioError } from '../../../src-main/peridio/index.js';
import { JobStateError } from '../../../src-main/queue/index.js';
import { DeskCommandError, toDeskError } from '../../../src-main/service/index.js';
import { SettingsError } from '../../../src-main/settings/index.js';

describe('toDeskError', () => {
  it('keeps the server’s words, status, request id and each field', () => {
    const error = new PeridioError({
      code: 'validation',
      message: 'The server refused the binary: target has already been taken (request abc-123).',
      status: 422,
      requestId: 'abc-123',
      errors: { target: ['has already been taken'], custom_metadata: { size: ['too big'] } },
    });
    const data = toDeskError(error);
    expect(data).toEqual({
      code: 'validation',
      message: error.message,
      status: 422,
      requestId: 'abc-123',
      fields: [
        { field: 'target', message: 'has already been taken' },
        { field: 'custom_metadata.size', message: 'too big' },
      ],
    });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('keeps the server’s detail as a message for the whole request', () => {
    const data = toDeskError(
      new PeridioError({
        code: 'not_found',
        message: 'Not Found',
        status: 404,
        errors: { detail: 'Not Found' },
      }),
    );
    expect(data.fields).toEqual([{ field: 'request', message: 'Not Found' }]);
    expect(data.requestId).toBeUndefined();
  });

  it('gives a network failure no status and no fields', () => {
    const data = toDeskError(new PeridioError({ code: 'network', message: 'unreachable' }));
    expect(data).toEqual({ code: 'network', message: 'unreachable' });
  });

  it('maps the settings, queue and other rooms’ errors by their code', () => {
    expect(
      toDeskError(
        new SettingsError('invalid_profile', 'bad', [{ field: 'baseUrl', message: 'no' }]),
      ),
    ).toEqual({
      code: 'invalid_profile',
      message: 'bad',
      fields: [{ field: 'baseUrl', message: 'no' }],
    });
    expect(toDeskError(new JobStateError('the job is done'))).toEqual({
      code: 'job_state',
      message: 'the job is done',
    });
    expect(
      toDeskError(Object.assign(new Error('no keychain'), { code: 'vault_unavailable' })),
    ).toEqual({
      code: 'vault_unavailable',
      message: 'no keychain',
    });
    expect(toDeskError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toDeskError('odd')).toEqual({ code: 'internal', message: 'odd' });
    const wrapped = new DeskCommandError({ code: 'x', message: 'y' });
    expect(toDeskError(wrapped)).toBe(wrapped.data);
    expect(JSON.parse(JSON.stringify(wrapped))).toEqual({ code: 'x', message: 'y' });
  });
});
