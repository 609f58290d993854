// The wait for the server's hash, against the real local server, on a clock the test moves:
// the engine looks only when its clock says so, on the hash poll schedule however long the
// server hashes, and stops waiting at once when the job is stopped. No test here sleeps.
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Binary } from '../../../src-main/peridio/index.js';
import { JobStore } from '../../../src-main/queue/index.js';
import { nextHashPoll, UploadSteps } from '../../../src-main/workflow/index.js';
import { ManualClock } from '../../manual-clock.js';
import { startClientWorkspace, type ClientWorkspace } from '../client/client-workspace.js';
import { content, putBytes, sha256Hex, tempDir } from '../local-peridio/helpers.js';

const DATA = content(64 * 1024, 7);

let ws: ClientWorkspace | undefined;
let dir: string | undefined;
let store: JobStore | undefined;

afterEach(async () => {
  store?.close();
  await ws?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  ws = dir = store = undefined;
});

/** A binary the server has been asked to hash, and the job's steps over it on `clock`. */
async function hashingBinary(
  faults?: string,
): Promise<{ binary: Binary; jobId: string; steps: UploadSteps; clock: ManualClock }> {
  ws = await startClientWorkspace(faults ? { faults } : {});
  const { client } = ws;
  const artifact = await client.artifacts.create({ name: 'firmware' });
  const version = await client.artifactVersions.create({
    artifact_prn: artifact.prn,
    version: '1.0.0',
  });
  const created = await client.binaries.create({
    artifact_version_prn: version.prn,
    target: 'aarch64-unknown-linux-gnu',
    hash: sha256Hex(DATA),
    size: DATA.length,
  });
  const part = await client.binaryParts.create(created.prn, 1, {
    expected_binary_size: DATA.length,
    hash: sha256Hex(DATA),
    size: DATA.length,
  });
  expect((await putBytes(part.presigned_upload_url, DATA)).status).toBe(200);
  await client.binaries.setState(created.prn, 'hashable');
  const binary = await client.binaries.setState(created.prn, 'hashing');

  dir = await tempDir('wait-for-hash-');
  store = JobStore.open(path.join(dir, 'queue.sqlite'));
  const job = store.enqueue(
    {
      path: path.join(dir, 'firmware.img'),
      artifactVersionPrn: version.prn,
      target: 'aarch64-unknown-linux-gnu',
      signingKey: null,
      replace: false,
      workspace: 'local',
    },
    { size: DATA.length, mtimeMs: 0 },
  );
  const clock = new ManualClock();
  const unused = (): never => {
    throw new Error('not a step of the wait for the hash');
  };
  const steps = new UploadSteps(job, {
    store,
    client,
    connection: { baseUrl: ws.server.url, apiKey: ws.server.apiKey },
    lendTransfer: unused,
    resolveSigner: unused,
    concurrency: 1,
    clock,
  });
  return { binary, jobId: job.id, steps, clock };
}

/** The schedule's waits when every look is answered at once: what the test expects asked. */
function scheduleFor(looks: number): number[] {
  const waits: number[] = [];
  for (let i = 0, waited = 0; i < looks; i++) {
    const wait = nextHashPoll(i === 0 ? null : waited);
    waits.push(wait);
    waited += wait;
  }
  return waits;
}

describe('the wait for the server’s hash', { timeout: 60_000 }, () => {
  it('looks only when its clock says so, and then sees the binary signable', async () => {
    const { binary, jobId, steps, clock } = await hashingBinary();
    const waiting = steps.waitForSignable(binary, new AbortController().signal);
    let seen: Binary | undefined;
    void waiting.then((b) => (seen = b));
    // The server is done in real time; the engine has not looked, its clock has not moved.
    await vi.waitFor(
      async () => expect((await ws!.client.binaries.get(binary.prn)).state).toBe('signable'),
      { timeout: 20_000, interval: 20 },
    );
    expect(clock.delays).toEqual([nextHashPoll(null)]);
    expect(clock.pending).toBe(1);
    expect(seen).toBeUndefined();

    await clock.advance(nextHashPoll(null));
    expect((await waiting).state).toBe('signable');
    expect(store!.get(jobId).step).toBe('waiting-signable');
  });

  it('looks on the schedule through two minutes of a slow hash, and stops when told', async () => {
    const { binary, steps, clock } = await hashingBinary('hashDelayMs=3600000');
    const stop = new AbortController();
    const waiting = steps.waitForSignable(binary, stop.signal);
    const started = clock.now();
    while (clock.now() - started < 2 * 60_000) {
      // Each look is a real request; the next wait is asked for once its answer is in.
      await vi.waitFor(() => expect(clock.pending).toBe(1), { timeout: 20_000, interval: 5 });
      await clock.advance(clock.delays.at(-1)!);
    }
    await vi.waitFor(() => expect(clock.pending).toBe(1), { timeout: 20_000, interval: 5 });
    // Rounded: the clock's time (ms since the epoch) holds fractions of a millisecond loosely.
    const ms = (waits: number[]) => waits.map((wait) => Math.round(wait));
    expect(ms(clock.delays)).toEqual(ms(scheduleFor(clock.delays.length)));
    expect(clock.delays.at(-1)).toBe(5000);
    expect((await ws!.client.binaries.get(binary.prn)).state).toBe('hashing');

    stop.abort(new Error('the job was paused'));
    await expect(waiting).rejects.toThrow('the job was paused');
    expect(clock.pending).toBe(0);
  });
});
