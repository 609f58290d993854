// Upload errors cross the thread boundary as plain data and come back whole.
import { describe, expect, it } from 'vitest';
import { UploadError, isUploadError } from '../../../src-main/upload/index.js';

describe('UploadError', () => {
  it('round-trips through plain data (structured clone) with code, details and retryable', () => {
    const error = new UploadError('server_refused', 'The server said no.', {
      retryable: true,
      details: { path: '/tmp/a.bin', partIndex: 3, status: 503, requestId: 'req-1' },
    });
    const rebuilt = UploadError.fromJSON(structuredClone(error.toJSON()));
    expect(isUploadError(rebuilt, 'server_refused')).toBe(true);
    expect(rebuilt).toMatchObject({
      message: 'The server said no.',
      retryable: true,
      details: { path: '/tmp/a.bin', partIndex: 3, status: 503, requestId: 'req-1' },
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
  });

  it('is retryable by default only for network failures', () => {
    expect(new UploadError('network', 'down').retryable).toBe(true);
    expect(new UploadError('file_changed', 'changed').retryable).toBe(false);
    expect(new UploadError('server_refused', 'no').retryable).toBe(false);
  });
});
