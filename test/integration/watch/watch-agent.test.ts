// The watch agent against a real local server and real folders: a file written slowly is
// taken once, complete; a build's temp-then-rename survives the build deleting its output;
// content already on the server is not sent again, other content is a conflict; a folder
// that goes away pauses its rule until it is back.
import { open, readdir, rename, rm, mkdir, writeFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src-main/sqlite/index.js';
import { content } from '../local-peridio/helpers.js';
import { elf } from '../../unit/targets/build-headers.js';
import { registerNewSigningKey } from '../upload-engine/cli-harness.js';
import {
  download,
  ruleFor,
  sha256Hex,
  startAgent,
  workbench,
  type RunningAgent,
  type Workbench,
} from './watch-harness.js';

const KiB = 1024;
let bench: Workbench;
let running: RunningAgent | undefined;

beforeEach(async () => {
  bench = await workbench();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await bench.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watch agent', () => {
  it('takes a file written slowly in chunks once it is complete: one signed binary with its content', async () => {
    running = await startAgent(bench, [ruleFor(bench)]);
    const data = content(3 * 1024 * KiB + 17, 1);
    const file = path.join(bench.folder, 'firmware.img');
    const handle = await open(file, 'w');
    const chunk = 256 * KiB;
    for (let at = 0; at < data.length; at += chunk) {
      await handle.write(data.subarray(at, at + chunk));
      // Pauses shorter than the settle time: the file is still being written.
      await sleep(120);
    }
    await handle.close();
    const done = await running.waitFor('job:done', (e) => e.path === file);
    expect(done.state).toBe('signed');
    const queued = running.of('job:queued');
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ path: file, sha256: sha256Hex(data), size: data.length });
    expect(sha256Hex(await download(bench.api, done.binaryPrn!))).toBe(sha256Hex(data));
    const binary = (await bench.api('GET', `/binaries/${done.binaryPrn}`)).body.binary;
    expect(binary).toMatchObject({ state: 'signed', hash: sha256Hex(data), size: data.length });
    // Signed: the spool copy is gone.
    await expect.poll(() => readdir(running!.agent.spool.dir)).toEqual([]);
  });

  it('says how it found the target in job:queued: the header’s evidence with "auto"', async () => {
    running = await startAgent(bench, [ruleFor(bench, { target: 'auto' })]);
    const agent = path.join(bench.folder, 'agent');
    const header = elf({ is64: true, little: true, machine: 183, osAbi: 3 });
    await writeFile(agent, Buffer.concat([header, content(64 * KiB, 5)]));
    const queued = await running.waitFor('job:queued', (e) => e.path === agent);
    expect(queued).toMatchObject({
      target: 'aarch64-unknown-linux-gnu',
      targetEvidence: 'ELF 64-bit ARM aarch64, Linux',
    });
  });

  it('takes a build’s temp-then-rename output and uploads it from the spool after the build deletes it', async () => {
    running = await startAgent(bench, [ruleFor(bench)]);
    const data = content(700 * KiB, 2);
    const temporary = path.join(bench.folder, 'app.bin.tmp');
    const final = path.join(bench.folder, 'app.bin');
    await writeFile(temporary, data);
    await sleep(50);
    await rename(temporary, final);
    const queued = await running.waitFor('job:queued', (e) => e.path === final);
    // The build cleans its output folder while the upload waits its turn.
    await rm(final);
    expect(queued.uploadPath).not.toBe(final);
    expect(queued.uploadPath.startsWith(running.agent.spool.dir)).toBe(true);
    const done = await running.waitFor('job:done', (e) => e.jobId === queued.jobId);
    expect(done).toMatchObject({ path: final, state: 'signed' });
    expect(sha256Hex(await download(bench.api, done.binaryPrn!))).toBe(sha256Hex(data));
    expect(running.of('file:ignored')).toEqual([
      expect.objectContaining({ path: temporary, reason: 'temporary file' }),
    ]);
    const job = running.engine.store.get(queued.jobId);
    expect(job).toMatchObject({ sourcePath: final, sha256: sha256Hex(data), status: 'done' });
    await expect.poll(() => readdir(running!.agent.spool.dir)).toEqual([]);
    // Nor does the queue keep the copy's hash: a file a day for a year would be 365 rows.
    const queue = openSqlite(path.join(bench.deskDir, 'queue.sqlite'), { readonly: true });
    try {
      const paths = queue.prepare('SELECT path FROM file_hashes').pluck().all();
      expect(paths.filter((p) => String(p).startsWith(running!.agent.spool.dir))).toEqual([]);
    } finally {
      queue.close();
    }
  });

  it('sweeps at start the spool copies an agent killed mid-way left, and only those old enough', async () => {
    // What a kill -9 between setting a file aside and queueing it leaves behind.
    const spool = path.join(bench.deskDir, 'spool');
    const left = path.join(spool, 'left-by-a-killed-agent');
    const young = path.join(spool, 'another-agent-about-to-queue');
    for (const entry of [left, young]) {
      await mkdir(entry, { recursive: true });
      await writeFile(path.join(entry, 'build.img'), content(64 * KiB, 3));
    }
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await utimes(left, tenMinutesAgo, tenMinutesAgo);
    running = await startAgent(bench, [ruleFor(bench)]);
    expect(await readdir(spool)).toEqual(['another-agent-about-to-queue']);
  });

  it('makes one job of the same content seen again (rename, touch, copy) and reports a conflict for new content', async () => {
    running = await startAgent(bench, [ruleFor(bench)]);
    const data = content(300 * KiB, 3);
    const first = path.join(bench.folder, 'a.img');
    await writeFile(first, data);
    const done = await running.waitFor('job:done', (e) => e.path === first);
    const renamed = path.join(bench.folder, 'b.img');
    await rename(first, renamed);
    await running.waitFor('file:ignored', (e) => e.path === renamed);
    // A touch in the same millisecond as the rename would leave the mtime as it was.
    await sleep(100);
    const later = new Date(Date.now() + 5000);
    await utimes(renamed, later, later);
    await running.waitForCount('file:ignored', 2, (e) => e.path === renamed);
    await sleep(100);
    const copy = path.join(bench.folder, 'c.img');
    await writeFile(copy, data);
    await running.waitFor('file:ignored', (e) => e.path === copy);
    for (const event of running.of('file:ignored')) expect(event.reason).toMatch(/^duplicate/);
    expect(running.of('job:queued')).toHaveLength(1);

    const other = path.join(bench.folder, 'd.img');
    await writeFile(other, content(300 * KiB, 4));
    const conflict = await running.waitFor('file:conflict', (e) => e.path === other);
    expect(conflict).toMatchObject({
      target: 'aarch64-unknown-linux-gnu',
      artifactVersionPrn: bench.versionPrn,
      binaryPrn: done.binaryPrn,
    });
    expect(conflict.message).toContain('is signed');
    expect(running.of('job:queued')).toHaveLength(1);
    const binary = (await bench.api('GET', `/binaries/${done.binaryPrn}`)).body.binary;
    expect(binary).toMatchObject({ state: 'signed', hash: sha256Hex(data) });
  });

  it('reconciles files present at start: content already on the server is skipped and reported', async () => {
    const data = content(200 * KiB, 5);
    const file = path.join(bench.folder, 'present.img');
    await writeFile(file, data);
    running = await startAgent(bench, [ruleFor(bench)]);
    const done = await running.waitFor('job:done', (e) => e.path === file);
    await running.stop();

    // The same data folder: the queue knows it uploaded this file.
    running = await startAgent(bench, [ruleFor(bench)]);
    const again = await running.waitFor('file:ignored', (e) => e.path === file);
    expect(again.reason).toMatch(/^duplicate: .*was uploaded by job/);
    await running.stop();

    // Another machine (a fresh data folder): the server says it has this content.
    bench.deskDir = path.join(bench.dir, 'desk-elsewhere');
    running = await startAgent(bench, [ruleFor(bench)]);
    const elsewhere = await running.waitFor('file:ignored', (e) => e.path === file);
    expect(elsewhere.reason).toBe(
      `already uploaded: ${done.binaryPrn} holds this content (signed)`,
    );
    expect(running.of('job:queued')).toEqual([]);
  });

  it('adds the rule’s signature to content already signed with another key, and only once', async () => {
    const data = content(300 * KiB, 6);
    const file = path.join(bench.folder, 'signed-twice.img');
    await writeFile(file, data);
    running = await startAgent(bench, [ruleFor(bench)]);
    const first = await running.waitFor('job:done', (e) => e.path === file);
    expect(first.state).toBe('signed');
    await running.stop();

    // The rule now signs with a second key: the same file gets that signature too.
    const second = await registerNewSigningKey(bench.api, path.join(bench.dir, 'keys'), 'second');
    const withSecond = ruleFor(bench, {
      signingKey: { privateKeyPath: second.pem, signingKeyPrn: second.prn },
    });
    running = await startAgent(bench, [withSecond]);
    const queued = await running.waitFor('job:queued', (e) => e.path === file);
    expect(queued.addsSignature).toBe(
      `${first.binaryPrn} holds this content, signed with ${bench.signingKeyPrn}; the job adds the signature of ${second.prn}`,
    );
    const added = await running.waitFor('job:done', (e) => e.jobId === queued.jobId);
    expect(added).toMatchObject({ binaryPrn: first.binaryPrn, state: 'signed' });
    const signatures = async () =>
      ((await bench.api('GET', `/binaries/${first.binaryPrn}`)).body.binary.signatures as
        { signing_key_prn: string }[] | null)!.map((s) => s.signing_key_prn);
    expect((await signatures()).sort()).toEqual([bench.signingKeyPrn, second.prn].sort());
    await running.stop();

    // Signed by that key now: a duplicate, here (the queue knows) and elsewhere (the server).
    running = await startAgent(bench, [withSecond]);
    const again = await running.waitFor('file:ignored', (e) => e.path === file);
    expect(again.reason).toMatch(/^duplicate: .*was uploaded by job/);
    await running.stop();
    bench.deskDir = path.join(bench.dir, 'desk-elsewhere');
    running = await startAgent(bench, [withSecond]);
    const elsewhere = await running.waitFor('file:ignored', (e) => e.path === file);
    expect(elsewhere.reason).toBe(
      `already uploaded: ${first.binaryPrn} holds this content (signed)`,
    );
    expect(running.of('job:queued')).toEqual([]);
    expect(await signatures()).toHaveLength(2);
  });

  it('pauses a rule whose folder goes away, naming the folder and why, and resumes when it is back', async () => {
    running = await startAgent(bench, [ruleFor(bench)]);
    await rm(bench.folder, { recursive: true });
    const paused = await running.waitFor('rule:paused');
    expect(paused).toEqual({
      type: 'rule:paused',
      rule: 'builds',
      folder: bench.folder,
      reason: 'does not exist',
    });
    await sleep(500);
    await mkdir(bench.folder);
    await running.waitFor('rule:resumed');
    const data = content(100 * KiB, 6);
    const file = path.join(bench.folder, 'after.img');
    await writeFile(file, data);
    const done = await running.waitFor('job:done', (e) => e.path === file);
    expect(sha256Hex(await download(bench.api, done.binaryPrn!))).toBe(sha256Hex(data));
    expect(running.of('rule:paused')).toHaveLength(1);
  });

  it('starts a rule whose folder is missing paused, and takes its files once it appears', async () => {
    await rm(bench.folder, { recursive: true });
    running = await startAgent(bench, [ruleFor(bench)]);
    expect(running.of('rule:paused')).toEqual([
      expect.objectContaining({ folder: bench.folder, reason: 'does not exist' }),
    ]);
    await mkdir(bench.folder);
    const data = content(10 * KiB, 7);
    await writeFile(path.join(bench.folder, 'early.img'), data);
    await running.waitFor('rule:resumed');
    const done = await running.waitFor('job:done');
    expect(sha256Hex(await download(bench.api, done.binaryPrn!))).toBe(sha256Hex(data));
  });

  it('reports new content for an unsigned binary as a conflict, and replaces it when the rule says so', async () => {
    const unsigned = ruleFor(bench, { signingKey: undefined });
    running = await startAgent(bench, [unsigned]);
    const first = content(50 * KiB, 8);
    await writeFile(path.join(bench.folder, 'one.img'), first);
    const done = await running.waitFor('job:done');
    expect(done.state).toBe('signable');
    await sleep(100);
    const second = content(60 * KiB, 9);
    const secondPath = path.join(bench.folder, 'two.img');
    await writeFile(secondPath, second);
    const conflict = await running.waitFor('file:conflict', (e) => e.path === secondPath);
    expect(conflict.binaryPrn).toBe(done.binaryPrn);
    expect(conflict.message).toContain('"replace": true');
    await running.stop();

    running = await startAgent(bench, [{ ...unsigned, replace: true }]);
    const replaced = await running.waitFor('job:done', (e) => e.path === secondPath);
    expect(replaced).toMatchObject({ binaryPrn: done.binaryPrn, state: 'signable' });
    const binary = (await bench.api('GET', `/binaries/${done.binaryPrn}`)).body.binary;
    expect(binary).toMatchObject({ hash: sha256Hex(second), revision: 1 });
    expect(running.of('job:queued')).toHaveLength(1);
  });
});
