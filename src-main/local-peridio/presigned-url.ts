// Presigned URLs for part uploads and downloads, served by this same server. Each URL
// carries an expiry and an HMAC-SHA256 over everything it grants: the method, the binary's
// storage id, the part's upload id (new for every part create, so a replaced part's old
// URL dies), index, size, hash (or the binary's revision for a download) and the expiry.
// The secret is generated once and kept in the data folder, readable by the owner only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../peridio/index.js';
import { fsyncDirectory } from './part-storage.js';

const SECRET_FILE = 'presign-secret.key';

/** Reads the signing secret, creating it on first start. */
export async function loadOrCreateSecret(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, SECRET_FILE);
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(text)) {
      if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
        await chmod(file, 0o600);
      }
      return Buffer.from(text, 'hex');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Written to a temporary name and renamed, so a crash never leaves a half-written secret.
  const secret = randomBytes(32);
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${secret.toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  await fsyncDirectory(dataDir);
  return secret;
}

export interface PartGrant {
  storageId: string;
  uploadId: string;
  index: number;
  size: number;
  hash: string;
}

export interface DownloadGrant {
  storageId: string;
  revision: number;
}

export type Verified<T> = { ok: true; grant: T } | { ok: false; reason: 'forged' | 'expired' };

type Query = Record<string, unknown>;

function text(query: Query, name: string, pattern: RegExp): string | undefined {
  const value = query[name];
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

const DIGITS = /^\d{1,16}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export class Presigner {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlSeconds: number,
  ) {}

  private sign(fields: readonly (string | number)[]): string {
    return createHmac('sha256', this.secret).update(JSON.stringify(fields)).digest('hex');
  }

  private expiry(): number {
    return Date.now() + this.ttlSeconds * 1000;
  }

  private check(fields: readonly (string | number)[], signature: string, expires: number) {
    const expected = Buffer.from(this.sign(fields), 'hex');
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    if (Date.now() > expires) return 'expired';
    return 'ok';
  }

  partUploadUrl(base: string, grant: PartGrant): string {
    const expires = this.expiry();
    const signature = this.sign([
      'PUT',
      grant.storageId,
      grant.uploadId,
      grant.index,
      grant.size,
      grant.hash,
      expires,
    ]);
    const query = new URLSearchParams({
      index: String(grant.index),
      size: String(grant.size),
      hash: grant.hash,
      expires: String(expires),
      signature,
    });
    return `${base}/presigned/parts/${grant.storageId}/${grant.uploadId}?${query}`;
  }

  /** Checks a part upload request; anything malformed counts as forged. */
  verifyPartUpload(storageId: string, uploadId: string, query: Query): Verified<PartGrant> {
    const index = text(query, 'index', DIGITS);
    const size = text(query, 'size', DIGITS);
    const hash = text(query, 'hash', HEX64);
    const expires = text(query, 'expires', DIGITS);
    const signature = text(query, 'signature', HEX64);
    if (
      !isUuid(storageId) ||
      !isUuid(uploadId) ||
      !index ||
      !size ||
      !hash ||
      !expires ||
      !signature
    ) {
      return { ok: false, reason: 'forged' };
    }
    const grant = { storageId, uploadId, index: Number(index), size: Number(size), hash };
    const fields = ['PUT', storageId, uploadId, grant.index, grant.size, hash, Number(expires)];
    const result = this.check(fields, signature, Number(expires));
    return result === 'ok' ? { ok: true, grant } : { ok: false, reason: result };
  }

  downloadUrl(base: string, grant: DownloadGrant): string {
    const expires = this.expiry();
    const signature = this.sign(['GET', grant.storageId, grant.revision, expires]);
    const query = new URLSearchParams({
      revision: String(grant.revision),
      expires: String(expires),
      signature,
    });
    return `${base}/presigned/binaries/${grant.storageId}?${query}`;
  }

  verifyDownload(storageId: string, query: Query): Verified<DownloadGrant> {
    const revision = text(query, 'revision', DIGITS);
    const expires = text(query, 'expires', DIGITS);
    const signature = text(query, 'signature', HEX64);
    if (!isUuid(storageId) || !revision || !expires || !signature)
      return { ok: false, reason: 'forged' };
    const grant = { storageId, revision: Number(revision) };
    const result = this.check(
      ['GET', storageId, grant.revision, Number(expires)],
      signature,
      Number(expires),
    );
    return result === 'ok' ? { ok: true, grant } : { ok: false, reason: result };
  }
}
