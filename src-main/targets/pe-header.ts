// PE: the machine, the subsystem (UEFI or Windows) and the linker that wrote it. GNU ld writes
// linker version 2.x (binutils'); MSVC and LLVM's lld write 14.x. A Linux kernel with the EFI
// stub is a PE file too: linux-kernel.ts looks first, so none of these are ever kernels.
import { found, refused, type Detection } from './detection.js';

interface PeMachine {
  name: string;
  arch: string;
  windows: boolean;
}

const MACHINES: Record<number, PeMachine> = {
  0x8664: { name: 'x86-64', arch: 'x86_64', windows: true },
  0x014c: { name: 'Intel 80386', arch: 'i686', windows: true },
  0xaa64: { name: 'ARM64', arch: 'aarch64', windows: true },
  0x01c4: { name: 'ARM Thumb-2', arch: 'thumbv7a', windows: true },
  0x5064: { name: 'RISC-V 64-bit', arch: 'riscv64gc', windows: false },
  0x5032: { name: 'RISC-V 32-bit', arch: 'riscv32gc', windows: false },
};

const UEFI_SUBSYSTEMS: Record<number, string> = {
  10: 'EFI application',
  11: 'EFI boot service driver',
  12: 'EFI runtime driver',
  13: 'EFI ROM',
};

const WINDOWS_SUBSYSTEMS: Record<number, string> = {
  1: 'Windows native',
  2: 'Windows GUI',
  3: 'Windows console',
};

export interface PeHeader {
  machine: number;
  /** PE32 or PE32+. */
  kind: string;
  linker: { major: number; minor: number };
  subsystem: number;
}

export function isMz(head: Buffer): boolean {
  return head.length >= 2 && head.toString('latin1', 0, 2) === 'MZ';
}

/** The PE header an MZ file points to, or why there is none within `head`. */
export function peHeader(head: Buffer): PeHeader | string {
  if (head.length < 0x40) return 'a DOS/PE header cut short';
  const at = head.readUInt32LE(0x3c);
  // The COFF header (24 bytes with the signature) and the optional header up to the subsystem.
  const optional = at + 24;
  if (optional + 70 > head.length || head.toString('latin1', at, at + 4) !== 'PE\0\0') {
    return 'an MZ file without a PE header where it should be';
  }
  const magic = head.readUInt16LE(optional);
  if (magic !== 0x10b && magic !== 0x20b)
    return 'a PE file without an image header (an object file?)';
  return {
    machine: head.readUInt16LE(at + 4),
    kind: magic === 0x20b ? 'PE32+' : 'PE32',
    linker: { major: head[optional + 2]!, minor: head[optional + 3]! },
    subsystem: head.readUInt16LE(optional + 68),
  };
}

/** The arch a PE machine number names (for a kernel's EFI stub), if any. */
export function peArch(machine: number): string | undefined {
  return MACHINES[machine]?.arch;
}

export function peTarget(head: Buffer): Detection {
  const header = peHeader(head);
  if (typeof header === 'string') return refused(header);
  const machine = MACHINES[header.machine];
  if (!machine) {
    return refused(
      `a PE file for machine 0x${header.machine.toString(16)}, which has no known triplet`,
    );
  }
  const words = `${header.kind} ${machine.name}`;
  const uefi = UEFI_SUBSYSTEMS[header.subsystem];
  if (uefi) return found(`${machine.arch}-unknown-uefi`, `${words}, ${uefi}`);
  if (!machine.windows) {
    return refused(`a ${words} file for subsystem ${header.subsystem}, which is not UEFI`);
  }
  const subsystem = WINDOWS_SUBSYSTEMS[header.subsystem] ?? `Windows subsystem ${header.subsystem}`;
  const { major, minor } = header.linker;
  return major === 2
    ? found(
        `${machine.arch}-pc-windows-gnu`,
        `${words}, ${subsystem}, linked by GNU ld (linker version ${major}.${minor})`,
      )
    : found(
        `${machine.arch}-pc-windows-msvc`,
        `${words}, ${subsystem}, linker version ${major}.${minor}`,
      );
}
