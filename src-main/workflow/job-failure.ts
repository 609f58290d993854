// How a step's failure ends a job: waiting (the network or the server's health, which pass by
// themselves), failed (a person must act), or interrupted (paused, cancelled, shut down).
import { isPeridioError } from '../peridio/index.js';
import type { JobError, JobOutcome } from '../queue/index.js';
import { UploadError } from '../upload/index.js';

/** A reason a person must fix, in words they can act on. */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJSON(): JobError {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Peridio client failures that pass by themselves. */
export const TRANSIENT_CLIENT_CODES = new Set([
  'network',
  'timeout',
  'rate_limited',
  'server_error',
]);

export function outcomeOf(error: unknown, signal: AbortSignal): JobOutcome {
  if (signal.aborted) return { status: 'interrupted' };
  if (error instanceof JobFailure) return { status: 'failed', error: error.toJSON() };
  if (error instanceof UploadError) {
    if (error.code === 'aborted') return { status: 'interrupted' };
    return error.retryable
      ? { status: 'waiting', reason: error.message }
      : { status: 'failed', error: error.toJSON() };
  }
  if (isPeridioError(error)) {
    if (error.code === 'aborted') return { status: 'interrupted' };
    if (TRANSIENT_CLIENT_CODES.has(error.code)) return { status: 'waiting', reason: error.message };
    const { code, message, details } = error.toJSON();
    return { status: 'failed', error: { code, message, details: { ...details } } };
  }
  return {
    status: 'failed',
    error: { code: 'internal', message: `Unexpected error: ${(error as Error)?.message ?? error}` },
  };
}
