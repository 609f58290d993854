// Headers made here, byte by byte as the toolchains, the kernel's build and mkimage write them.
import { gzipSync } from 'node:zlib';

export function elf(o: {
  is64: boolean;
  little: boolean;
  machine: number;
  osAbi?: number;
  flags?: number;
}): Buffer {
  const header = Buffer.alloc(o.is64 ? 64 : 52);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = o.is64 ? 2 : 1;
  header[5] = o.little ? 1 : 2;
  header[6] = 1;
  header[7] = o.osAbi ?? 0;
  const u16 = (v: number, at: number) =>
    o.little ? header.writeUInt16LE(v, at) : header.writeUInt16BE(v, at);
  const u32 = (v: number, at: number) =>
    o.little ? header.writeUInt32LE(v, at) : header.writeUInt32BE(v, at);
  u16(2, 16); // ET_EXEC
  u16(o.machine, 18);
  u32(o.flags ?? 0, o.is64 ? 0x30 : 0x24);
  return header;
}

export interface PeOptions {
  /** 3 (Windows console) unless said; 10 is an EFI application. */
  subsystem?: number;
  /** MajorLinkerVersion.MinorLinkerVersion: 14.0 (MSVC) unless said; GNU ld writes 2.x. */
  linker?: [number, number];
  /** Where the PE signature goes (the value at 0x3c). */
  at?: number;
}

/** Writes an MZ header and a PE32+ header into `into` (a kernel's start, or a fresh buffer). */
export function writePe(into: Buffer, machine: number, o: PeOptions = {}): Buffer {
  const at = o.at ?? 0x80;
  into.write('MZ', 0, 'latin1');
  into.writeUInt32LE(at, 0x3c);
  into.write('PE\0\0', at, 'latin1');
  into.writeUInt16LE(machine, at + 4);
  const optional = at + 24;
  into.writeUInt16LE(0x20b, optional);
  const [major, minor] = o.linker ?? [14, 0];
  into[optional + 2] = major;
  into[optional + 3] = minor;
  into.writeUInt16LE(o.subsystem ?? 3, optional + 68);
  return into;
}

export function pe(machine: number, o: PeOptions = {}): Buffer {
  return writePe(Buffer.alloc(0x200), machine, o);
}

export function machO(cpu: number, magic = 0xfeedfacf): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(magic, 0);
  header.writeUInt32LE(cpu, 4);
  return header;
}

export function fatMachO(cpus: number[]): Buffer {
  const header = Buffer.alloc(8 + cpus.length * 20);
  header.writeUInt32BE(0xcafebabe, 0);
  header.writeUInt32BE(cpus.length, 4);
  cpus.forEach((cpu, i) => header.writeUInt32BE(cpu, 8 + i * 20));
  return header;
}

/** An x86 bzImage (arch/x86/boot/header.S): boot protocol 2.15, 64-bit, with the EFI stub. */
export function bzImage(
  o: { efiStub?: boolean; protocol?: number; is64?: boolean; loadedHigh?: boolean } = {},
): Buffer {
  const image = Buffer.alloc(0x1000);
  image.write('Use a boot loader.\r\n', 0x40, 'latin1');
  image.writeUInt16LE(0xaa55, 0x1fe);
  image.write('HdrS', 0x202, 'latin1');
  image.writeUInt16LE(o.protocol ?? 0x20f, 0x206);
  image[0x211] = (o.loadedHigh ?? true) ? 1 : 0;
  image.writeUInt16LE((o.is64 ?? true) ? 0x7f : 0x7e, 0x236);
  // A 32-bit kernel's EFI stub is a PE32 for i386; GNU ld links both.
  if (o.efiStub ?? true) {
    writePe(image, (o.is64 ?? true) ? 0x8664 : 0x14c, { subsystem: 10, linker: [2, 20] });
  }
  return image;
}

/** An arm64 Image (Documentation/arch/arm64/booting.rst), with the EFI stub as Debian's. */
export function arm64Image(o: { efiStub?: boolean; bigEndian?: boolean } = {}): Buffer {
  const image = Buffer.alloc(0x1000);
  image.writeUInt32LE(o.bigEndian ? 0xb : 0xa, 0x18);
  image.write('ARM\x64', 0x38, 'latin1');
  if (o.efiStub) writePe(image, 0xaa64, { at: 0x40, subsystem: 10, linker: [2, 20] });
  return image;
}

/** A RISC-V Image (Documentation/arch/riscv/boot-image-header.rst). */
export function riscvImage(o: { textOffset?: number; efiStub?: number } = {}): Buffer {
  const image = Buffer.alloc(0x1000);
  image.writeBigUInt64LE(BigInt(o.textOffset ?? 0x200000), 0x08);
  image.write('RISCV\0\0\0', 0x30, 'latin1');
  image.write('RSC\x05', 0x38, 'latin1');
  if (o.efiStub) writePe(image, o.efiStub, { at: 0x40, subsystem: 10, linker: [2, 20] });
  return image;
}

/** A 32-bit ARM zImage (arch/arm/boot/compressed/head.S). */
export function zImage(o: { efiStub?: boolean } = {}): Buffer {
  const image = Buffer.alloc(0x1000);
  image.writeUInt32LE(0x016f2818, 0x24);
  image.writeUInt32LE(0x04030201, 0x30);
  if (o.efiStub) writePe(image, 0x1c2, { at: 0x40, subsystem: 10, linker: [2, 20] });
  return image;
}

/** An EFI zboot image (drivers/firmware/efi/libstub/zboot-header.S). */
export function zboot(machine: number, compression = 'gzip'): Buffer {
  const image = writePe(Buffer.alloc(0x1000), machine, {
    at: 0x40,
    subsystem: 10,
    linker: [2, 20],
  });
  image.write('zimg', 4, 'latin1');
  image.write(`${compression}\0`, 0x18, 'latin1');
  return image;
}

/** A U-Boot legacy image (include/image.h) around `payload`. */
export function uImage(o: {
  arch: number;
  os: number;
  type: number;
  compression?: number;
  name?: string;
  payload?: Buffer;
}): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x27051956, 0);
  header.writeUInt32BE(o.payload?.length ?? 0, 12);
  header[28] = o.os;
  header[29] = o.arch;
  header[30] = o.type;
  header[31] = o.compression ?? 0;
  header.write(o.name ?? 'test image', 32, 'latin1');
  return Buffer.concat([header, o.payload ?? Buffer.alloc(0)]);
}

type TreeNode = { [name: string]: string | Buffer | TreeNode };

/** A flattened device tree (dtc's format): strings are NUL-terminated, buffers raw. */
export function deviceTree(root: TreeNode): Buffer {
  const strings: string[] = [];
  const struct: Buffer[] = [];
  const word = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    struct.push(b);
  };
  const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const stringAt = (name: string) => {
    const before = strings.indexOf(name);
    if (before >= 0) return strings.slice(0, before).reduce((n, s) => n + s.length + 1, 0);
    strings.push(name);
    return strings.slice(0, -1).reduce((n, s) => n + s.length + 1, 0);
  };
  const node = (name: string, children: TreeNode) => {
    word(1);
    struct.push(padded(Buffer.from(`${name}\0`, 'latin1')));
    for (const [key, value] of Object.entries(children)) {
      if (typeof value === 'object' && !Buffer.isBuffer(value)) continue;
      const bytes = Buffer.isBuffer(value) ? value : Buffer.from(`${value}\0`, 'latin1');
      word(3);
      word(bytes.length);
      word(stringAt(key));
      struct.push(padded(bytes));
    }
    for (const [key, value] of Object.entries(children)) {
      if (typeof value === 'object' && !Buffer.isBuffer(value)) node(key, value);
    }
    word(2);
  };
  node('', root);
  word(9);
  const structBlock = Buffer.concat(struct);
  const stringsBlock = Buffer.from(strings.map((s) => `${s}\0`).join(''), 'latin1');
  const header = Buffer.alloc(40);
  const reserveMap = Buffer.alloc(16);
  const structAt = header.length + reserveMap.length;
  const stringsAt = structAt + structBlock.length;
  header.writeUInt32BE(0xd00dfeed, 0);
  header.writeUInt32BE(stringsAt + stringsBlock.length, 4);
  header.writeUInt32BE(structAt, 8);
  header.writeUInt32BE(stringsAt, 12);
  header.writeUInt32BE(header.length, 16);
  header.writeUInt32BE(17, 20);
  header.writeUInt32BE(16, 24);
  header.writeUInt32BE(stringsBlock.length, 32);
  header.writeUInt32BE(structBlock.length, 36);
  return Buffer.concat([header, reserveMap, structBlock, stringsBlock]);
}

export function gzip(content: Buffer): Buffer {
  return gzipSync(content);
}

export function tar(): Buffer {
  const block = Buffer.alloc(1024);
  block.write('rootfs/\0', 0, 'latin1');
  block.write('ustar\x0000', 257, 'latin1');
  return block;
}

/** A newc cpio archive whose first entry is `name`. */
export function cpio(name: string): Buffer {
  const fields = Array.from({ length: 13 }, (_, i) =>
    (i === 11 ? name.length + 1 : 0).toString(16).padStart(8, '0'),
  ).join('');
  return Buffer.from(`070701${fields}${name}\0\0\0\0`, 'latin1');
}

export function squashfs(): Buffer {
  return Buffer.concat([Buffer.from('hsqs', 'latin1'), Buffer.alloc(92)]);
}

/** An ext2/3/4 superblock: ext4's extents flag, ext3's journal, or neither. */
export function extFileSystem(kind: 'ext2' | 'ext3' | 'ext4'): Buffer {
  const image = Buffer.alloc(2048);
  image.writeUInt16LE(0xef53, 1024 + 56);
  if (kind !== 'ext2') image.writeUInt32LE(0x4, 1024 + 92);
  if (kind === 'ext4') image.writeUInt32LE(0x40 | 0x2, 1024 + 96);
  return image;
}
