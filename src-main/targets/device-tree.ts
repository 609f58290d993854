// A flattened device tree (what a FIT image is), walked token by token in small reads: its
// structure block may hold whole kernels as property values, which are skipped, never read.
// Every offset comes from the file, so each is checked against the tree's own bounds.
import type { ByteSource } from './byte-source.js';

export const FDT_MAGIC = 0xd00dfeed;
const BEGIN_NODE = 1;
const END_NODE = 2;
const PROP = 3;
const NOP = 4;
const END = 9;
/** Enough for any FIT's tree of images, configurations and hashes. */
const MAX_TOKENS = 20_000;
const MAX_NAME = 256;
const MAX_STRINGS = 64 * 1024;
const WINDOW = 4096;

export interface DeviceTreeProperty {
  /** The node's path, e.g. ['images', 'kernel']; the root is []. */
  path: string[];
  name: string;
  /** Where the value starts in the source, and its length. */
  at: number;
  length: number;
}

/** Reads 4-byte words and short names at offsets, a window at a time. */
class Reader {
  private window: Buffer = Buffer.alloc(0);
  private windowAt = 0;

  constructor(private readonly source: ByteSource) {}

  /** Up to `length` bytes at `at` (fewer at the source's end). */
  private async bytes(at: number, length: number): Promise<Buffer> {
    if (at < this.windowAt || at + length > this.windowAt + this.window.length) {
      this.window = await this.source.read(at, Math.max(WINDOW, length));
      this.windowAt = at;
    }
    const start = at - this.windowAt;
    return this.window.subarray(start, start + length);
  }

  async word(at: number): Promise<number | undefined> {
    const bytes = await this.bytes(at, 4);
    return bytes.length === 4 ? bytes.readUInt32BE(0) : undefined;
  }

  /** A NUL-terminated name of at most MAX_NAME bytes. */
  async name(at: number): Promise<string | undefined> {
    const bytes = await this.bytes(at, MAX_NAME + 1);
    const end = bytes.indexOf(0);
    return end < 0 ? undefined : bytes.toString('latin1', 0, end);
  }
}

const align4 = (n: number) => (n + 3) & ~3;

/** Every property of the tree at the source's start, or why it cannot be walked. */
export async function deviceTreeProperties(
  source: ByteSource,
): Promise<DeviceTreeProperty[] | string> {
  const header = await source.read(0, 40);
  if (header.length < 40 || header.readUInt32BE(0) !== FDT_MAGIC) return 'a device tree cut short';
  const totalSize = header.readUInt32BE(4);
  const structAt = header.readUInt32BE(8);
  const stringsAt = header.readUInt32BE(12);
  const stringsSize = header.readUInt32BE(32);
  const structSize = header.readUInt32BE(36);
  const structEnd = structAt + structSize;
  if (
    totalSize > source.size ||
    structEnd > totalSize ||
    stringsAt + stringsSize > totalSize ||
    stringsSize > MAX_STRINGS
  ) {
    return 'a device tree whose header points past its end (damaged or cut short)';
  }
  const strings = await source.read(stringsAt, stringsSize);
  const reader = new Reader(source);
  const path: string[] = [];
  const properties: DeviceTreeProperty[] = [];
  let at = structAt;
  for (let tokens = 0; tokens < MAX_TOKENS; tokens++) {
    if (at + 4 > structEnd) break;
    const token = await reader.word(at);
    at += 4;
    if (token === BEGIN_NODE) {
      const name = await reader.name(at);
      if (name === undefined) return 'a device tree with a node name that does not end';
      path.push(name);
      at += align4(name.length + 1);
    } else if (token === END_NODE) {
      if (path.pop() === undefined) return 'a device tree whose nodes do not nest';
    } else if (token === PROP) {
      const length = await reader.word(at);
      const nameAt = await reader.word(at + 4);
      if (length === undefined || nameAt === undefined || nameAt >= strings.length) {
        return 'a device tree with a property that points past its strings';
      }
      const end = strings.indexOf(0, nameAt);
      const name = strings.toString('latin1', nameAt, end < 0 ? strings.length : end);
      at += 8;
      if (at + length > structEnd) return 'a device tree with a property past its end';
      // The root node's own name is empty: paths below it start with its children.
      properties.push({ path: path.slice(1), name, at, length });
      at += align4(length);
    } else if (token === END) {
      return properties;
    } else if (token !== NOP) {
      return 'a device tree with an unknown token';
    }
  }
  return 'a device tree without an end where its header says';
}

/** A short string property's value (arch, os, type), read at its place. */
export async function stringValue(
  source: ByteSource,
  property: DeviceTreeProperty,
): Promise<string> {
  const bytes = await source.read(property.at, Math.min(property.length, 64));
  const end = bytes.indexOf(0);
  return bytes.toString('latin1', 0, end < 0 ? bytes.length : end);
}
