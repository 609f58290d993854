// Mach-O: the CPU type of a thin file; a universal (fat) file names the ones it holds. Java
// class files share the fat magic; their version number is far above any count of arches.
import { found, refused, type Detection } from './detection.js';

const CPUS: Record<number, { name: string; target: string }> = {
  0x01000007: { name: 'x86-64', target: 'x86_64-apple-darwin' },
  0x0100000c: { name: 'arm64', target: 'aarch64-apple-darwin' },
  7: { name: 'i386', target: 'i686-apple-darwin' },
};

const FAT_MAGIC = 0xcafebabe;
/** More arches than any universal file holds; Java class files read as 45 and up here. */
const MAX_FAT_ARCHES = 20;

function cpuName(cpu: number): string {
  return CPUS[cpu]?.name ?? `CPU type 0x${cpu.toString(16)}`;
}

export function isMachO(head: Buffer): boolean {
  if (head.length < 8) return false;
  const magic = head.readUInt32BE(0);
  return [0xcffaedfe, 0xcefaedfe, 0xfeedfacf, 0xfeedface, FAT_MAGIC].includes(magic);
}

export function machOTarget(head: Buffer): Detection {
  const magic = head.readUInt32BE(0);
  if (magic === FAT_MAGIC) {
    const count = head.readUInt32BE(4);
    if (count === 0 || count > MAX_FAT_ARCHES)
      return refused('a Java class file (or a damaged universal Mach-O file)');
    const cpus: string[] = [];
    for (let i = 0; i < count && 8 + i * 20 + 4 <= head.length; i++) {
      cpus.push(cpuName(head.readUInt32BE(8 + i * 20)));
    }
    return refused(
      `a universal Mach-O file holding ${cpus.join(', ')}, one program for each; give the target`,
    );
  }
  const little = magic === 0xcffaedfe || magic === 0xcefaedfe;
  const is64 = magic === 0xcffaedfe || magic === 0xfeedfacf;
  const cpu = little ? head.readUInt32LE(4) : head.readUInt32BE(4);
  const known = CPUS[cpu];
  return known
    ? found(known.target, `Mach-O ${is64 ? 64 : 32}-bit ${known.name}`)
    : refused(`a Mach-O file for ${cpuName(cpu)}, which has no known triplet`);
}
