// Settling with real files and a manual clock: the size and mtime must hold still for the
// settle time, whether the change was told by an event or only seen by a look. The clock
// moves only when the test says so, so "not before the settle time" is exact.
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettlingFiles } from '../../../src-main/watch/settling-files.js';
import { ManualClock } from '../../manual-clock.js';

const SETTLE_MS = 150;
/** A quarter of the settle time: how often a settling file is looked at. */
const POLL_MS = 37;

let dir: string;
let clock: ManualClock;
let settling: SettlingFiles;
let settled: { file: string; size: number; at: number }[];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'settling-'));
  settled = [];
  clock = new ManualClock();
  settling = new SettlingFiles(
    SETTLE_MS,
    {
      settled: (file, stats) => settled.push({ file, size: stats.size, at: clock.now() }),
      notAFile: () => {},
    },
    clock,
  );
});
afterEach(async () => {
  settling.close();
  await rm(dir, { recursive: true, force: true });
});

describe('settling files', () => {
  it('reports a file once it held still for the settle time, not before', async () => {
    const file = path.join(dir, 'still.bin');
    await writeFile(file, 'abc');
    const since = clock.now();
    settling.changed(file);
    await clock.advance(SETTLE_MS - 1);
    expect(settled).toEqual([]);
    await clock.advance(POLL_MS);
    expect(settled).toEqual([{ file, size: 3, at: expect.any(Number) }]);
    expect(settled[0]!.at - since).toBeGreaterThanOrEqual(SETTLE_MS);
  });

  it('starts over when a look finds the file changed, even with no event about it', async () => {
    const file = path.join(dir, 'quiet.bin');
    await writeFile(file, 'a');
    settling.changed(file);
    await clock.advance(SETTLE_MS / 2);
    // Written with no call to changed(): only a look can tell.
    const lastWrite = clock.now();
    await appendFile(file, 'bc');
    await clock.advance(SETTLE_MS - 1);
    expect(settled).toEqual([]);
    await clock.advance(2 * POLL_MS);
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ file, size: 3 });
    expect(settled[0]!.at - lastWrite).toBeGreaterThanOrEqual(SETTLE_MS);
  });

  it('forgets the files in a folder that went away', async () => {
    const kept = path.join(dir, 'kept.bin');
    const inside = path.join(dir, 'sub', 'inside.bin');
    await writeFile(kept, 'k');
    settling.changed(kept);
    settling.changed(inside);
    settling.forgetIn(path.join(dir, 'sub'));
    expect(settling.has(inside)).toBe(false);
    await clock.advance(SETTLE_MS + 2 * POLL_MS);
    expect(settled.map((s) => s.file)).toEqual([kept]);
  });
});
