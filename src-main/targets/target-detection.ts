// A build output's target triplet from its header, with the evidence in words: Linux kernel
// images first (with the EFI stub they are PE files too), then ELF, PE, Mach-O, U-Boot images
// (legacy and FIT), and the content of gzip files. Archives and file systems are named and
// refused; a header that does not say enough gets a reason instead of a guess.
import { openRegularFile } from '../files/index.js';
import { bufferSource, fileSource, type ByteSource } from './byte-source.js';
import { refused, type Detection } from './detection.js';
import { FDT_MAGIC } from './device-tree.js';
import { elfTarget, isElf } from './elf-header.js';
import { fileKind } from './file-kinds.js';
import { gzipTarget, isGzip } from './gzip-content.js';
import { linuxKernelTarget } from './linux-kernel.js';
import { isMachO, machOTarget } from './mach-o-header.js';
import { isMz, peTarget } from './pe-header.js';
import { fitTarget, isLegacyImage, legacyImageTarget } from './u-boot-image.js';

export type TargetDetection = Detection;

/** Bytes of the start that every header but a FIT image's tree fits in. */
const HEAD_BYTES = 4096;
/** A payload in a gzip file in a U-Boot image is looked into; nothing deeper. */
const MAX_DEPTH = 2;

async function detectIn(source: ByteSource, depth: number): Promise<Detection> {
  const head = await source.read(0, HEAD_BYTES);
  const inner = (content: ByteSource) =>
    depth < MAX_DEPTH
      ? detectIn(content, depth + 1)
      : Promise.resolve(refused('nested too deep to look into'));
  const kernel = linuxKernelTarget(head);
  if (kernel) return kernel;
  if (isElf(head)) return elfTarget(head);
  if (isMz(head)) return peTarget(head);
  if (isMachO(head)) return machOTarget(head);
  if (isLegacyImage(head)) return legacyImageTarget(head, source, inner);
  if (head.length >= 4 && head.readUInt32BE(0) === FDT_MAGIC) {
    return (
      (await fitTarget(source, inner)) ??
      refused('a device tree blob (no /images, so not a FIT image), which describes a board')
    );
  }
  if (isGzip(head)) return gzipTarget(source, inner);
  return (
    fileKind(head) ??
    refused('not an ELF, PE or Mach-O file, a Linux kernel image or a U-Boot image')
  );
}

/** The target of the build output whose bytes (or first bytes) are `bytes`. */
export function detectTarget(bytes: Buffer): Promise<TargetDetection> {
  return detectIn(bufferSource(bytes), 0);
}

/** Reads the start of `path` (a regular file) and detects its target; the reason names it. */
export async function detectFileTarget(path: string): Promise<TargetDetection> {
  const handle = await openRegularFile(path);
  try {
    const { size } = await handle.stat();
    const detection = await detectIn(fileSource(handle, size), 0);
    return detection.ok
      ? detection
      : refused(`Cannot tell the target of ${path}: it is ${detection.reason}.`);
  } finally {
    await handle.close();
  }
}
