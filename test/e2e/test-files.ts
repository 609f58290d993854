// Files to upload, written to the test's temp folder: build outputs with a real ELF header
// (so the app detects their target) and random bodies (so no two uploads share a hash), and
// one large file of zeros for the 1 GiB run (written in 1 MiB blocks, quick on any disk).
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';

export const MiB = 1024 * 1024;

/** ELF machine numbers and the triplet the app's detection gives a little-endian 64-bit one. */
export const ELF_TARGETS = {
  aarch64: { machine: 183, target: 'aarch64-unknown-linux-gnu' },
  x86_64: { machine: 62, target: 'x86_64-unknown-linux-gnu' },
  riscv64: { machine: 243, target: 'riscv64gc-unknown-linux-gnu' },
} as const;

/** The first 64 bytes of a 64-bit little-endian Linux ELF executable for `machine`. */
function elfHeader(machine: number): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // ELFCLASS64
  header[5] = 1; // little-endian
  header[6] = 1; // EV_CURRENT
  header[7] = 0; // System V ABI, which Linux toolchains write
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(machine, 18);
  header.writeUInt32LE(1, 20);
  return header;
}

export interface TestFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

/** An ELF build output of `size` bytes: the header, then random bytes. */
export async function writeElfFile(
  dir: string,
  name: string,
  size: number,
  arch: keyof typeof ELF_TARGETS,
): Promise<TestFile> {
  const file = path.join(dir, name);
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let at = 0; at < size; at += MiB) {
      const block = randomBytes(Math.min(MiB, size - at));
      if (at === 0) elfHeader(ELF_TARGETS[arch].machine).copy(block, 0, 0, block.length);
      hash.update(block);
      await handle.write(block);
    }
  } finally {
    await handle.close();
  }
  return { path: file, name, size, sha256: hash.digest('hex') };
}

/** `size` bytes of zeros, written for real (not sparse) so reading it costs what it would. */
export async function writeZeroFile(dir: string, name: string, size: number): Promise<TestFile> {
  const file = path.join(dir, name);
  const block = Buffer.alloc(MiB);
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let at = 0; at < size; at += MiB) {
      const bytes = block.subarray(0, Math.min(MiB, size - at));
      hash.update(bytes);
      await handle.write(bytes);
    }
    // On disk before the test measures anything: otherwise the kernel writes this fixture's
    // gigabyte back while the page is being measured, and the test pays for its own setup.
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { path: file, name, size, sha256: hash.digest('hex') };
}
