// Headers made byte by byte as the toolchains write them (see build-headers.ts); the same rows
// on real files from Debian's packages are in test/integration/targets.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFileTarget, detectTarget } from '../../../src-main/targets/index.js';
import {
  arm64Image,
  bzImage,
  cpio,
  deviceTree,
  elf,
  extFileSystem,
  fatMachO,
  gzip,
  machO,
  pe,
  riscvImage,
  squashfs,
  tar,
  uImage,
  zboot,
  zImage,
} from './build-headers.js';

const ARM64 = 22;
const ARM = 2;
const RISCV = 26;
const X86_64 = 24;
const LINUX = 5;
const U_BOOT = 17;
const KERNEL = 2;
const FIRMWARE = 5;
const STANDALONE = 1;
const armhfBusybox = elf({ is64: false, little: true, machine: 40, flags: 0x05000400, osAbi: 3 });

describe('detectTarget finds', () => {
  it.each([
    [
      'x86_64 Linux',
      elf({ is64: true, little: true, machine: 62 }),
      'x86_64-unknown-linux-gnu',
      'ELF 64-bit x86-64, System V ABI (taken as Linux)',
    ],
    [
      'aarch64 Linux (OS ABI Linux)',
      elf({ is64: true, little: true, machine: 183, osAbi: 3 }),
      'aarch64-unknown-linux-gnu',
      'ELF 64-bit ARM aarch64, Linux',
    ],
    [
      'ARM hard float',
      armhfBusybox,
      'arm-unknown-linux-gnueabihf',
      'ELF 32-bit ARM, hard float, Linux',
    ],
    [
      'ARM soft float',
      elf({ is64: false, little: true, machine: 40, flags: 0x05000200 }),
      'arm-unknown-linux-gnueabi',
      'ELF 32-bit ARM, soft float, System V ABI (taken as Linux)',
    ],
    [
      'i686',
      elf({ is64: false, little: true, machine: 3, osAbi: 3 }),
      'i686-unknown-linux-gnu',
      'ELF 32-bit Intel 80386, Linux',
    ],
    [
      'RISC-V 64',
      elf({ is64: true, little: true, machine: 243 }),
      'riscv64gc-unknown-linux-gnu',
      'ELF 64-bit RISC-V, System V ABI (taken as Linux)',
    ],
    [
      'MIPS big-endian 32',
      elf({ is64: false, little: false, machine: 8 }),
      'mips-unknown-linux-gnu',
      'ELF 32-bit MIPS, big-endian, System V ABI (taken as Linux)',
    ],
    [
      'MIPS64 little-endian',
      elf({ is64: true, little: true, machine: 8 }),
      'mips64el-unknown-linux-gnuabi64',
      'ELF 64-bit MIPS, System V ABI (taken as Linux)',
    ],
    [
      'PowerPC64 LE',
      elf({ is64: true, little: true, machine: 21 }),
      'powerpc64le-unknown-linux-gnu',
      'ELF 64-bit PowerPC64, System V ABI (taken as Linux)',
    ],
    [
      'x86_64 FreeBSD',
      elf({ is64: true, little: true, machine: 62, osAbi: 9 }),
      'x86_64-unknown-freebsd',
      'ELF 64-bit x86-64, FreeBSD',
    ],
    [
      'PE x64 by MSVC',
      pe(0x8664),
      'x86_64-pc-windows-msvc',
      'PE32+ x86-64, Windows console, linker version 14.0',
    ],
    [
      'PE arm64 by MSVC',
      pe(0xaa64, { subsystem: 2 }),
      'aarch64-pc-windows-msvc',
      'PE32+ ARM64, Windows GUI, linker version 14.0',
    ],
    [
      'PE x86 by GNU ld (MinGW)',
      pe(0x14c, { linker: [2, 30] }),
      'i686-pc-windows-gnu',
      'PE32+ Intel 80386, Windows console, linked by GNU ld (linker version 2.30)',
    ],
    [
      'PE x64 by GNU ld (MinGW)',
      pe(0x8664, { linker: [2, 41] }),
      'x86_64-pc-windows-gnu',
      'PE32+ x86-64, Windows console, linked by GNU ld (linker version 2.41)',
    ],
    [
      'a UEFI application',
      pe(0x8664, { subsystem: 10, linker: [2, 41] }),
      'x86_64-unknown-uefi',
      'PE32+ x86-64, EFI application',
    ],
    [
      'a UEFI boot service driver',
      pe(0xaa64, { subsystem: 11 }),
      'aarch64-unknown-uefi',
      'PE32+ ARM64, EFI boot service driver',
    ],
    [
      'a UEFI runtime driver',
      pe(0x14c, { subsystem: 12 }),
      'i686-unknown-uefi',
      'PE32+ Intel 80386, EFI runtime driver',
    ],
    [
      'a UEFI ROM',
      pe(0x5064, { subsystem: 13 }),
      'riscv64gc-unknown-uefi',
      'PE32+ RISC-V 64-bit, EFI ROM',
    ],
    ['Mach-O arm64', machO(0x0100000c), 'aarch64-apple-darwin', 'Mach-O 64-bit arm64'],
    ['Mach-O x86_64', machO(0x01000007), 'x86_64-apple-darwin', 'Mach-O 64-bit x86-64'],
    [
      'an x86 bzImage with the EFI stub',
      bzImage(),
      'x86_64-unknown-linux-gnu',
      'Linux kernel image (bzImage, EFI stub), x86_64',
    ],
    [
      'an x86 bzImage without the EFI stub',
      bzImage({ efiStub: false }),
      'x86_64-unknown-linux-gnu',
      'Linux kernel image (bzImage), x86_64',
    ],
    [
      'a 32-bit x86 bzImage with the EFI stub',
      bzImage({ is64: false }),
      'i686-unknown-linux-gnu',
      'Linux kernel image (bzImage, EFI stub), i686',
    ],
    [
      'an arm64 Image',
      arm64Image(),
      'aarch64-unknown-linux-gnu',
      'Linux kernel image (arm64 Image), aarch64',
    ],
    [
      'an arm64 Image with the EFI stub',
      arm64Image({ efiStub: true }),
      'aarch64-unknown-linux-gnu',
      'Linux kernel image (arm64 Image, EFI stub), aarch64',
    ],
    [
      'a big-endian arm64 Image',
      arm64Image({ bigEndian: true }),
      'aarch64_be-unknown-linux-gnu',
      'Linux kernel image (arm64 Image), aarch64_be',
    ],
    [
      'a 64-bit RISC-V Image',
      riscvImage(),
      'riscv64gc-unknown-linux-gnu',
      'Linux kernel image (RISC-V Image), riscv64gc',
    ],
    [
      'a 32-bit RISC-V Image',
      riscvImage({ textOffset: 0x400000 }),
      'riscv32gc-unknown-linux-gnu',
      'Linux kernel image (RISC-V Image), riscv32gc',
    ],
    [
      'a RISC-V Image whose EFI stub says 64-bit',
      riscvImage({ textOffset: 0, efiStub: 0x5064 }),
      'riscv64gc-unknown-linux-gnu',
      'Linux kernel image (RISC-V Image, EFI stub), riscv64gc',
    ],
    [
      'an arm64 EFI zboot image',
      zboot(0xaa64),
      'aarch64-unknown-linux-gnu',
      'Linux kernel image (EFI zboot, gzip), aarch64',
    ],
    [
      'a gzip-compressed arm64 Image (Image.gz)',
      gzip(Buffer.concat([arm64Image(), Buffer.alloc(200_000, 7)])),
      'aarch64-unknown-linux-gnu',
      'gzip-compressed Linux kernel image (arm64 Image), aarch64',
    ],
    [
      'a U-Boot legacy image of an arm64 Linux kernel',
      uImage({ arch: ARM64, os: LINUX, type: KERNEL, name: 'Linux-6.1', payload: arm64Image() }),
      'aarch64-unknown-linux-gnu',
      'U-Boot legacy image "Linux-6.1", kernel, linux, aarch64',
    ],
    [
      'a U-Boot legacy image of x86_64 firmware',
      uImage({ arch: X86_64, os: LINUX, type: FIRMWARE }),
      'x86_64-unknown-linux-gnu',
      'U-Boot legacy image "test image", firmware, linux, x86_64',
    ],
    [
      'a U-Boot legacy image of an arm64 standalone program',
      uImage({ arch: ARM64, os: 0, type: STANDALONE }),
      'aarch64-unknown-none',
      'U-Boot legacy image "test image", standalone, code 0, aarch64',
    ],
    [
      'a U-Boot legacy image of U-Boot itself',
      uImage({ arch: ARM64, os: U_BOOT, type: FIRMWARE, name: 'U-Boot' }),
      'aarch64-unknown-none',
      'U-Boot legacy image "U-Boot", firmware, u-boot, aarch64',
    ],
    [
      'a U-Boot legacy image of a RISC-V kernel, its width from the payload',
      uImage({ arch: RISCV, os: LINUX, type: KERNEL, payload: riscvImage() }),
      'riscv64gc-unknown-linux-gnu',
      'U-Boot legacy image "test image", kernel, linux, riscv64gc; its payload: Linux kernel image (RISC-V Image), riscv64gc',
    ],
    [
      'a U-Boot legacy image of 32-bit ARM firmware, its float ABI from the payload',
      uImage({ arch: ARM, os: U_BOOT, type: FIRMWARE, payload: armhfBusybox }),
      'arm-unknown-none-eabihf',
      'U-Boot legacy image "test image", firmware, u-boot, arm; its payload: ELF 32-bit ARM, hard float, Linux',
    ],
    [
      'a FIT image of one arm64 kernel and its device tree',
      deviceTree({
        description: 'arm64 kernel',
        images: {
          kernel: { data: arm64Image(), type: 'kernel', arch: 'arm64', os: 'linux' },
          fdt: { data: Buffer.alloc(64), type: 'flat_dt', arch: 'arm64' },
        },
        configurations: { default: 'conf', conf: { kernel: 'kernel', fdt: 'fdt' } },
      }),
      'aarch64-unknown-linux-gnu',
      'U-Boot FIT image (2 images), kernel, linux, aarch64',
    ],
    [
      'a FIT image of RISC-V firmware, its width from the payload',
      deviceTree({
        images: { sbi: { type: 'firmware', arch: 'riscv', os: 'opensbi', data: riscvImage() } },
      }),
      'riscv64gc-unknown-none',
      'U-Boot FIT image (1 image), firmware, opensbi, riscv64gc; its payload: Linux kernel image (RISC-V Image), riscv64gc',
    ],
  ])('%s', async (_name, header, target, evidence) => {
    expect(await detectTarget(header)).toEqual({ ok: true, target, evidence });
  });
});

describe('detectTarget says why', () => {
  it.each([
    ['an unknown ELF machine', elf({ is64: true, little: true, machine: 9999 }), /machine 9999/],
    ['an unknown OS ABI', elf({ is64: true, little: true, machine: 62, osAbi: 97 }), /OS ABI 97/],
    [
      'a 32-bit ARM ELF without its float ABI',
      elf({ is64: false, little: true, machine: 40, flags: 0x05000000 }),
      /32-bit ARM whose header says neither hard nor soft float/,
    ],
    [
      'a cut-short ELF',
      elf({ is64: true, little: true, machine: 62 }).subarray(0, 20),
      /cut short/,
    ],
    ['MZ without PE', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), /without a PE header/],
    ['a RISC-V PE that is not UEFI', pe(0x5064), /not UEFI/],
    [
      'a universal Mach-O',
      fatMachO([7, 0x01000007]),
      /universal Mach-O file holding i386, x86-64, one program for each/,
    ],
    ['a Java class file', Buffer.from('cafebabe00000037', 'hex'), /Java class/],
    [
      'an ARM zImage',
      zImage(),
      /32-bit ARM Linux kernel \(zImage\), whose header does not say the float ABI/,
    ],
    [
      'an old bzImage',
      bzImage({ protocol: 0x20a }),
      /boot protocol 2\.10, which does not say whether it is 32- or 64-bit/,
    ],
    [
      'a RISC-V Image that does not say its width',
      riscvImage({ textOffset: 0 }),
      /RISC-V Linux kernel image .* does not say whether it is 32- or 64-bit/,
    ],
    [
      'a U-Boot legacy image of a 32-bit ARM kernel (a zImage inside)',
      uImage({ arch: ARM, os: LINUX, type: KERNEL, payload: zImage() }),
      /a U-Boot legacy image "test image" for arm, whose header does not say the float ABI/,
    ],
    [
      'a U-Boot legacy image for an OS with no triplet',
      uImage({ arch: ARM64, os: 16, type: KERNEL }),
      /for the OS "qnx"/,
    ],
    [
      'a FIT image for two architectures',
      deviceTree({
        images: {
          kernel: { type: 'kernel', arch: 'arm64', os: 'linux', data: arm64Image() },
          mcu: { type: 'firmware', arch: 'arm', os: 'u-boot', data: Buffer.alloc(8) },
        },
      }),
      /FIT image for several architectures \(arm64, arm\)/,
    ],
    [
      'a device tree blob that is not a FIT image',
      deviceTree({ model: 'Raspberry Pi 4', cpus: { cpu0: { compatible: 'arm,cortex-a72' } } }),
      /device tree blob \(no \/images/,
    ],
    ['a tar archive', tar(), /^a tar archive, which says nothing of the target/],
    [
      'a gzip-compressed tar archive',
      gzip(tar()),
      /^a gzip-compressed file whose content is a tar archive/,
    ],
    ['a cpio archive', cpio('bin'), /^a cpio archive,/],
    ['a SWUpdate image', cpio('sw-description'), /^a SWUpdate image \(\.swu, a cpio archive\)/],
    ['a squashfs image', squashfs(), /^a squashfs file system/],
    ['an ext2 image', extFileSystem('ext2'), /^an ext2 file system/],
    ['an ext3 image', extFileSystem('ext3'), /^an ext3 file system/],
    ['an ext4 image', extFileSystem('ext4'), /^an ext4 file system/],
    ['an xz file', Buffer.from('fd377a585a000004', 'hex'), /^an xz-compressed file/],
    [
      'damaged gzip data',
      Buffer.from('1f8b0800000000000003ffffffffffff', 'hex'),
      /cannot be inflated/,
    ],
    ['an empty file', Buffer.alloc(0), /not an ELF, PE or Mach-O file/],
  ])('for %s', async (_name, header, reason) => {
    const detection = await detectTarget(header);
    expect(detection.ok).toBe(false);
    if (!detection.ok) expect(detection.reason).toMatch(reason);
  });

  it('for a damaged device tree whose offsets point past its end', async () => {
    const tree = deviceTree({ images: { k: { arch: 'arm64', os: 'linux', type: 'kernel' } } });
    tree.writeUInt32BE(0xfffffff0, 8); // off_dt_struct
    expect(await detectTarget(tree)).toEqual({
      ok: false,
      reason: expect.stringMatching(/points past its end/),
    });
    const lying = deviceTree({ images: { k: { arch: 'arm64', data: Buffer.alloc(16) } } });
    // The data property's length says 1 GiB: past the tree, so not followed.
    lying.writeUInt32BE(0x40000000, lying.indexOf(Buffer.from([0, 0, 0, 3, 0, 0, 0, 16])) + 4);
    expect(await detectTarget(lying)).toEqual({
      ok: false,
      reason: expect.stringMatching(/property past its end/),
    });
  });

  it('reads no more than the first 64 KiB of a gzip file’s content', async () => {
    // A tar header past 64 KiB of content is not seen.
    const late = gzip(Buffer.concat([Buffer.alloc(70 * 1024), tar()]));
    expect(await detectTarget(late)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^a gzip-compressed file whose content is not an ELF/),
    });
  });
});

describe('a Linux kernel', () => {
  const variants: [string, Buffer][] = [
    ['bzImage, EFI stub', bzImage()],
    ['bzImage', bzImage({ efiStub: false })],
    ['32-bit bzImage, EFI stub', bzImage({ is64: false })],
    ['zImage-format x86 kernel', bzImage({ loadedHigh: false })],
    ['bzImage, old boot protocol, EFI stub', bzImage({ protocol: 0x20a })],
    ['arm64 Image', arm64Image()],
    ['arm64 Image, EFI stub', arm64Image({ efiStub: true })],
    ['RISC-V Image', riscvImage()],
    ['RISC-V Image, EFI stub', riscvImage({ efiStub: 0x5064 })],
    ['RISC-V Image of unknown width, EFI stub', riscvImage({ textOffset: 0, efiStub: 0x14c })],
    ['ARM zImage', zImage()],
    ['ARM zImage, EFI stub', zImage({ efiStub: true })],
    ['EFI zboot arm64', zboot(0xaa64)],
    ['EFI zboot RISC-V', zboot(0x5064, 'zstd')],
    ['EFI zboot x86_64', zboot(0x8664)],
    ['EFI zboot for an unknown machine', zboot(0x1234)],
    ['x86 kernel cut short after its boot sector', bzImage().subarray(0, 0x1da)],
  ];
  const wrapped = variants.flatMap(([name, image]): [string, Buffer][] => [
    [name, image],
    [`${name}, gzip-compressed`, gzip(image)],
    [
      `${name}, in a U-Boot legacy image`,
      uImage({ arch: ARM64, os: LINUX, type: KERNEL, payload: image }),
    ],
  ]);

  it.each(wrapped)('is never called Windows or UEFI: %s', async (_name, image) => {
    const detection = await detectTarget(image);
    if (detection.ok) {
      expect(detection.target).toMatch(/-unknown-linux-gnu$/);
      expect(detection.evidence).toMatch(/Linux kernel image|U-Boot legacy image/);
    } else {
      expect(detection.reason).toMatch(/Linux kernel/);
    }
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
      expect(await detectFileTarget(image)).toEqual({
        ok: false,
        reason: `Cannot tell the target of ${image}: it is not an ELF, PE or Mach-O file, a Linux kernel image or a U-Boot image.`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('walks a FIT image whose kernel lies megabytes into its tree, in small reads', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'target-'));
    try {
      const fit = path.join(dir, 'image.itb');
      const kernel = Buffer.concat([arm64Image({ efiStub: true }), Buffer.alloc(8 << 20, 1)]);
      // arch and os after 8 MiB of data, where mkimage puts them when the .its says them last.
      const tree = deviceTree({
        images: { kernel: { data: kernel, type: 'kernel', arch: 'arm64', os: 'linux' } },
      });
      await writeFile(fit, tree);
      expect(await detectFileTarget(fit)).toEqual({
        ok: true,
        target: 'aarch64-unknown-linux-gnu',
        evidence: 'U-Boot FIT image (1 image), kernel, linux, aarch64',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
