// The watch events the faces get: a burst of files comes in bounded batches (conflicts and
// failures kept first), and the board turns the agent's events into counters and statuses.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WatchFileView } from '../../../src-preload/contract.js';
import { WatchBoard } from '../../../src-main/watch/watch-board.js';
import { FileBatches, type FileBatch } from '../../../src-main/watch/watch-file-batches.js';

afterEach(() => {
  vi.useRealTimers();
});

const file = (n: number, kind: WatchFileView['kind'] = 'seen'): WatchFileView => ({
  rule: n % 2 ? 'odd' : 'even',
  path: `/builds/out/${n}.bin`,
  kind,
  message: kind,
  jobId: null,
  at: new Date(0).toISOString(),
});

describe('file batches', () => {
  it('sends a 1,000-file burst as a few bounded batches, conflicts kept', () => {
    vi.useFakeTimers();
    const sent: FileBatch[] = [];
    const batches = new FileBatches({ send: (batch) => sent.push(batch), intervalMs: 250 });
    for (let n = 0; n < 1000; n++) batches.add(file(n, n % 100 === 99 ? 'conflict' : 'seen'));
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(250);
    expect(sent).toHaveLength(1);
    const [batch] = sent;
    expect(batch!.files).toHaveLength(50);
    expect(batch!.files.length + batch!.omitted).toBe(1000);
    // All ten conflicts are there, in the order they happened, among the first seen files.
    const conflicts = batch!.files.filter((f) => f.kind === 'conflict').map((f) => f.path);
    expect(conflicts).toEqual(
      Array.from({ length: 10 }, (_, i) => `/builds/out/${i * 100 + 99}.bin`),
    );
    expect(batch!.files[0]!.path).toBe('/builds/out/0.bin');
    expect(batch!.rules.sort()).toEqual(['even', 'odd']);
    // Outcomes push out noise, and conflicts push out outcomes, never the other way round.
    for (let n = 0; n < 60; n++) batches.add(file(n, 'queued'));
    for (let n = 0; n < 60; n++) batches.add(file(n, 'skipped'));
    batches.add(file(7, 'failed'));
    batches.flush();
    const kinds = sent[1]!.files.map((f) => f.kind);
    expect(kinds).toEqual([...Array<string>(49).fill('queued'), 'failed']);
    expect(sent[1]!.omitted).toBe(71);
    sent.splice(1);
    // Nothing more to send: no empty batches.
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    batches.add(file(1));
    batches.flush();
    expect(sent[1]).toMatchObject({ files: [{ path: '/builds/out/1.bin' }], omitted: 0 });
  });
});

describe('the watch board', () => {
  it('counts a rule’s files and attributes finished jobs to it', () => {
    const board = new WatchBoard(() => new Date('2026-01-01T00:00:00Z'));
    board.take({ type: 'file:seen', rule: 'r', path: '/f/a.bin', size: 3 });
    board.take({ type: 'file:ignored', rule: 'r', path: '/f/a.tmp', reason: 'temporary file' });
    board.take({
      type: 'file:ignored',
      rule: 'r',
      path: '/f/b.bin',
      reason: 'duplicate: the same content was uploaded by job j0',
    });
    board.take({
      type: 'job:queued',
      rule: 'r',
      jobId: 'j1',
      path: '/f/a.bin',
      uploadPath: '/spool/x/a.bin',
      target: 'arm',
      targetEvidence: 'the rule "r" says it',
      artifactVersionPrn: 'p',
      sha256: 'h',
      size: 3,
    });
    // A job queued by hand is not this rule's.
    expect(
      board.take({ type: 'job:done', jobId: 'other', path: '/x', binaryPrn: null, state: null }),
    ).toEqual({ statusChanged: false });
    const done = board.take({
      type: 'job:done',
      jobId: 'j1',
      path: '/spool/x/a.bin',
      binaryPrn: 'b',
      state: 'signed',
    });
    expect(done.file).toMatchObject({ rule: 'r', path: '/f/a.bin', kind: 'uploaded', jobId: 'j1' });
    expect(board.entry('r').counters).toEqual({
      seen: 1,
      queued: 1,
      skipped: 1,
      duplicates: 1,
      conflicts: 0,
      uploaded: 1,
      failed: 0,
    });
    expect(board.entry('r').lastMessage).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      text: '/f/a.bin: uploaded (signed)',
    });
  });

  it('stops a rule whose folder is gone and watches it again when it is back', () => {
    const board = new WatchBoard();
    board.setStatus('r', 'watching', null);
    const gone = board.take({
      type: 'rule:paused',
      rule: 'r',
      folder: '/f',
      reason: 'does not exist',
    });
    expect(gone.statusChanged).toBe(true);
    expect(board.entry('r')).toMatchObject({ status: 'stopped', reason: '/f does not exist' });
    // An agent being replaced: its watchers' last words change nothing.
    expect(board.take({ type: 'rule:resumed', rule: 'r', folder: '/f' }, false).statusChanged).toBe(
      false,
    );
    expect(board.take({ type: 'rule:resumed', rule: 'r', folder: '/f' }).statusChanged).toBe(true);
    expect(board.entry('r')).toMatchObject({ status: 'watching', reason: null });
  });
});
