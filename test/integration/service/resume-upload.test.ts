// Taking up a binary's upload again, and what a job allows, through the service against a
// real local Peridio server: every job (replies and events) carries the actions its status
// allows, and `binaries.resumeUpload` finds the binary's job and resumes, retries or queues
// it again, or refuses saying what to do.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent, JobView } from '../../../src-preload/contract.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import {
  TEST_VECTOR,
  content,
  createBinary,
  startTestServer,
  tempDir,
  type TestServer,
} from '../local-peridio/helpers.js';
import { writeTestVectorPem } from '../upload-engine/cli-harness.js';
import { refusalOf } from './refusal.js';

const ENGINE_KNOBS = { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } };
const NONE = { pause: false, resume: false, retry: false, cancel: false };

let dir: string;
let server: TestServer;
/** Answers commands only: its jobs stay where a person puts them. */
let idle: DeskService;
/** Runs its queue: its jobs go to the end. */
let running: DeskService;

function open(name: string, runQueue: boolean): Promise<DeskService> {
  return openDeskService({
    dataDir: path.join(dir, name),
    env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
    vault: new MemoryVault(),
    runQueue,
    engine: ENGINE_KNOBS,
  });
}

beforeAll(async () => {
  dir = await tempDir('resume-upload-');
  server = await startTestServer();
  idle = await open('idle', false);
  running = await open('running', true);
});

afterAll(async () => {
  await idle?.close();
  await running?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function jobEnded(
  service: DeskService,
  jobId: string,
): Promise<Extract<DeskEvent, { name: 'job:ended' }>['payload']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not end`)), 30_000);
    const stop = service.subscribe((event) => {
      if (event.name === 'job:ended' && event.payload.job.id === jobId) {
        clearTimeout(timer);
        stop();
        resolve(event.payload);
      }
    });
  });
}

async function newVersion(service: DeskService): Promise<string> {
  const artifact = await service.call('artifacts.create', { name: `fw-${Math.random()}` });
  const version = await service.call('artifactVersions.create', {
    artifactPrn: artifact.prn,
    version: '1.0.0',
  });
  return version.prn;
}

/** A binary made on the server, and a file with its content queued for it on `idle`. */
async function queuedForBinary(
  seed: number,
): Promise<{ binary: { prn: string; target: string }; job: JobView }> {
  const data = content(3000, seed);
  const binary: { prn: string; target: string; artifact_version_prn: string } = await createBinary(
    server.api,
    data,
  );
  const file = path.join(dir, `firmware-${seed}.img`);
  await writeFile(file, data);
  const job = await idle.call('uploads.enqueue', {
    path: file,
    artifactVersionPrn: binary.artifact_version_prn,
    target: binary.target,
  });
  return { binary, job };
}

describe('what a job allows', () => {
  it('comes with every job: in replies, in the list and in events, as its status changes', async () => {
    const events: DeskEvent[] = [];
    const stop = idle.subscribe((event) => events.push(event));
    const { job } = await queuedForBinary(1);
    stop();
    expect(job.allowedActions).toEqual({ ...NONE, pause: true, cancel: true });
    const queued = events.find((e) => e.name === 'job:queued');
    expect(queued?.payload).toEqual({ job });

    const paused = await idle.call('jobs.pause', { id: job.id });
    expect(paused).toMatchObject({
      status: 'paused',
      allowedActions: { ...NONE, resume: true, cancel: true },
    });
    const cancelled = await idle.call('jobs.cancel', { id: job.id });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      allowedActions: { ...NONE, retry: true },
    });
    const listed = (await idle.call('jobs.list')).items.find((j) => j.id === job.id);
    expect(listed).toEqual(cancelled);
    // What a job does not allow, the queue refuses in words.
    const refused = await refusalOf(idle.call('jobs.resume', { id: job.id }));
    expect(refused.message).toContain('cannot be resumed');
  });

  it('is nothing once a job is done', async () => {
    const file = path.join(dir, 'done.img');
    await writeFile(file, content(2000, 2));
    const job = await running.call('uploads.enqueue', {
      path: file,
      artifactVersionPrn: await newVersion(running),
      target: 'arm-done',
    });
    const ended = await jobEnded(running, job.id);
    expect(ended.outcome).toEqual({ status: 'done' });
    expect(ended.job).toMatchObject({ status: 'done', allowedActions: NONE });
  });
});

describe('binaries.resumeUpload', () => {
  it('resumes a paused job and retries a cancelled one, and refuses one still in the queue', async () => {
    const { binary, job } = await queuedForBinary(3);
    const inQueue = await refusalOf(idle.call('binaries.resumeUpload', { prn: binary.prn }));
    expect(inQueue.code).toBe('already_queued');
    expect(inQueue.message).toContain(binary.target);
    expect(inQueue.message).toContain('already in the queue');

    await idle.call('jobs.pause', { id: job.id });
    const resumed = await idle.call('binaries.resumeUpload', { prn: binary.prn });
    expect(resumed).toMatchObject({
      id: job.id,
      status: 'queued',
      allowedActions: { ...NONE, pause: true, cancel: true },
    });

    await idle.call('jobs.cancel', { id: job.id });
    const retried = await idle.call('binaries.resumeUpload', { prn: binary.prn });
    expect(retried).toMatchObject({ id: job.id, status: 'queued' });
    // The same job went again: no second one was queued.
    expect(
      (await idle.call('jobs.list')).items.filter((j) => j.request.target === binary.target),
    ).toHaveLength(1);
  });

  it('refuses a binary this computer has no upload of, saying to drop the file again', async () => {
    const stranger: { prn: string; target: string } = await createBinary(
      server.api,
      content(100, 4),
    );
    const before = await idle.call('jobs.list');
    const refused = await refusalOf(idle.call('binaries.resumeUpload', { prn: stranger.prn }));
    expect(refused.code).toBe('no_upload_known');
    expect(refused.message).toContain(stranger.target);
    expect(refused.message).toContain('again');
    expect(await idle.call('jobs.list')).toEqual(before);
  });

  it('queues a finished upload again once its binary was reset, and says when the file is gone', async () => {
    const file = path.join(dir, 'reset-me.img');
    await writeFile(file, content(5000, 5));
    const target = 'aarch64-resumed';
    const first = await running.call('uploads.enqueue', {
      path: file,
      artifactVersionPrn: await newVersion(running),
      target,
    });
    const done = await jobEnded(running, first.id);
    const prn = done.job.binaryPrn!;
    expect(done.job.binaryState).toBe('signable');

    // Signable and done: the lifecycle leaves no upload to resume.
    const finished = await refusalOf(running.call('binaries.resumeUpload', { prn }));
    expect(finished.code).toBe('nothing_to_resume');
    expect(finished.message).toContain('signable');

    const reset = await running.call('binaries.reset', { prn });
    expect(reset.allowedActions.upload).toBe(true);
    const again = await running.call('binaries.resumeUpload', { prn });
    expect(again.id).not.toBe(first.id);
    expect(again.request).toEqual(first.request);
    const ended = await jobEnded(running, again.id);
    expect(ended.job).toMatchObject({ status: 'done', binaryPrn: prn, binaryState: 'signable' });
    expect((await server.api('GET', `/binaries/${prn}`)).body.binary.revision).toBe(1);

    await running.call('binaries.reset', { prn });
    await rm(file);
    const before = await running.call('jobs.list');
    const gone = await refusalOf(running.call('binaries.resumeUpload', { prn }));
    expect(gone.code).toBe('file_missing');
    expect(gone.message).toContain(file);
    expect(gone.message).toContain('again');
    expect(await running.call('jobs.list')).toEqual(before);
  });

  it('refuses a signed binary: there is nothing left to upload', async () => {
    const pem = await writeTestVectorPem(path.join(dir, 'keys'));
    const key = await server.api('POST', '/signing_keys', {
      name: 'vector',
      value: TEST_VECTOR.value,
    });
    const signingKeyPrn: string = key.body.signing_key.prn;
    const file = path.join(dir, 'signed.img');
    await writeFile(file, content(1500, 6));
    const job = await running.call('uploads.enqueue', {
      path: file,
      artifactVersionPrn: await newVersion(running),
      target: 'x86_64-signed',
      signingKey: { kind: 'file', privateKeyPath: pem, signingKeyPrn },
    });
    const ended = await jobEnded(running, job.id);
    expect(ended.job.binaryState).toBe('signed');
    const refused = await refusalOf(
      running.call('binaries.resumeUpload', { prn: ended.job.binaryPrn! }),
    );
    expect(refused).toMatchObject({ code: 'nothing_to_resume' });
    expect(refused.message).toContain('x86_64-signed');
  });
});
