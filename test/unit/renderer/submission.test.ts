// A dialog's submission: busy while the work runs, the failure kept for people when it throws
// (the dialog stays open and shows it), and cleared when the person tries again.
import { describe, expect, it } from 'vitest';
import { DeskFailure } from '../../../src-renderer/lib/desk-failure.js';
import { Submission } from '../../../src-renderer/lib/submission.svelte.js';

describe('Submission', () => {
  it('is busy while the work runs and answers true when it finished', async () => {
    const submission = new Submission();
    let finish!: () => void;
    const running = submission.run(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(submission.busy).toBe(true);
    finish();
    expect(await running).toBe(true);
    expect(submission.busy).toBe(false);
    expect(submission.error).toBeNull();
  });

  it('keeps the engine’s error (words, status, request id) and clears it on the next try', async () => {
    const submission = new Submission();
    const refused = new DeskFailure({
      code: 'forbidden',
      message: 'The API key is not allowed here.',
      status: 403,
      requestId: 'req-1',
    });
    expect(await submission.run(() => Promise.reject(refused))).toBe(false);
    expect(submission.busy).toBe(false);
    expect(submission.error).toMatchObject({ code: 'forbidden', status: 403, requestId: 'req-1' });

    let seenDuringRetry: unknown = 'not run';
    expect(
      await submission.run(async () => {
        seenDuringRetry = submission.error;
      }),
    ).toBe(true);
    expect(seenDuringRetry).toBeNull();
  });

  it('turns anything thrown into words a person can read', async () => {
    const submission = new Submission();
    await submission.run(() => Promise.reject(new Error('socket hang up')));
    expect(submission.error?.message).toContain('socket hang up');
  });
});
