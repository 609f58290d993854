// Archives, file systems and compressed files that are not looked into: each is named, so the
// person sees what the file is and why its target is theirs to give.
import { refused, type Detection } from './detection.js';

const HOLDS = 'which says nothing of the target of what it holds; give the target';

const EXT_SUPERBLOCK = 1024;
const EXT_MAGIC = 0xef53;
const EXT3_COMPAT_HAS_JOURNAL = 0x4;
/** extents, 64bit, flex_bg: ext4 only. */
const EXT4_INCOMPAT = 0x40 | 0x80 | 0x200;
/** huge_file, gdt_csum, dir_nlink, extra_isize, metadata_csum: ext4 only. */
const EXT4_RO_COMPAT = 0x8 | 0x10 | 0x20 | 0x40 | 0x400;

function startsWith(head: Buffer, at: number, bytes: string): boolean {
  return (
    head.length >= at + bytes.length && head.toString('latin1', at, at + bytes.length) === bytes
  );
}

function extVersion(head: Buffer): string {
  const compat = head.readUInt32LE(EXT_SUPERBLOCK + 92);
  const incompat = head.readUInt32LE(EXT_SUPERBLOCK + 96);
  const roCompat = head.readUInt32LE(EXT_SUPERBLOCK + 100);
  if (incompat & EXT4_INCOMPAT || roCompat & EXT4_RO_COMPAT) return 'ext4';
  return compat & EXT3_COMPAT_HAS_JOURNAL ? 'ext3' : 'ext2';
}

/** The kind of a cpio archive whose first entry (newc) is named in `head`. */
function cpioKind(head: Buffer): string {
  if (startsWith(head, 0, '070701') || startsWith(head, 0, '070702')) {
    const nameSize = Number.parseInt(head.toString('latin1', 94, 102), 16);
    // SWUpdate's .swu is a cpio archive whose first file is sw-description.
    if (nameSize === 'sw-description'.length + 1 && startsWith(head, 110, 'sw-description\0')) {
      return 'a SWUpdate image (.swu, a cpio archive)';
    }
  }
  return 'a cpio archive';
}

/** What the file is, when it is one of the kinds named here. */
export function fileKind(head: Buffer): Detection | undefined {
  const kind = (what: string) => refused(`${what}, ${HOLDS}`);
  if (startsWith(head, 257, 'ustar')) return kind('a tar archive');
  if (['070701', '070702', '070707'].some((m) => startsWith(head, 0, m)))
    return kind(cpioKind(head));
  if (head.length >= 2 && (head.readUInt16LE(0) === 0x71c7 || head.readUInt16BE(0) === 0x71c7)) {
    return kind('a cpio archive (binary)');
  }
  if (startsWith(head, 0, 'hsqs') || startsWith(head, 0, 'sqsh'))
    return kind('a squashfs file system');
  if (head.length >= EXT_SUPERBLOCK + 104 && head.readUInt16LE(EXT_SUPERBLOCK + 56) === EXT_MAGIC) {
    return kind(`an ${extVersion(head)} file system`);
  }
  if (startsWith(head, 0, 'PK\x03\x04')) return kind('a zip archive');
  if (startsWith(head, 0, '\xfd7zXZ\0')) return kind('an xz-compressed file (not looked into)');
  if (startsWith(head, 0, '\x28\xb5\x2f\xfd'))
    return kind('a zstd-compressed file (not looked into)');
  if (startsWith(head, 0, 'BZh')) return kind('a bzip2-compressed file (not looked into)');
  if (startsWith(head, 0, '\x04\x22\x4d\x18'))
    return kind('an lz4-compressed file (not looked into)');
  return undefined;
}
