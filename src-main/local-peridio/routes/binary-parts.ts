// Binary parts: `PUT /binaries/{prn}/parts/{index}` (create or replace, with a presigned
// upload URL) and `GET /binaries/{prn}/parts`. The bytes go to the presigned URL (presigned.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { eventAllowed } from '../../lifecycle/index.js';
import { PART_LIMITS, type BinaryPart } from '../../peridio/index.js';
import type { BinaryRow, PartRow } from '../binary-records.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, type ServerContext } from '../context.js';
import { originFor } from '../public-origin.js';
import { fieldError } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

const SEARCH: SearchFields = {
  hash: { column: 'hash', type: 'string' },
  index: { column: 'part_index', type: 'integer' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  prn: { column: 'prn', type: 'string' },
  size: { column: 'size', type: 'integer' },
  state: { column: 'state', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

export function serializePart(ctx: ServerContext, row: PartRow): BinaryPart {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    binary_prn: row.binary_prn,
    index: row.part_index,
    hash: row.hash,
    size: row.size,
    state: row.state,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

function parseIndex(value: string): number {
  const index = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(index >= 1 && index <= PART_LIMITS.maxParts)) {
    throw fieldError('index', `must be an integer from 1 to ${PART_LIMITS.maxParts}`);
  }
  return index;
}

export function registerBinaryPartRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;

  app.put<{ Params: { binary_prn: string; index: string } }>(
    '/binaries/:binary_prn/parts/:index',
    async (request, reply) => {
      const binaryPrn = pathPrn(request.params.binary_prn, 'binary', 'binary_prn');
      const index = parseIndex(request.params.index);
      const body = new BodyReader(objectBody(request.body));
      const expectedSize = body.integer('expected_binary_size', {
        required: true,
        min: 0,
        max: PART_LIMITS.maxBinarySize,
      });
      const hash = body.sha256('hash', { required: true });
      const size = body.integer('size', { required: true, min: 1, max: PART_LIMITS.maxPartSize });
      body.done();

      const { binary, part, replaced } = db
        .transaction(() => {
          const binary = findOr404<BinaryRow>(ctx, 'binaries', binaryPrn);
          if (!eventAllowed(binary.state, 'UPLOAD_PART', 'client')) {
            throw fieldError(
              'state',
              `parts can only be created while the binary is uploadable (it is ${binary.state})`,
            );
          }
          if (expectedSize !== binary.size) {
            throw fieldError(
              'expected_binary_size',
              `must equal the binary's size (${binary.size})`,
            );
          }
          if ((size as number) > binary.size) {
            throw fieldError('size', `must not exceed the binary's size (${binary.size})`);
          }
          const replaced = db
            .prepare('SELECT * FROM binary_parts WHERE binary_prn = ? AND part_index = ?')
            .get(binaryPrn, index) as PartRow | undefined;
          if (replaced) db.prepare('DELETE FROM binary_parts WHERE id = ?').run(replaced.id);
          const prn = newPrn(ctx, 'binary_part', undefined);
          const now = nowMicros();
          db.prepare(
            `INSERT INTO binary_parts (prn, binary_prn, part_index, hash, size, state, upload_id, inserted_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'uploadable', ?, ?, ?)`,
          ).run(prn, binaryPrn, index, hash, size, randomUUID(), now, now);
          const part = db.prepare('SELECT * FROM binary_parts WHERE prn = ?').get(prn) as PartRow;
          return { binary, part, replaced };
        })
        .immediate();
      if (replaced) {
        ctx.hasher.partReplaced(binaryPrn, index);
        await ctx.storage
          .removePart(binary.storage_id, replaced.upload_id)
          .catch((error: unknown) =>
            ctx.logger.error('could not delete a replaced part', {
              part_prn: replaced.prn,
              error: String(error),
            }),
          );
      }
      const presignedUploadUrl = ctx.presigner.partUploadUrl(originFor(request, ctx.publicOrigin), {
        storageId: binary.storage_id,
        uploadId: part.upload_id,
        index: part.part_index,
        size: part.size,
        hash: part.hash,
      });
      return reply.code(201).send({
        binary_part: { ...serializePart(ctx, part), presigned_upload_url: presignedUploadUrl },
      });
    },
  );

  app.get<{ Params: { binary_prn: string } }>('/binaries/:binary_prn/parts', async (request) => {
    const binaryPrn = pathPrn(request.params.binary_prn, 'binary', 'binary_prn');
    const query = parseListQuery(request.query);
    findOr404(ctx, 'binaries', binaryPrn);
    const page = listPage<PartRow>(
      db,
      {
        table: 'binary_parts',
        orderColumn: 'part_index',
        searchFields: SEARCH,
        where: { sql: 'binary_prn = ?', params: [binaryPrn] },
      },
      query,
    );
    return {
      binary_parts: page.rows.map((row) => serializePart(ctx, row)),
      next_page: page.nextPage,
    };
  });
}
