// The queue at a glance (tray tooltip, tray menu, taskbar bar) and the job-end notices.
import { describe, expect, it } from 'vitest';
import type { DeskEvent, JobStatus, JobView } from '../../../src-preload/contract.js';
import { jobEndNotice } from '../../../src-main/electron/job-notice.js';
import { QueueProgress } from '../../../src-main/electron/queue-progress.js';
import { jobAllowedActions } from '../../../src-main/queue/index.js';

function job(id: string, status: JobStatus, overrides: Partial<JobView['request']> = {}): JobView {
  return {
    id,
    createdAt: '2026-11-27T10:00:00Z',
    updatedAt: '2026-11-27T10:00:00Z',
    status,
    step: 'queued',
    request: {
      path: `/builds/${id}/firmware.bin`,
      artifactVersionPrn: 'prn:1:x:artifact_version:y',
      target: 'arm64-linux',
      signingKey: null,
      replace: false,
      workspace: 'local',
      ...overrides,
    },
    binaryPrn: null,
    binaryState: null,
    error: null,
    waitingReason: null,
    attempts: 0,
    sourcePath: null,
    sha256: null,
    allowedActions: jobAllowedActions(status),
  };
}

const progress = (
  jobId: string,
  phase: 'hashing' | 'uploading',
  bytesDone: number,
  bytesTotal: number,
): DeskEvent => ({
  name: 'job:progress',
  payload: { jobId, progress: { phase, bytesDone, bytesTotal, bytesPerSecond: 1, etaSeconds: 1 } },
});

describe('QueueProgress', () => {
  it('says there is nothing to do and shows no bar for an empty queue', () => {
    const snapshot = new QueueProgress().snapshot();
    expect(snapshot.tooltip).toBe('Peridio Desk: no uploads');
    expect(snapshot.fraction).toBeNull();
    expect(snapshot.pausableIds).toEqual([]);
  });

  it('counts jobs by state from jobs.list, and offers to pause or resume the right ones', () => {
    const queue = new QueueProgress();
    queue.setJobs([
      job('a', 'running'),
      job('b', 'queued'),
      job('c', 'waiting'),
      job('d', 'paused'),
      job('e', 'failed'),
      job('f', 'done'),
    ]);
    const snapshot = queue.snapshot();
    expect(snapshot.tooltip).toBe(
      'Peridio Desk: 1 uploading, 1 queued, 1 waiting, 1 paused, 1 failed job',
    );
    expect(snapshot.pausableIds.sort()).toEqual(['a', 'b', 'c']);
    expect(snapshot.resumableIds).toEqual(['d']);
  });

  it('weighs jobs by size; hashing is the first half of a job, sending the second', () => {
    const queue = new QueueProgress();
    queue.setJobs([job('small', 'running'), job('big', 'running')]);
    queue.onEvent(progress('small', 'uploading', 100, 100)); // all sent: 1.0 of 100 bytes
    queue.onEvent(progress('big', 'hashing', 150, 300)); // half hashed: 0.25 of 300 bytes
    expect(queue.snapshot().fraction).toBeCloseTo((100 + 75) / 400);
    expect(queue.snapshot().tooltip).toBe('Peridio Desk: 2 uploading (43%)');
    queue.onEvent(progress('big', 'uploading', 0, 300));
    expect(queue.snapshot().fraction).toBeCloseTo((100 + 150) / 400);
  });

  it('drops a job from the bar when it ends, and removes the bar when all have ended', () => {
    const queue = new QueueProgress();
    queue.onEvent({ name: 'job:queued', payload: { job: job('a', 'queued') } });
    expect(queue.snapshot().tooltip).toBe('Peridio Desk: 1 queued');
    queue.onEvent(progress('a', 'uploading', 50, 100));
    expect(queue.snapshot().fraction).toBeCloseTo(0.75);
    queue.onEvent({
      name: 'job:ended',
      payload: { job: job('a', 'done'), outcome: { status: 'done' } },
    });
    expect(queue.snapshot().fraction).toBeNull();
    expect(queue.snapshot().tooltip).toBe('Peridio Desk: no uploads');
  });

  it('leaves a paused job out of the bar but keeps it in the counts', () => {
    const queue = new QueueProgress();
    queue.setJobs([job('a', 'running'), job('b', 'running')]);
    queue.onEvent(progress('a', 'uploading', 100, 100));
    queue.onEvent(progress('b', 'uploading', 0, 100));
    queue.setJobs([job('a', 'running'), job('b', 'paused')]);
    expect(queue.snapshot().fraction).toBe(1);
    expect(queue.snapshot().tooltip).toBe('Peridio Desk: 1 uploading, 1 paused (100%)');
  });

  it('ignores events that are not about jobs', () => {
    const queue = new QueueProgress();
    const changed = queue.onEvent({
      name: 'connectivity:changed',
      payload: { online: false, reason: 'offline' },
    });
    expect(changed).toBe(false);
  });
});

describe('jobEndNotice', () => {
  it('tells which file finished, and whether it was signed', () => {
    const signed = job('a', 'done', { signingKey: { kind: 'keychain', name: 'release' } });
    expect(jobEndNotice(signed, { status: 'done' })).toEqual({
      title: 'Upload finished',
      body: 'firmware.bin (arm64-linux) is uploaded and signed.',
    });
  });

  it('tells why a job failed, in the engine’s words', () => {
    expect(
      jobEndNotice(job('a', 'failed'), {
        status: 'failed',
        error: { code: 'forbidden', message: 'The API key may not create binaries.' },
      }),
    ).toEqual({
      title: 'Upload failed',
      body: 'firmware.bin (arm64-linux): The API key may not create binaries.',
    });
  });

  it('stays quiet for jobs that come back by themselves', () => {
    expect(jobEndNotice(job('a', 'waiting'), { status: 'waiting', reason: 'offline' })).toBeNull();
    expect(jobEndNotice(job('a', 'queued'), { status: 'interrupted' })).toBeNull();
  });
});
