// The presigned URLs' side of the server, S3-like: `PUT /presigned/parts/...` receives a
// part's bytes and `GET /presigned/binaries/...` serves a binary's joined content. No Peridio
// auth here: the URL's signature is the permission. A part's bytes are streamed to a temp
// file while being counted and hashed (never held in memory), synced, renamed into place,
// the directory synced, and only then is the part marked `valid`.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { eventAllowed, type BinaryState } from '../../lifecycle/index.js';
import { noteBytesIn } from '../access-log.js';
import { CONTENT_STATES, validParts, type BinaryRow, type PartRow } from '../binary-records.js';
import { nowMicros } from '../clock.js';
import type { ServerContext } from '../context.js';
import type { PartGrant } from '../presigned-url.js';

const WRITE_BATCH_BYTES = 1024 * 1024;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An S3-style XML error answer. */
export function s3Error(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${reply.request.id}</RequestId></Error>`,
    );
}

type PartWithBinary = PartRow & { storage_id: string; binary_state: BinaryState };

/** Whether the lifecycle lets parts be stored for a binary in this state. */
function takesParts(state: BinaryState): boolean {
  return eventAllowed(state, 'UPLOAD_PART', 'client');
}

type PartParams = { storage_id: string; upload_id: string };

/** Parses a single `bytes=` range against the content length; null when unsatisfiable. */
function parseRange(
  header: string,
  length: number,
): { start: number; end: number } | null | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first = '', last = ''] = match;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return null;
    start = Math.max(length - suffix, 0);
    end = length - 1;
  } else {
    start = Number(first);
    end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
  }
  if (start >= length || start > end) return null;
  return { start, end };
}

export function registerPresignedRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;

  const findPart = (uploadId: string) =>
    db
      .prepare(
        `SELECT p.*, b.storage_id AS storage_id, b.state AS binary_state
         FROM binary_parts p JOIN binaries b ON b.prn = p.binary_prn WHERE p.upload_id = ?`,
      )
      .get(uploadId) as PartWithBinary | undefined;

  /**
   * Marks a failed upload on the part, unless the part was replaced or its binary moved on. A
   * valid part stays valid, as S3 keeps a stored object when a PUT fails: a bad replay of its
   * URL must not undo a good upload.
   */
  const markPart = (uploadId: string, state: 'invalid_size' | 'invalid_hash') =>
    db
      .prepare(
        `UPDATE binary_parts SET state = ?, updated_at = ? WHERE upload_id = ? AND state <> 'valid'
           AND binary_prn IN (SELECT prn FROM binaries WHERE state = 'uploadable')`,
      )
      .run(state, nowMicros(), uploadId);

  async function receivePart(request: FastifyRequest<{ Params: PartParams }>, reply: FastifyReply) {
    const { storage_id: storageId, upload_id: uploadId } = request.params;
    const verified = ctx.presigner.verifyPartUpload(
      storageId,
      uploadId,
      request.query as Record<string, unknown>,
    );
    if (!verified.ok) {
      return verified.reason === 'expired'
        ? s3Error(
            reply,
            403,
            'AccessDenied',
            'Request has expired: create the part again for a new URL.',
          )
        : s3Error(reply, 403, 'AccessDenied', 'The request signature does not match.');
    }
    const grant = verified.grant;
    const part = findPart(uploadId);
    if (
      !part ||
      part.storage_id !== grant.storageId ||
      part.part_index !== grant.index ||
      part.size !== grant.size ||
      part.hash !== grant.hash
    ) {
      return s3Error(
        reply,
        403,
        'AccessDenied',
        'This URL is no longer valid: the part was replaced or deleted.',
      );
    }
    if (!takesParts(part.binary_state)) {
      return s3Error(
        reply,
        403,
        'AccessDenied',
        `The binary is ${part.binary_state}; parts can only be uploaded while it is uploadable.`,
      );
    }
    const declared = request.headers['content-length'];
    if (declared === undefined) {
      return s3Error(
        reply,
        411,
        'MissingContentLength',
        'You must provide the Content-Length HTTP header.',
      );
    }
    if (Number(declared) !== grant.size) {
      markPart(uploadId, 'invalid_size');
      return s3Error(
        reply,
        400,
        'InvalidContentLength',
        `Content-Length is ${declared} but part ${grant.index} is ${grant.size} bytes.`,
      );
    }
    const checksum = request.headers['x-amz-checksum-sha256'];
    if (typeof checksum !== 'string') {
      return s3Error(reply, 400, 'InvalidRequest', 'The x-amz-checksum-sha256 header is required.');
    }
    if (checksum !== Buffer.from(grant.hash, 'hex').toString('base64')) {
      markPart(uploadId, 'invalid_hash');
      return s3Error(
        reply,
        400,
        'BadDigest',
        'The x-amz-checksum-sha256 you specified did not match the part’s declared hash.',
      );
    }

    const failure = await storePart(request, part, grant);
    if (failure) return s3Error(reply, failure.status, failure.code, failure.message);
    return reply.code(200).header('etag', `"${grant.hash}"`).send();
  }

  interface UploadFailure {
    status: number;
    code: string;
    message: string;
  }

  /**
   * Streams the body into a temp file while counting and hashing it, then moves it into place
   * and marks the part valid. Resolves to the failure, if any, only after the temp file is
   * gone, so that an answer never races the cleanup.
   */
  async function storePart(
    request: FastifyRequest,
    part: PartWithBinary,
    grant: PartGrant,
  ): Promise<UploadFailure | undefined> {
    const fail500 = ctx.faults.partFails();
    const drop = !fail500 && ctx.faults.partDrops();
    const temp = await ctx.storage.createTempFile();
    let committed = false;
    try {
      const digest = createHash('sha256');
      let received = 0;
      // Socket chunks are small (64 KiB): written in batches, a part costs a few system
      // calls instead of hundreds.
      let batch: Buffer[] = [];
      let batched = 0;
      let written = 0;
      const flush = async (): Promise<void> => {
        if (batched === 0) return;
        const chunks = batch;
        batch = [];
        batched = 0;
        written += (await temp.handle.writev(chunks)).bytesWritten;
      };
      try {
        for await (const chunk of request.raw as AsyncIterable<Buffer>) {
          received += chunk.length;
          digest.update(chunk);
          batch.push(chunk);
          batched += chunk.length;
          if (batched >= WRITE_BATCH_BYTES) await flush();
          if (drop && received >= grant.size / 2) {
            ctx.logger.info('fault: dropping a part upload mid-body', { part_prn: part.prn });
            request.raw.socket.destroy();
            break;
          }
        }
        await flush();
      } catch (error) {
        ctx.logger.warn('a part upload was interrupted', {
          part_prn: part.prn,
          error: String(error),
        });
      } finally {
        noteBytesIn(request.raw, received);
      }
      if (received === grant.size && written !== received) {
        return {
          status: 500,
          code: 'InternalError',
          message: 'The part could not be stored. Please try again.',
        };
      }
      if (received !== grant.size) {
        // The client went away (or a fault dropped it): nothing is kept and the part is unchanged.
        return {
          status: 400,
          code: 'IncompleteBody',
          message: 'The request body ended before Content-Length bytes.',
        };
      }
      await temp.handle.sync();
      await temp.handle.close();
      if (fail500) {
        ctx.logger.info('fault: failing a part upload with 500', { part_prn: part.prn });
        return {
          status: 500,
          code: 'InternalError',
          message: 'We encountered an internal error. Please try again.',
        };
      }
      if (digest.digest('hex') !== grant.hash) {
        markPart(grant.uploadId, 'invalid_hash');
        return {
          status: 400,
          code: 'BadDigest',
          message: 'The content does not match the part’s declared hash.',
        };
      }
      await ctx.storage.commitPart(temp.path, grant.storageId, grant.uploadId);
      committed = true;
      const outcome = db
        .transaction(() => {
          const current = findPart(grant.uploadId);
          if (!current) return 'gone';
          if (takesParts(current.binary_state)) {
            db.prepare("UPDATE binary_parts SET state = 'valid', updated_at = ? WHERE id = ?").run(
              nowMicros(),
              current.id,
            );
            return 'valid';
          }
          // A repeated upload of a part that was already valid when the binary moved on: the
          // file was replaced by the same verified bytes, so the part simply stays valid.
          return current.state === 'valid' ? 'valid' : 'gone';
        })
        .immediate();
      if (outcome === 'gone') {
        await ctx.storage.removePart(grant.storageId, grant.uploadId);
        return {
          status: 403,
          code: 'AccessDenied',
          message: 'The part was replaced or deleted while it was uploading.',
        };
      }
      ctx.hasher.partStored(part.binary_prn);
      return undefined;
    } finally {
      if (!committed) {
        await temp.handle.close().catch(() => undefined);
        await ctx.storage.discardTempFile(temp.path);
      }
    }
  }

  app.put<{ Params: PartParams }>('/presigned/parts/:storage_id/:upload_id', (request, reply) =>
    ctx.track(receivePart(request, reply)),
  );

  app.get<{ Params: { storage_id: string } }>(
    '/presigned/binaries/:storage_id',
    async (request, reply) => {
      const verified = ctx.presigner.verifyDownload(
        request.params.storage_id,
        request.query as Record<string, unknown>,
      );
      if (!verified.ok) {
        return verified.reason === 'expired'
          ? s3Error(reply, 403, 'AccessDenied', 'Request has expired: ask for a new download URL.')
          : s3Error(reply, 403, 'AccessDenied', 'The request signature does not match.');
      }
      const binary = db
        .prepare('SELECT * FROM binaries WHERE storage_id = ?')
        .get(verified.grant.storageId) as BinaryRow | undefined;
      if (
        !binary ||
        binary.revision !== verified.grant.revision ||
        !CONTENT_STATES.includes(binary.state)
      ) {
        return s3Error(
          reply,
          404,
          'NoSuchKey',
          'The content this URL was made for is no longer available.',
        );
      }
      const parts = validParts(ctx, binary.prn).map((p) => ({
        uploadId: p.upload_id,
        size: p.size,
      }));
      let range: { start: number; end: number } | undefined;
      const rangeHeader = request.headers.range;
      if (typeof rangeHeader === 'string') {
        const parsed = parseRange(rangeHeader, binary.size);
        if (parsed === null) {
          return s3Error(
            reply.header('content-range', `bytes */${binary.size}`),
            416,
            'InvalidRange',
            'The requested range is not satisfiable.',
          );
        }
        range = parsed;
      }
      const length = range ? range.end - range.start + 1 : binary.size;
      reply
        .code(range ? 206 : 200)
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(length))
        .header('accept-ranges', 'bytes')
        .header('etag', `"${binary.hash}"`);
      if (range) reply.header('content-range', `bytes ${range.start}-${range.end}/${binary.size}`);
      return reply.send(Readable.from(ctx.storage.readJoined(binary.storage_id, parts, range)));
    },
  );
}
