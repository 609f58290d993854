// Reading what the user names: a regular file (or a link to one) is read; a named pipe, a
// folder or a device is refused at once, naming the path, instead of a read that never ends.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NotARegularFileError,
  readRegularFile,
  readRegularFileSync,
} from '../../../src-main/files/index.js';
import { readPrivateKeyFile } from '../../../src-main/signing/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'regular-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reading a regular file only', () => {
  it('reads a file and a symbolic link to one', async () => {
    const file = path.join(dir, 'fw.bin');
    await writeFile(file, 'firmware');
    await symlink(file, path.join(dir, 'latest.bin'));
    expect((await readRegularFile(path.join(dir, 'latest.bin'))).toString()).toBe('firmware');
    expect(readRegularFileSync(file).toString()).toBe('firmware');
  });

  it('refuses a named pipe without waiting for a writer, sync or not', async () => {
    const pipe = path.join(dir, 'build.fifo');
    execFileSync('mkfifo', [pipe]);
    const message = `${pipe} is a named pipe (FIFO), not a regular file; give the path of a file.`;
    await expect(readRegularFile(pipe)).rejects.toThrow(message);
    expect(() => readRegularFileSync(pipe)).toThrow(NotARegularFileError);
  });

  it('refuses a folder and a device, and says a missing file is missing', async () => {
    await expect(readRegularFile(dir)).rejects.toMatchObject({ kind: 'a folder' });
    await expect(readRegularFile('/dev/null')).rejects.toMatchObject({ kind: 'a device' });
    await expect(readRegularFile(path.join(dir, 'nope'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('names a pipe given as a signing key file for what it is', async () => {
    const pipe = path.join(dir, 'key.fifo');
    execFileSync('mkfifo', [pipe]);
    await expect(readPrivateKeyFile(pipe)).rejects.toMatchObject({
      code: 'key_file_unreadable',
      message: `The signing key file "${pipe}" is a named pipe (FIFO), not a regular file.`,
    });
  });
});
