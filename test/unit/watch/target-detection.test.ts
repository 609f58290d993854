// Headers made byte by byte as the toolchains write them (see build-headers.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFileTarget, detectTarget } from '../../../src-main/watch/index.js';
import { elf, machO, pe } from './build-headers.js';

describe('detectTarget', () => {
  it.each([
    ['x86_64 Linux', elf({ is64: true, little: true, machine: 62 }), 'x86_64-unknown-linux-gnu'],
    [
      'aarch64 Linux (OS ABI Linux)',
      elf({ is64: true, little: true, machine: 183, osAbi: 3 }),
      'aarch64-unknown-linux-gnu',
    ],
    [
      'ARM hard float',
      elf({ is64: false, little: true, machine: 40, flags: 0x05000400 }),
      'arm-unknown-linux-gnueabihf',
    ],
    [
      'ARM soft float',
      elf({ is64: false, little: true, machine: 40, flags: 0x05000200 }),
      'arm-unknown-linux-gnueabi',
    ],
    ['i686', elf({ is64: false, little: true, machine: 3 }), 'i686-unknown-linux-gnu'],
    ['RISC-V 64', elf({ is64: true, little: true, machine: 243 }), 'riscv64gc-unknown-linux-gnu'],
    [
      'MIPS big-endian 32',
      elf({ is64: false, little: false, machine: 8 }),
      'mips-unknown-linux-gnu',
    ],
    [
      'MIPS64 little-endian',
      elf({ is64: true, little: true, machine: 8 }),
      'mips64el-unknown-linux-gnuabi64',
    ],
    [
      'PowerPC64 LE',
      elf({ is64: true, little: true, machine: 21 }),
      'powerpc64le-unknown-linux-gnu',
    ],
    [
      'x86_64 FreeBSD',
      elf({ is64: true, little: true, machine: 62, osAbi: 9 }),
      'x86_64-unknown-freebsd',
    ],
    ['PE x64', pe(0x8664), 'x86_64-pc-windows-msvc'],
    ['PE arm64', pe(0xaa64), 'aarch64-pc-windows-msvc'],
    ['PE x86', pe(0x14c), 'i686-pc-windows-msvc'],
    ['Mach-O arm64', machO(0x0100000c), 'aarch64-apple-darwin'],
    ['Mach-O x86_64', machO(0x01000007), 'x86_64-apple-darwin'],
  ])('%s', (_name, header, target) => {
    expect(detectTarget(header)).toEqual({ ok: true, target, format: expect.any(String) });
  });

  it.each([
    ['an unknown ELF machine', elf({ is64: true, little: true, machine: 9999 }), /machine 9999/],
    ['an unknown OS ABI', elf({ is64: true, little: true, machine: 62, osAbi: 97 }), /OS ABI 97/],
    [
      'a cut-short ELF',
      elf({ is64: true, little: true, machine: 62 }).subarray(0, 20),
      /cut short/,
    ],
    ['MZ without PE', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), /without a PE header/],
    ['a universal Mach-O', Buffer.from('cafebabe00000002', 'hex'), /universal/],
    ['a squashfs image', Buffer.from('hsqs\0\0\0\0'), /not an ELF, PE or Mach-O/],
    ['an empty file', Buffer.alloc(0), /not an ELF, PE or Mach-O/],
  ])('says why for %s', (_name, header, reason) => {
    const detection = detectTarget(header);
    expect(detection.ok).toBe(false);
    if (!detection.ok) expect(detection.reason).toMatch(reason);
  });
});

describe('detectFileTarget', () => {
  it('reads a file’s header and names the file when it cannot tell', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'target-'));
    try {
      const binary = path.join(dir, 'app');
      await writeFile(
        binary,
        Buffer.concat([elf({ is64: true, little: true, machine: 183 }), Buffer.alloc(10_000)]),
      );
      expect(await detectFileTarget(binary)).toMatchObject({
        ok: true,
        target: 'aarch64-unknown-linux-gnu',
      });
      const image = path.join(dir, 'rootfs.img');
      await writeFile(image, Buffer.from('not a program'));
      const detection = await detectFileTarget(image);
      expect(detection).toEqual({
        ok: false,
        reason: `Cannot tell the target of ${image}: it is not an ELF, PE or Mach-O file (an image or an archive says nothing of its target).`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
