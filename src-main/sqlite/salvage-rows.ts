// Reading what is left of a damaged SQLite file, page by page, without SQLite: a page
// overwritten in the middle of the file (a failing disk, a bad copy) makes SQLite refuse every
// query whose b-tree walk crosses it, while most rows still sit intact on the other pages.
// Every table leaf page of the file and of its write-ahead log is decoded on its own (format:
// https://www.sqlite.org/fileformat2.html), so a row is found whatever page above it broke.
// The caller tells its rows from other tables' by their shape: this knows no schema.
import { existsSync, readFileSync } from 'node:fs';

/** A column's value as stored: SQLite's five storage classes. */
export type SqliteValue = null | number | bigint | string | Uint8Array;

const HEADER_MAGIC = 'SQLite format 3\0';
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
const TABLE_LEAF = 0x0d;
const DEFAULT_PAGE_SIZE = 4096;

/**
 * Every record found on the table leaf pages of `file` and of `file-wal`, as column values,
 * in the order found (the log's newer copies after the file's; a row may appear more than
 * once, in older and newer versions). Cells that do not decode are skipped.
 */
export function salvageRows(file: string): SqliteValue[][] {
  const data = readFileSync(file);
  const { pageSize, usable } = pageGeometry(data);
  const pages = new Map<number, Buffer>();
  for (let number = 1; number * pageSize <= data.length; number += 1) {
    pages.set(number, data.subarray((number - 1) * pageSize, number * pageSize));
  }
  const walFile = `${file}-wal`;
  const logged: [number, Buffer][] = [];
  if (existsSync(walFile)) {
    const wal = readFileSync(walFile);
    const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize;
    for (let at = WAL_HEADER_BYTES; at + frameBytes <= wal.length; at += frameBytes) {
      const number = wal.readUInt32BE(at);
      const page = wal.subarray(at + WAL_FRAME_HEADER_BYTES, at + frameBytes);
      logged.push([number, page]);
      // The newest copy of a page is the one an overflow chain continues on.
      if (number > 0) pages.set(number, page);
    }
  }
  const rows: SqliteValue[][] = [];
  const scan = (page: Buffer, isFirst: boolean): void => {
    for (const payload of leafPayloads(page, isFirst ? 100 : 0, usable, pages)) {
      const record = decodeRecord(payload);
      if (record) rows.push(record);
    }
  };
  for (let number = 1; number * pageSize <= data.length; number += 1) {
    scan(data.subarray((number - 1) * pageSize, number * pageSize), number === 1);
  }
  for (const [number, page] of logged) scan(page, number === 1);
  return rows;
}

/** The page size and usable bytes per page from the header, or SQLite's default when the
 * header page itself is the damaged one. */
function pageGeometry(data: Buffer): { pageSize: number; usable: number } {
  if (data.length < 100 || data.toString('latin1', 0, 16) !== HEADER_MAGIC) {
    return { pageSize: DEFAULT_PAGE_SIZE, usable: DEFAULT_PAGE_SIZE };
  }
  const raw = data.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return { pageSize: DEFAULT_PAGE_SIZE, usable: DEFAULT_PAGE_SIZE };
  }
  return { pageSize, usable: pageSize - data.readUInt8(20) };
}

/** The payloads of a table leaf page's cells, overflow included; none for any other page. */
function* leafPayloads(
  page: Buffer,
  headerAt: number,
  usable: number,
  pages: ReadonlyMap<number, Buffer>,
): Generator<Buffer> {
  if (page.length < headerAt + 8 || page[headerAt] !== TABLE_LEAF) return;
  const cells = page.readUInt16BE(headerAt + 3);
  const pointers = headerAt + 8;
  if (pointers + cells * 2 > usable) return;
  for (let cell = 0; cell < cells; cell += 1) {
    const at = page.readUInt16BE(pointers + cell * 2);
    try {
      const payload = cellPayload(page, at, usable, pages);
      if (payload) yield payload;
    } catch {
      // A cell cut by the damage: the rest of the page may still be whole.
    }
  }
}

function cellPayload(
  page: Buffer,
  at: number,
  usable: number,
  pages: ReadonlyMap<number, Buffer>,
): Buffer | undefined {
  const size = readVarint(page, at);
  const rowid = readVarint(page, at + size.length);
  const total = Number(size.value);
  const start = at + size.length + rowid.length;
  if (total <= 0 || total > 1 << 30) return undefined;
  const local = localPayloadBytes(total, usable);
  if (start + local > usable) return undefined;
  if (local === total) return page.subarray(start, start + total);
  // The rest is on a chain of overflow pages: 4 bytes naming the next page, then content.
  const parts = [page.subarray(start, start + local)];
  let remaining = total - local;
  let next = page.readUInt32BE(start + local);
  const seen = new Set<number>();
  while (remaining > 0) {
    const overflow = pages.get(next);
    if (!overflow || seen.has(next)) return undefined;
    seen.add(next);
    const take = Math.min(remaining, usable - 4);
    parts.push(overflow.subarray(4, 4 + take));
    remaining -= take;
    next = overflow.readUInt32BE(0);
  }
  return Buffer.concat(parts);
}

/** How much of a payload of `total` bytes a table leaf cell keeps on its own page. */
function localPayloadBytes(total: number, usable: number): number {
  const most = usable - 35;
  if (total <= most) return total;
  const least = Math.floor(((usable - 12) * 32) / 255) - 23;
  const candidate = least + ((total - least) % (usable - 4));
  return candidate <= most ? candidate : least;
}

/** A record's column values, or undefined when the bytes are not one. */
function decodeRecord(payload: Buffer): SqliteValue[] | undefined {
  try {
    const headerSize = readVarint(payload, 0);
    const headerEnd = Number(headerSize.value);
    if (headerEnd > payload.length || headerEnd < 1) return undefined;
    const types: number[] = [];
    for (let at = headerSize.length; at < headerEnd;) {
      const type = readVarint(payload, at);
      types.push(Number(type.value));
      at += type.length;
    }
    const values: SqliteValue[] = [];
    let at = headerEnd;
    for (const type of types) {
      const [value, length] = readValue(payload, at, type);
      values.push(value);
      at += length;
    }
    return at === payload.length ? values : undefined;
  } catch {
    return undefined;
  }
}

const INTEGER_BYTES = [0, 1, 2, 3, 4, 6, 8];

function readValue(payload: Buffer, at: number, type: number): [SqliteValue, number] {
  if (type === 0) return [null, 0];
  if (type >= 1 && type <= 6) {
    const bytes = INTEGER_BYTES[type]!;
    if (at + bytes > payload.length) throw new RangeError('record cut short');
    if (type === 6) {
      const value = payload.readBigInt64BE(at);
      const small =
        value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
      return [small ? Number(value) : value, bytes];
    }
    return [payload.readIntBE(at, bytes), bytes];
  }
  if (type === 7) return [payload.readDoubleBE(at), 8];
  if (type === 8) return [0, 0];
  if (type === 9) return [1, 0];
  if (type >= 12) {
    const length = Math.floor((type - 12) / 2);
    if (at + length > payload.length) throw new RangeError('record cut short');
    const bytes = payload.subarray(at, at + length);
    return [type % 2 === 1 ? bytes.toString('utf8') : new Uint8Array(bytes), length];
  }
  throw new RangeError(`serial type ${type} is reserved`);
}

/** SQLite's big-endian varint: 7 bits a byte for up to eight bytes, then a whole ninth byte. */
function readVarint(buffer: Buffer, at: number): { value: bigint; length: number } {
  let value = 0n;
  for (let i = 0; i < 9; i += 1) {
    if (at + i >= buffer.length) throw new RangeError('varint cut short');
    const byte = buffer[at + i]!;
    if (i === 8) return { value: (value << 8n) | BigInt(byte), length: 9 };
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new RangeError('varint too long');
}
