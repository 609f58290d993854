// A gzip file (an Image.gz, a vmlinuz that is plain gzip) is looked into: the first 64 KiB of
// its content, no more, inflated from at most 128 KiB of it, are read for the same headers.
import { constants, createGunzip } from 'node:zlib';
import { bufferSource, MAX_READ, type ByteSource } from './byte-source.js';
import { refused, type Detection } from './detection.js';

export const CONTENT_BYTES = 64 * 1024;
/** Enough compressed input for 64 KiB of content even when it does not compress. */
const INPUT_BYTES = 2 * MAX_READ;

export function isGzip(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8;
}

/** The first `limit` bytes of the content of gzip data `compressed` (fewer if it is shorter). */
function inflateStart(compressed: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Sync flush at the end: a prefix of a gzip file is not an error, only shorter.
    const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      resolve(Buffer.concat(chunks).subarray(0, limit));
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) done();
    });
    gunzip.on('end', done);
    gunzip.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    gunzip.end(compressed);
  });
}

/** Detects inside the gzip data at the start of `source`; the words say it was compressed. */
export async function gzipTarget(
  source: ByteSource,
  detectContent: (content: ByteSource) => Promise<Detection>,
): Promise<Detection> {
  const compressed = Buffer.concat([
    await source.read(0, MAX_READ),
    await source.read(MAX_READ, INPUT_BYTES - MAX_READ),
  ]);
  let content: Buffer;
  try {
    content = await inflateStart(compressed, CONTENT_BYTES);
  } catch {
    return refused('a gzip file whose content cannot be inflated (damaged?)');
  }
  const inner = await detectContent(bufferSource(content));
  return inner.ok
    ? { ...inner, evidence: `gzip-compressed ${inner.evidence}` }
    : refused(`a gzip-compressed file whose content is ${inner.reason}`);
}
