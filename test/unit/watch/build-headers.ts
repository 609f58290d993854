// Executable headers made here, byte by byte as the toolchains write them.

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

export function pe(machine: number): Buffer {
  const header = Buffer.alloc(0x100);
  header.write('MZ', 0, 'latin1');
  header.writeUInt32LE(0x80, 0x3c);
  header.write('PE\0\0', 0x80, 'latin1');
  header.writeUInt16LE(machine, 0x84);
  return header;
}

export function machO(cpu: number, magic = 0xfeedfacf): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(magic, 0);
  header.writeUInt32LE(cpu, 4);
  return header;
}
