// The watcher's spool with real files: a copy outlives the build deleting or rewriting its
// output, removing a copy takes its whole entry, and a sweep keeps what jobs still use (and
// what is too young to judge).
import { mkdtemp, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../../src-main/watch/spool.js';

let dir: string;
let spool: Spool;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spool-'));
  spool = new Spool(path.join(dir, 'data'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function output(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('the spool', () => {
  it('keeps a copy that outlives the file being deleted or replaced by a rename', async () => {
    const file = await output('fw.bin', 'build 1');
    const copy = await spool.put(file);
    expect(spool.holds(copy)).toBe(true);
    expect(path.basename(copy)).toBe('fw.bin');
    await rm(file);
    await writeFile(`${file}.new`, 'build 2');
    await rename(`${file}.new`, file);
    expect(await readFile(copy, 'utf8')).toBe('build 1');
    // Private to the user: the data folder's spool entries are not world-readable.
    expect((await stat(path.dirname(copy))).mode & 0o077).toBe(0);
  });

  it('removes a copy with its entry, and leaves paths outside the spool alone', async () => {
    const file = await output('a.img', 'x');
    const copy = await spool.put(file);
    await spool.remove(copy);
    expect(await readdir(spool.dir)).toEqual([]);
    await spool.remove(file);
    expect(await readFile(file, 'utf8')).toBe('x');
    expect(spool.holds(file)).toBe(false);
    expect(spool.holds(spool.dir)).toBe(false);
  });

  it('sweeps entries no job uses once they are old enough', async () => {
    const used = await spool.put(await output('used.bin', 'u'));
    const unused = await spool.put(await output('unused.bin', 'n'));
    const young = await spool.put(await output('young.bin', 'y'));
    const longAgo = new Date(Date.now() - 60 * 60_000);
    for (const copy of [used, unused]) await utimes(path.dirname(copy), longAgo, longAgo);

    expect(await spool.sweep(new Set([used]), 5 * 60_000)).toBe(1);
    expect(await readFile(used, 'utf8')).toBe('u');
    expect(await readFile(young, 'utf8')).toBe('y');
    await expect(stat(unused)).rejects.toThrow(/ENOENT/);
  });

  it('says why when the file cannot be set aside, leaving no entry behind', async () => {
    await expect(spool.put(path.join(dir, 'missing.bin'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(spool.dir)).toEqual([]);
  });
});
