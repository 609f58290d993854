// A build output's target triplet from its header: ELF (machine, class, endianness, OS ABI,
// ARM float ABI), PE and Mach-O, mapped to the usual triplets. A header that does not say
// enough gets a reason instead of a guess.
import { openRegularFile } from '../files/index.js';

export type TargetDetection =
  { ok: true; target: string; format: 'elf' | 'pe' | 'mach-o' } | { ok: false; reason: string };

/** Bytes of the file's start that detection needs (a PE header may sit a little further in). */
export const HEADER_BYTES = 4096;

const ELF_MACHINES: Record<
  number,
  (is64: boolean, little: boolean, flags: number) => string | undefined
> = {
  3: () => 'i686',
  62: () => 'x86_64',
  183: (_64, little) => (little ? 'aarch64' : 'aarch64_be'),
  40: (_64, little) => (little ? 'arm' : 'armeb'),
  243: (is64) => (is64 ? 'riscv64gc' : 'riscv32gc'),
  8: (is64, little) => `mips${is64 ? '64' : ''}${little ? 'el' : ''}`,
  20: () => 'powerpc',
  21: (_64, little) => (little ? 'powerpc64le' : 'powerpc64'),
  22: (is64) => (is64 ? 's390x' : undefined),
  43: () => 'sparc64',
};

/** EI_OSABI values whose programs run on Linux (System V is what Linux toolchains write). */
const LINUX_ABIS = new Set([0, 3]);
const EF_ARM_ABI_FLOAT_HARD = 0x400;

function elf(header: Buffer): TargetDetection {
  const elfClass = header[4];
  const data = header[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) {
    return { ok: false, reason: 'an ELF header with an unknown class or byte order' };
  }
  const is64 = elfClass === 2;
  const little = data === 1;
  const need = is64 ? 0x34 : 0x28;
  if (header.length < need) return { ok: false, reason: 'an ELF header cut short' };
  const machine = little ? header.readUInt16LE(18) : header.readUInt16BE(18);
  const flagsAt = is64 ? 0x30 : 0x24;
  const flags = little ? header.readUInt32LE(flagsAt) : header.readUInt32BE(flagsAt);
  const arch = ELF_MACHINES[machine]?.(is64, little, flags);
  if (!arch)
    return { ok: false, reason: `an ELF file for machine ${machine}, which has no known triplet` };
  const osAbi = header[7]!;
  if (osAbi === 9) return { ok: true, format: 'elf', target: `${arch}-unknown-freebsd` };
  if (!LINUX_ABIS.has(osAbi)) {
    return { ok: false, reason: `an ELF file for OS ABI ${osAbi}, which has no known triplet` };
  }
  let env = 'gnu';
  if (machine === 40) env = flags & EF_ARM_ABI_FLOAT_HARD ? 'gnueabihf' : 'gnueabi';
  if (machine === 8 && is64) env = 'gnuabi64';
  return { ok: true, format: 'elf', target: `${arch}-unknown-linux-${env}` };
}

const PE_MACHINES: Record<number, string> = {
  0x8664: 'x86_64-pc-windows-msvc',
  0x014c: 'i686-pc-windows-msvc',
  0xaa64: 'aarch64-pc-windows-msvc',
  0x01c4: 'thumbv7a-pc-windows-msvc',
};

function pe(header: Buffer): TargetDetection {
  if (header.length < 0x40) return { ok: false, reason: 'a DOS/PE header cut short' };
  const at = header.readUInt32LE(0x3c);
  if (at + 6 > header.length || header.toString('latin1', at, at + 4) !== 'PE\0\0') {
    return { ok: false, reason: 'an MZ file without a PE header where it should be' };
  }
  const machine = header.readUInt16LE(at + 4);
  const target = PE_MACHINES[machine];
  return target
    ? { ok: true, format: 'pe', target }
    : {
        ok: false,
        reason: `a PE file for machine 0x${machine.toString(16)}, which has no known triplet`,
      };
}

const MACH_O_CPUS: Record<number, string> = {
  0x01000007: 'x86_64-apple-darwin',
  0x0100000c: 'aarch64-apple-darwin',
  7: 'i686-apple-darwin',
};

function machO(header: Buffer, little: boolean): TargetDetection {
  if (header.length < 8) return { ok: false, reason: 'a Mach-O header cut short' };
  const cpu = little ? header.readUInt32LE(4) : header.readUInt32BE(4);
  const target = MACH_O_CPUS[cpu];
  return target
    ? { ok: true, format: 'mach-o', target }
    : {
        ok: false,
        reason: `a Mach-O file for CPU type 0x${cpu.toString(16)}, which has no known triplet`,
      };
}

/** The target of the build output whose first bytes are `header`. */
export function detectTarget(header: Buffer): TargetDetection {
  if (header.length >= 16 && header.toString('latin1', 0, 4) === '\x7fELF') return elf(header);
  if (header.length >= 2 && header.toString('latin1', 0, 2) === 'MZ') return pe(header);
  if (header.length >= 4) {
    const magic = header.readUInt32BE(0);
    if (magic === 0xcffaedfe || magic === 0xcefaedfe) return machO(header, true);
    if (magic === 0xfeedfacf || magic === 0xfeedface) return machO(header, false);
    if (magic === 0xcafebabe) {
      return {
        ok: false,
        reason: 'a universal Mach-O file holding several targets; give the target',
      };
    }
  }
  return {
    ok: false,
    reason: 'not an ELF, PE or Mach-O file (an image or an archive says nothing of its target)',
  };
}

/** Reads the start of `path` and detects its target; the reason names the file. */
export async function detectFileTarget(path: string): Promise<TargetDetection> {
  const handle = await openRegularFile(path);
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    const detection = detectTarget(header.subarray(0, bytesRead));
    return detection.ok
      ? detection
      : { ok: false, reason: `Cannot tell the target of ${path}: it is ${detection.reason}.` };
  } finally {
    await handle.close();
  }
}
