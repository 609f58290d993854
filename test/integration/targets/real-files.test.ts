// Target detection on real build outputs nobody here wrote: Debian's busybox and kernels, Go's
// debug/elf, debug/pe and debug/macho test files, and U-Boot images, archives and file
// systems made from them with Debian's tools, all fetched by scripts/fetch-target-corpus.sh
// (run by .ci/run) into a cache outside the repository. Without the cache, this file skips
// and says why.
import { describe, expect, it } from 'vitest';
import { detectFileTarget } from '../../../src-main/targets/index.js';
import { CORPUS_MISSING, corpusFile, corpusReady } from '../../target-corpus.js';

if (!corpusReady) console.log(`Skipping the real-file target tests: ${CORPUS_MISSING}.`);

describe.skipIf(!corpusReady)('targets of real files', () => {
  it.each([
    ['busybox-arm64', 'aarch64-unknown-linux-gnu', 'ELF 64-bit ARM aarch64, Linux'],
    ['busybox-armhf', 'arm-unknown-linux-gnueabihf', 'ELF 32-bit ARM, hard float, Linux'],
    ['busybox-i386', 'i686-unknown-linux-gnu', 'ELF 32-bit Intel 80386, Linux'],
    [
      'go-elf/gcc-amd64-linux-exec',
      'x86_64-unknown-linux-gnu',
      'ELF 64-bit x86-64, System V ABI (taken as Linux)',
    ],
    ['go-elf/gcc-386-freebsd-exec', 'i686-unknown-freebsd', 'ELF 32-bit Intel 80386, FreeBSD'],
    [
      'go-elf/go-relocation-test-gcc720-riscv64.obj',
      'riscv64gc-unknown-linux-gnu',
      'ELF 64-bit RISC-V, System V ABI (taken as Linux)',
    ],
    [
      'go-elf/go-relocation-test-gcc540-mips.obj',
      'mips-unknown-linux-gnu',
      'ELF 32-bit MIPS, big-endian, System V ABI (taken as Linux)',
    ],
    [
      'go-elf/hello-world-core.gz',
      'x86_64-unknown-linux-gnu',
      'gzip-compressed ELF 64-bit x86-64, System V ABI (taken as Linux)',
    ],
    [
      'go-pe/gcc-amd64-mingw-exec',
      'x86_64-pc-windows-gnu',
      'PE32+ x86-64, Windows console, linked by GNU ld (linker version 2.22)',
    ],
    [
      'go-pe/gcc-386-mingw-exec',
      'i686-pc-windows-gnu',
      'PE32 Intel 80386, Windows console, linked by GNU ld (linker version 2.56)',
    ],
    ['systemd-bootx64.efi', 'x86_64-unknown-uefi', 'PE32+ x86-64, EFI application'],
    ['systemd-bootaa64.efi', 'aarch64-unknown-uefi', 'PE32+ ARM64, EFI application'],
    ['go-macho/gcc-amd64-darwin-exec', 'x86_64-apple-darwin', 'Mach-O 64-bit x86-64'],
    ['go-macho/clang-386-darwin-exec-with-rpath', 'i686-apple-darwin', 'Mach-O 32-bit i386'],
    ['vmlinuz-amd64', 'x86_64-unknown-linux-gnu', 'Linux kernel image (bzImage, EFI stub), x86_64'],
    [
      'vmlinuz-arm64',
      'aarch64-unknown-linux-gnu',
      'Linux kernel image (arm64 Image, EFI stub), aarch64',
    ],
    [
      'Image-arm64.gz',
      'aarch64-unknown-linux-gnu',
      'gzip-compressed Linux kernel image (arm64 Image, EFI stub), aarch64',
    ],
    [
      'uImage-arm64-linux',
      'aarch64-unknown-linux-gnu',
      'U-Boot legacy image "Linux arm64", kernel, linux, aarch64',
    ],
    [
      'uImage-x86_64-linux',
      'x86_64-unknown-linux-gnu',
      'U-Boot legacy image "Linux x86_64", kernel, linux, x86_64',
    ],
    [
      'uImage-riscv-linux',
      'riscv64gc-unknown-linux-gnu',
      'U-Boot legacy image "Linux riscv", kernel, linux, riscv64gc; its payload: Linux kernel image (RISC-V Image), riscv64gc',
    ],
    [
      'uImage-arm-firmware',
      'arm-unknown-none-eabihf',
      'U-Boot legacy image "armhf firmware", firmware, u-boot, arm; its payload: ELF 32-bit ARM, hard float, Linux',
    ],
    [
      'fit-arm64.itb',
      'aarch64-unknown-linux-gnu',
      'U-Boot FIT image (1 image), kernel, linux, aarch64',
    ],
  ])('%s', async (name, target, evidence) => {
    expect(await detectFileTarget(corpusFile(name))).toEqual({ ok: true, target, evidence });
  });

  it.each([
    [
      'vmlinuz-armhf',
      'a 32-bit ARM Linux kernel (zImage), whose header does not say the float ABI a target needs',
    ],
    ['fit-two-arches.itb', 'a FIT image for several architectures (arm64, arm)'],
    [
      'uImage-arm-linux-gzip',
      'a U-Boot legacy image "Linux arm" for arm, whose header does not say the float ABI',
    ],
    [
      'go-elf/go-relocation-test-gcc492-arm.obj',
      'an ELF file for 32-bit ARM whose header says neither hard nor soft float',
    ],
    ['go-macho/fat-gcc-386-amd64-darwin-exec', 'a universal Mach-O file holding i386, x86-64'],
    [
      'go-pe/vmlinuz-4.15.0-47-generic',
      'the start of an x86 Linux kernel image (its boot sector says "Use a boot loader."), cut short',
    ],
    ['rootfs.tar', 'a tar archive, which says nothing of the target of what it holds'],
    ['rootfs.tar.gz', 'a gzip-compressed file whose content is a tar archive'],
    ['rootfs.cpio', 'a cpio archive, which says'],
    ['update.swu', 'a SWUpdate image (.swu, a cpio archive), which says'],
    ['rootfs.squashfs', 'a squashfs file system, which says'],
    ['rootfs.ext2', 'an ext2 file system, which says'],
    ['rootfs.ext3', 'an ext3 file system, which says'],
    ['rootfs.ext4', 'an ext4 file system, which says'],
  ])('%s is refused, saying what it is', async (name, reason) => {
    const detection = await detectFileTarget(corpusFile(name));
    expect(detection).toEqual({
      ok: false,
      reason: expect.stringContaining(
        `Cannot tell the target of ${corpusFile(name)}: it is ${reason}`,
      ),
    });
  });

  it.each([
    'vmlinuz-amd64',
    'vmlinuz-arm64',
    'vmlinuz-armhf',
    'Image-arm64.gz',
    'uImage-arm64-linux',
    'uImage-x86_64-linux',
    'fit-arm64.itb',
    'go-pe/vmlinuz-4.15.0-47-generic',
  ])('the Linux kernel %s is never called Windows or UEFI', async (name) => {
    const detection = await detectFileTarget(corpusFile(name));
    const said = detection.ok ? detection.target : detection.reason;
    expect(said).not.toMatch(/windows|uefi/i);
    expect(detection.ok ? detection.evidence : detection.reason).toMatch(/Linux kernel|linux/);
  });
});
