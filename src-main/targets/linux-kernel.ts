// Linux kernel images, read before anything else: with the EFI stub a kernel is also a PE
// file (an EFI application, linked by GNU ld), and must never be taken for a UEFI or Windows
// program. Each kernel gets the target of a Linux system on its architecture; where the image
// cannot say what a triplet needs, the reason says so instead of a guess.
import { found, refused, type Detection } from './detection.js';
import { isMz, peArch, peHeader } from './pe-header.js';

const ARM64_MAGIC = 'ARM\x64';
const RISCV_MAGIC = 'RSC\x05';
const X86_MAGIC = 'HdrS';
const ZIMAGE_MAGIC = 0x016f2818;
/** arch/x86/boot/header.S: the boot sector's message when a BIOS starts the kernel itself. */
const X86_BOOT_SECTOR_MESSAGE = 'Use a boot loader.';

/** "bzImage, EFI stub" and the like: what kind of image, and whether it is also a PE file. */
function kind(head: Buffer, name: string): string {
  return isMz(head) && typeof peHeader(head) !== 'string' ? `${name}, EFI stub` : name;
}

function linux(arch: string, what: string): Detection {
  return found(`${arch}-unknown-linux-gnu`, `Linux kernel image (${what}), ${arch}`);
}

function x86(head: Buffer): Detection {
  const version = head.readUInt16LE(0x206);
  const loadedHigh = (head[0x211]! & 1) === 1;
  const what = kind(head, loadedHigh ? 'bzImage' : 'zImage');
  const protocol = `${version >> 8}.${String(version & 0xff).padStart(2, '0')}`;
  // xloadflags (boot protocol 2.12 and later): bit 0 is the 64-bit entry point.
  if (version < 0x20c || head.length < 0x238) {
    return refused(
      `a Linux kernel image (${what}) with boot protocol ${protocol}, which does not say ` +
        'whether it is 32- or 64-bit (2.12 and later do); give the target',
    );
  }
  return linux((head.readUInt16LE(0x236) & 1) === 1 ? 'x86_64' : 'i686', what);
}

function arm64(head: Buffer): Detection {
  // flags bit 0: the kernel's byte order.
  const bigEndian = (head.readUInt32LE(0x18) & 1) === 1;
  return linux(bigEndian ? 'aarch64_be' : 'aarch64', kind(head, 'arm64 Image'));
}

function riscv(head: Buffer): Detection {
  const what = kind(head, 'RISC-V Image');
  // The load offset is 2 MiB on 64-bit kernels and 4 MiB on 32-bit ones (arch/riscv/kernel/head.S).
  const textOffset = Number(head.readBigUInt64LE(0x08));
  if (textOffset === 0x200000) return linux('riscv64gc', what);
  if (textOffset === 0x400000) return linux('riscv32gc', what);
  const pe = isMz(head) ? peHeader(head) : undefined;
  const arch = pe && typeof pe !== 'string' ? peArch(pe.machine) : undefined;
  if (arch?.startsWith('riscv')) return linux(arch, what);
  return refused(
    `a RISC-V Linux kernel image (${what}) whose header does not say whether it is 32- or ` +
      '64-bit; give the target',
  );
}

function zboot(head: Buffer): Detection {
  // The EFI zboot header: "zimg" at 4, the compression's name at 0x18.
  const end = head.indexOf(0, 0x18);
  const compression = head.toString('latin1', 0x18, end > 0x18 && end < 0x28 ? end : 0x20);
  const pe = peHeader(head);
  const arch = typeof pe === 'string' ? undefined : peArch(pe.machine);
  const what = `EFI zboot, ${compression.replace(/[^\x20-\x7e]/g, '?')}`;
  return arch
    ? linux(arch, what)
    : refused(`a Linux kernel image (${what}) for a machine with no known triplet`);
}

/** The kernel image `head` starts, or undefined when it is not one. */
export function linuxKernelTarget(head: Buffer): Detection | undefined {
  if (head.length >= 0x40 && head.toString('latin1', 0x38, 0x3c) === ARM64_MAGIC)
    return arm64(head);
  if (head.length >= 0x40 && head.toString('latin1', 0x38, 0x3c) === RISCV_MAGIC)
    return riscv(head);
  if (head.length >= 0x208 && head.toString('latin1', 0x202, 0x206) === X86_MAGIC) return x86(head);
  if (head.length >= 0x28 && isMz(head) && head.toString('latin1', 4, 8) === 'zimg')
    return zboot(head);
  if (
    head.length >= 0x28 &&
    (head.readUInt32LE(0x24) === ZIMAGE_MAGIC || head.readUInt32BE(0x24) === ZIMAGE_MAGIC)
  ) {
    return refused(
      'a 32-bit ARM Linux kernel (zImage), whose header does not say the float ABI a target ' +
        'needs (gnueabihf or gnueabi); give the target, e.g. armv7-unknown-linux-gnueabihf',
    );
  }
  if (isMz(head) && head.subarray(0, 0x200).includes(X86_BOOT_SECTOR_MESSAGE, 0, 'latin1')) {
    return refused(
      'the start of an x86 Linux kernel image (its boot sector says "Use a boot loader."), cut ' +
        'short before the boot header that says 32- or 64-bit',
    );
  }
  return undefined;
}
