// U-Boot images: a legacy image (a 64-byte header before its payload) names one architecture
// and OS by number; a FIT image (a device tree) names them in /images/*/arch and os. Linux
// gets `…-linux-gnu`; firmware, standalone programs and U-Boot itself run on no OS:
// `…-unknown-none`. Where the header cannot say what a triplet needs (32-bit ARM's float ABI,
// RISC-V's width), the payload is looked into, else the reason says so.
import { sourceFrom, type ByteSource } from './byte-source.js';
import { deviceTreeProperties, stringValue } from './device-tree.js';
import { found, refused, type Detection } from './detection.js';

export const LEGACY_MAGIC = 0x27051956;
const LEGACY_HEADER_BYTES = 64;

/** Detects the target of a payload (the same detection as for a whole file). */
export type DetectPayload = (payload: ByteSource) => Promise<Detection>;

interface Arch {
  /** The name a FIT image and `mkimage -A` use. */
  fit: string;
  /** The triplet's first part; undefined where the header does not say enough. */
  arch?: string;
}

// include/image.h: IH_ARCH_*.
const ARCHES: Record<number, Arch> = {
  2: { fit: 'arm' },
  3: { fit: 'x86', arch: 'i686' },
  5: { fit: 'mips' },
  6: { fit: 'mips64' },
  7: { fit: 'powerpc' },
  22: { fit: 'arm64', arch: 'aarch64' },
  24: { fit: 'x86_64', arch: 'x86_64' },
  26: { fit: 'riscv' },
};
const ARCH_BY_FIT = new Map(Object.values(ARCHES).map((a) => [a.fit, a]));

// IH_OS_* and IH_TYPE_*, by the names `mkimage` and FIT images use.
const OSES: Record<number, string> = {
  1: 'openbsd',
  2: 'netbsd',
  3: 'freebsd',
  5: 'linux',
  14: 'vxworks',
  16: 'qnx',
  17: 'u-boot',
  25: 'arm-trusted-firmware',
  26: 'tee',
  27: 'opensbi',
  28: 'efi',
};
const TYPES: Record<number, string> = {
  1: 'standalone',
  2: 'kernel',
  3: 'ramdisk',
  4: 'multi',
  5: 'firmware',
  6: 'script',
  7: 'filesystem',
  8: 'flat_dt',
};
/** What runs on no OS: U-Boot and the firmware beside it, standalone programs, firmware. */
const BARE_OSES = new Set(['u-boot', 'arm-trusted-firmware', 'tee', 'opensbi']);
const BARE_TYPES = new Set(['standalone', 'firmware']);

interface ImageFacts {
  arch: string;
  os: string;
  type: string;
  payload?: ByteSource;
}

/** The target for one architecture and OS, or why there is none. */
async function targetOf(
  image: ImageFacts,
  what: string,
  detectPayload: DetectPayload,
): Promise<Detection> {
  const known = ARCH_BY_FIT.get(image.arch);
  let system: string;
  if (image.os === 'linux') system = 'linux-gnu';
  else if (BARE_OSES.has(image.os) || BARE_TYPES.has(image.type)) system = 'none';
  else return refused(`a ${what} for the OS "${image.os}", which has no known triplet`);
  const evidence = (arch: string) => `${what}, ${image.type}, ${image.os}, ${arch}`;
  if (known?.arch) {
    return found(`${known.arch}-unknown-${system}`, evidence(known.arch));
  }
  if (image.arch === 'arm' || image.arch === 'riscv') {
    // The payload may say: an ELF file its float ABI and width, a kernel Image its width.
    const inner = image.payload ? await detectPayload(image.payload) : undefined;
    const [arch, , , env = ''] = inner?.ok ? inner.target.split('-') : [];
    if (inner?.ok && arch?.startsWith(image.arch)) {
      const abi = image.arch === 'arm' ? env.replace(/^gnu/, '') : '';
      const target =
        system === 'none'
          ? `${arch}-unknown-none${abi ? `-${abi}` : ''}`
          : `${arch}-unknown-linux-gnu${abi}`;
      return found(target, `${evidence(arch)}; its payload: ${inner.evidence}`);
    }
    const missing =
      image.arch === 'arm'
        ? 'the float ABI a target needs (eabihf or eabi)'
        : 'whether it is 32- or 64-bit';
    return refused(
      `a ${what} for ${image.arch}, whose header does not say ${missing}; give the target`,
    );
  }
  return refused(`a ${what} for the architecture "${image.arch}", which has no known triplet`);
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('latin1', 0, end < 0 ? bytes.length : end).replace(/[^\x20-\x7e]/g, '?');
}

export function isLegacyImage(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === LEGACY_MAGIC;
}

export async function legacyImageTarget(
  head: Buffer,
  source: ByteSource,
  detectPayload: DetectPayload,
): Promise<Detection> {
  if (head.length < LEGACY_HEADER_BYTES) return refused('a U-Boot legacy image cut short');
  const [os, arch, type, compression] = [head[28]!, head[29]!, head[30]!, head[31]!];
  const name = cString(head.subarray(32, 64));
  return targetOf(
    {
      arch: ARCHES[arch]?.fit ?? `code ${arch}`,
      os: OSES[os] ?? `code ${os}`,
      type: TYPES[type] ?? `type ${type}`,
      // Only an uncompressed payload is looked into (the header names other compressions).
      ...(compression === 0 ? { payload: sourceFrom(source, LEGACY_HEADER_BYTES) } : {}),
    },
    `U-Boot legacy image "${name}"`,
    detectPayload,
  );
}

/** A FIT image's target from its /images: one architecture, or a refusal naming them all. */
export async function fitTarget(
  source: ByteSource,
  detectPayload: DetectPayload,
): Promise<Detection | undefined> {
  const properties = await deviceTreeProperties(source);
  if (typeof properties === 'string') return refused(properties);
  const images = new Map<string, Partial<ImageFacts>>();
  for (const property of properties) {
    const [top, image, ...below] = property.path;
    if (top !== 'images' || image === undefined || below.length > 0) continue;
    const facts = images.get(image) ?? {};
    images.set(image, facts);
    if (property.name === 'arch' || property.name === 'os' || property.name === 'type') {
      facts[property.name] = await stringValue(source, property);
    } else if (property.name === 'data') {
      facts.payload = sourceFrom(source, property.at);
    }
  }
  // Not a FIT image: a device tree blob is for a board, not a target.
  if (images.size === 0) return undefined;
  const withArch = [...images.values()].filter((i) => i.arch);
  const arches = [...new Set(withArch.map((i) => i.arch!))];
  if (arches.length === 0) return refused('a FIT image whose images name no architecture');
  if (arches.length > 1) {
    return refused(`a FIT image for several architectures (${arches.join(', ')}); give the target`);
  }
  // The image that says the most: a kernel, firmware or standalone program over a device tree.
  const main =
    withArch.find((i) => i.type === 'kernel' || BARE_TYPES.has(i.type ?? '')) ?? withArch[0]!;
  return targetOf(
    {
      arch: arches[0]!,
      os: main.os ?? 'none given',
      type: main.type ?? 'image',
      ...(main.payload ? { payload: main.payload } : {}),
    },
    `U-Boot FIT image (${images.size} image${images.size === 1 ? '' : 's'})`,
    detectPayload,
  );
}
