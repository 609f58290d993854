// Settling with real files: the size and mtime must hold still for the settle time, whether
// the change was told by an event or only seen by a look.
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SettlingFiles } from '../../../src-main/watch/settling-files.js';

const SETTLE_MS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let settling: SettlingFiles;
let settled: { file: string; size: number; at: number }[];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'settling-'));
  settled = [];
  settling = new SettlingFiles(SETTLE_MS, {
    settled: (file, stats) => settled.push({ file, size: stats.size, at: performance.now() }),
    notAFile: () => {},
  });
});
afterEach(async () => {
  settling.close();
  await rm(dir, { recursive: true, force: true });
});

describe('settling files', () => {
  it('starts over when a look finds the file changed, even with no event about it', async () => {
    const file = path.join(dir, 'quiet.bin');
    await writeFile(file, 'a');
    settling.changed(file);
    await sleep(SETTLE_MS / 2);
    // Written with no call to changed(): only the polling can tell.
    const lastWrite = performance.now();
    await appendFile(file, 'bc');
    await vi.waitFor(() => expect(settled).toHaveLength(1));
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
    await vi.waitFor(() => expect(settled.map((s) => s.file)).toEqual([kept]));
  });
});
