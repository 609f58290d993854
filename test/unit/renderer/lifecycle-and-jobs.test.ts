import { describe, expect, it } from 'vitest';
import { lifecycleSteps } from '../../../src-renderer/lib/lifecycle.js';
import {
  actionLabel,
  fileNameOf,
  jobActions,
  statusWords,
  stepWords,
  type JobAction,
} from '../../../src-renderer/lib/job-words.js';

describe('a binary lifecycle as steps', () => {
  it('marks the steps before the state done, the state current and the rest to do', () => {
    expect(lifecycleSteps('hashing')).toEqual([
      { name: 'uploadable', status: 'done' },
      { name: 'hashable', status: 'done' },
      { name: 'hashing', status: 'current' },
      { name: 'signable', status: 'todo' },
      { name: 'signed', status: 'todo' },
    ]);
    expect(lifecycleSteps('uploadable')?.[0]).toEqual({ name: 'uploadable', status: 'current' });
  });

  it('has no steps for a destroyed binary', () => {
    expect(lifecycleSteps('destroyed')).toBeNull();
  });
});

describe('an upload job in words', () => {
  const job = {
    status: 'queued' as const,
    binaryState: null,
    waitingReason: null,
    error: null,
  };

  it('says a waiting job waits, with the reason, never that it failed', () => {
    const words = statusWords({
      ...job,
      status: 'waiting',
      waitingReason: 'the server is offline',
    });
    expect(words).toBe('Waiting: the server is offline');
    expect(words).not.toMatch(/fail/i);
  });

  it('says Signed for a done job whose binary is signed, else Done', () => {
    expect(statusWords({ ...job, status: 'done', binaryState: 'signed' })).toBe('Signed');
    expect(statusWords({ ...job, status: 'done', binaryState: 'signable' })).toBe('Done');
  });

  it('quotes the failure message', () => {
    expect(
      statusWords({ ...job, status: 'failed', error: { code: 'x', message: 'hash mismatch' } }),
    ).toBe('Failed: hash mismatch');
  });

  it('offers the buttons the engine allows, in a steady order, with their words', () => {
    const none = { pause: false, resume: false, retry: false, cancel: false };
    expect(jobActions({ allowedActions: { ...none, cancel: true, pause: true } })).toEqual([
      'pause',
      'cancel',
    ]);
    expect(jobActions({ allowedActions: { ...none, retry: true } })).toEqual(['retry']);
    expect(jobActions({ allowedActions: none })).toEqual([]);
    expect(['pause', 'resume', 'retry', 'cancel'].map((a) => actionLabel(a as JobAction))).toEqual([
      'Pause',
      'Resume',
      'Retry',
      'Cancel',
    ]);
  });

  it('names steps in words and files by their last path segment on any OS', () => {
    expect(stepWords('waiting-signable')).toBe('Server is checking the hash');
    // A step never repeats a status word, so each status appears once in a job's text.
    for (const step of [
      'queued',
      'hashing-file',
      'finding-binary',
      'uploading',
      'completing',
      'hashing',
      'waiting-signable',
      'signing',
      'done',
    ] as const) {
      expect(stepWords(step)).not.toMatch(/queued|uploading|waiting|signed|done|paused|failed/i);
    }
    expect(fileNameOf('/home/a/out/fw.bin')).toBe('fw.bin');
    expect(fileNameOf('C:\\builds\\fw.img')).toBe('fw.img');
  });
});
