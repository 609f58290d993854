// What a job allows is one rule: the store accepts an action exactly when the allowed actions
// every face is shown say so, for every status.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  JOB_ACTIONS,
  JOB_STATUSES,
  JobStateError,
  JobStore,
  jobAllowedActions,
  type Job,
  type JobStatus,
  type UploadRequest,
} from '../../../src-main/queue/index.js';

const REQUEST: UploadRequest = {
  path: '/builds/out/firmware.img',
  artifactVersionPrn:
    'prn:1:1f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f:artifact_version:2a7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f',
  target: 'aarch64-unknown-linux-gnu',
  signingKey: null,
  replace: false,
  workspace: 'local',
};

let dir: string;
let store: JobStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'job-actions-'));
  store = JobStore.open(path.join(dir, 'queue.sqlite'));
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A job of its own in `status`, reached the way the queue gets there. */
function jobIn(status: JobStatus): Job {
  const job = store.enqueue({ ...REQUEST, target: `t-${status}` }, { size: 1, mtimeMs: 1 });
  const claim = () =>
    store.claimNext({
      owner: 'runner',
      workspace: 'local',
      leaseUntil: Date.now() + 60_000,
      onlyIds: [job.id],
    });
  switch (status) {
    case 'queued':
      break;
    case 'running':
      claim();
      break;
    case 'waiting':
      claim();
      store.release(job.id, 'runner', { status: 'waiting', reason: 'offline' });
      break;
    case 'paused':
      store.pause(job.id);
      break;
    case 'done':
      claim();
      store.release(job.id, 'runner', { status: 'done' });
      break;
    case 'failed':
      claim();
      store.release(job.id, 'runner', {
        status: 'failed',
        error: { code: 'x', message: 'broke' },
      });
      break;
    case 'cancelled':
      store.cancel(job.id);
      break;
  }
  const now = store.get(job.id);
  expect(now.status).toBe(status);
  return now;
}

describe('the actions a job allows', () => {
  it('are these, per status', () => {
    const table = Object.fromEntries(JOB_STATUSES.map((s) => [s, jobAllowedActions(s)]));
    const none = { pause: false, resume: false, retry: false, cancel: false };
    expect(table).toEqual({
      queued: { ...none, pause: true, cancel: true },
      running: { ...none, pause: true, cancel: true },
      waiting: { ...none, pause: true, cancel: true },
      paused: { ...none, resume: true, cancel: true },
      done: none,
      failed: { ...none, retry: true },
      cancelled: { ...none, retry: true },
    });
  });

  for (const status of JOB_STATUSES) {
    for (const action of JOB_ACTIONS) {
      const allowed = jobAllowedActions(status)[action];
      it(`${action} on a ${status} job is ${allowed ? 'done' : 'refused'} by the store`, () => {
        const job = jobIn(status);
        const act = () => store[action](job.id);
        if (allowed) expect(act().status).not.toBe(status);
        else {
          expect(act).toThrow(JobStateError);
          expect(store.get(job.id).status).toBe(status);
        }
      });
    }
  }
});
