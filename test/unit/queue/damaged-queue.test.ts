// A queue file damaged on disk, met by the store on real SQLite files: the damage is found
// wherever a read crosses it, the file is kept aside, and the readable jobs go on.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobStore, type UploadRequest } from '../../../src-main/queue/index.js';

const PAGE = 4096;
const FILE = { size: 123, mtimeMs: 1700000000123.5 };

function request(i: number): UploadRequest {
  return {
    path: `/builds/out/firmware-${i}.img`,
    artifactVersionPrn:
      'prn:1:1f7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f:artifact_version:2a7c1c5e-3a2b-4c3d-8e9f-0a1b2c3d4e5f',
    target: `board-${i}`,
    signingKey: null,
    replace: false,
    workspace: 'local',
  };
}

/** Overwrites pages [from, to) (counted from 0) with noise, as a failing disk would. */
function overwritePages(file: string, from: number, to: number): Buffer {
  const bytes = readFileSync(file);
  let seed = 11;
  for (let at = from * PAGE; at < Math.min(to * PAGE, bytes.length); at += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[at] = seed & 0xff;
  }
  writeFileSync(file, bytes);
  return bytes;
}

/** Overwrites the middle third of the jobs table's leaf pages with noise. */
function damageMiddle(file: string): Buffer {
  const db = new Database(file, { readonly: true });
  const leaves = (
    db
      .prepare(
        "SELECT pageno FROM dbstat WHERE name = 'jobs' AND pagetype = 'leaf' ORDER BY pageno",
      )
      .all() as { pageno: number }[]
  ).map((row) => row.pageno);
  db.close();
  let bytes: Buffer = readFileSync(file);
  for (const page of leaves.slice(
    Math.floor(leaves.length / 3),
    Math.floor((leaves.length * 2) / 3),
  )) {
    bytes = overwritePages(file, page - 1, page);
  }
  return bytes;
}

function keptAside(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^queue\.sqlite\.damaged-[^-]+$/.test(name))
    .map((name) => path.join(dir, name));
}

let dir: string;
let file: string;
let ids: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'damaged-queue-'));
  file = path.join(dir, 'queue.sqlite');
  const store = JobStore.open(file);
  ids = Array.from({ length: 60 }, (_, i) => store.enqueue(request(i), FILE).id);
  store.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a damaged queue file', () => {
  it('found by a read of an open store: kept aside, and the call answers from a fresh queue', () => {
    const notices: string[] = [];
    const store = JobStore.open(file, { onRecovered: (notice) => notices.push(notice) });
    try {
      const damaged = damageMiddle(file);
      const listed = store.list();
      const [kept] = keptAside(dir);
      expect(kept).toBeDefined();
      expect(readFileSync(kept!).equals(damaged)).toBe(true);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(`The upload queue ${file} was damaged`);
      expect(notices[0]).toContain(`It is kept as ${kept}`);
      // Some jobs were on the noise, the others carry over whole and in their order.
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.length).toBeLessThan(ids.length);
      const order = listed.map((job) => ids.indexOf(job.id));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      for (const job of listed) {
        expect(job.request).toEqual(request(ids.indexOf(job.id)));
        expect(store.history(job.id).at(-1)?.message).toBe(
          `carried over from the damaged queue ${kept}`,
        );
      }
      // The fresh queue takes new work.
      expect(store.enqueue(request(99), FILE).status).toBe('queued');
    } finally {
      store.close();
    }
  });

  it('read only: shows what can be read and moves nothing', () => {
    const damaged = damageMiddle(file);
    const notices: string[] = [];
    const store = JobStore.open(file, {
      readOnly: true,
      onRecovered: (notice) => notices.push(notice),
    });
    try {
      const listed = store.list();
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.length).toBeLessThan(ids.length);
      expect(notices[0]).toContain(`The upload queue ${file} is damaged`);
    } finally {
      store.close();
    }
    expect(keptAside(dir)).toEqual([]);
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('carries over the jobs whose newest version is only in the write-ahead log', () => {
    // A crash image: the file and its log copied while a store still had them open.
    const store = JobStore.open(file, { journalDelayMs: 0 });
    const crash = path.join(dir, 'crash');
    const added = [60, 61, 62].map((i) => store.enqueue(request(i), FILE).id);
    store.pause(ids[0]!);
    mkdirSync(crash);
    copyFileSync(file, path.join(crash, 'queue.sqlite'));
    copyFileSync(`${file}-wal`, path.join(crash, 'queue.sqlite-wal'));
    store.close();
    // Every page of the file but its header is noise: only the log's pages can be read.
    overwritePages(path.join(crash, 'queue.sqlite'), 1, Infinity);

    const recovered = JobStore.open(path.join(crash, 'queue.sqlite'));
    try {
      const listed = recovered.list();
      expect(keptAside(crash)).toHaveLength(1);
      expect(listed.map((job) => job.id)).toEqual(expect.arrayContaining(added));
      expect(listed.length).toBeLessThan(ids.length + added.length);
      expect(listed.find((job) => job.id === ids[0])?.status).toBe('paused');
    } finally {
      recovered.close();
    }
  });
});
