// ELF: machine, class, byte order, OS ABI and (on 32-bit ARM) the float ABI, as `file` names
// them. A System V OS ABI is what Linux toolchains write unless a GNU extension is used, so it
// is taken as Linux and the evidence says so.
import { found, refused, type Detection } from './detection.js';

interface Machine {
  name: string;
  arch: (is64: boolean, little: boolean) => string | undefined;
  /** Built either way round, so the evidence says big-endian when it is. */
  biEndian?: true;
}

const MACHINES: Record<number, Machine> = {
  3: { name: 'Intel 80386', arch: () => 'i686' },
  62: { name: 'x86-64', arch: () => 'x86_64' },
  183: {
    name: 'ARM aarch64',
    arch: (_64, little) => (little ? 'aarch64' : 'aarch64_be'),
    biEndian: true,
  },
  40: { name: 'ARM', arch: (_64, little) => (little ? 'arm' : 'armeb'), biEndian: true },
  243: { name: 'RISC-V', arch: (is64) => (is64 ? 'riscv64gc' : 'riscv32gc') },
  8: {
    name: 'MIPS',
    arch: (is64, little) => `mips${is64 ? '64' : ''}${little ? 'el' : ''}`,
    biEndian: true,
  },
  20: { name: 'PowerPC', arch: () => 'powerpc' },
  21: {
    name: 'PowerPC64',
    arch: (_64, little) => (little ? 'powerpc64le' : 'powerpc64'),
    biEndian: true,
  },
  22: { name: 'IBM S/390', arch: (is64) => (is64 ? 's390x' : undefined) },
  43: { name: 'SPARC V9', arch: () => 'sparc64' },
};

const OS_ABI_SYSV = 0;
const OS_ABI_LINUX = 3;
const OS_ABI_FREEBSD = 9;
const EF_ARM_ABI_FLOAT_SOFT = 0x200;
const EF_ARM_ABI_FLOAT_HARD = 0x400;

export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.toString('latin1', 0, 4) === '\x7fELF';
}

export function elfTarget(head: Buffer): Detection {
  const elfClass = head[4];
  const data = head[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) {
    return refused('an ELF file with an unknown class or byte order');
  }
  const is64 = elfClass === 2;
  const little = data === 1;
  if (head.length < (is64 ? 0x34 : 0x28)) return refused('an ELF header cut short');
  const machine = little ? head.readUInt16LE(18) : head.readUInt16BE(18);
  const flagsAt = is64 ? 0x30 : 0x24;
  const flags = little ? head.readUInt32LE(flagsAt) : head.readUInt32BE(flagsAt);
  const known = MACHINES[machine];
  const arch = known?.arch(is64, little);
  if (!known || !arch)
    return refused(`an ELF file for machine ${machine}, which has no known triplet`);

  let words = `ELF ${is64 ? 64 : 32}-bit ${known.name}`;
  if (known.biEndian && !little) words += ', big-endian';
  let env = 'gnu';
  if (machine === 40) {
    if (flags & EF_ARM_ABI_FLOAT_HARD) [env, words] = ['gnueabihf', `${words}, hard float`];
    else if (flags & EF_ARM_ABI_FLOAT_SOFT) [env, words] = ['gnueabi', `${words}, soft float`];
    else {
      return refused(
        'an ELF file for 32-bit ARM whose header says neither hard nor soft float, which a ' +
          'target needs (gnueabihf or gnueabi)',
      );
    }
  }
  if (machine === 8 && is64) env = 'gnuabi64';

  const osAbi = head[7]!;
  if (osAbi === OS_ABI_FREEBSD) return found(`${arch}-unknown-freebsd`, `${words}, FreeBSD`);
  if (osAbi === OS_ABI_LINUX) return found(`${arch}-unknown-linux-${env}`, `${words}, Linux`);
  if (osAbi === OS_ABI_SYSV) {
    return found(`${arch}-unknown-linux-${env}`, `${words}, System V ABI (taken as Linux)`);
  }
  return refused(`an ELF file for OS ABI ${osAbi}, which has no known triplet`);
}
