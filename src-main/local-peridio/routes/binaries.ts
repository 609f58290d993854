// Binaries: `POST/GET /binaries`, `GET/PATCH /binaries/{prn}`, `GET /binaries/{prn}/download_url`.
// Every state change a PATCH asks for is checked by the lifecycle machine (checkStateChange);
// this file only adds what each transition does to the stored content.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { checkStateChange, isBinaryState, type BinaryState } from '../../lifecycle/index.js';
import { PART_LIMITS, TARGET_MAX_LENGTH } from '../../peridio/index.js';
import {
  CONTENT_STATES,
  serializeBinary,
  type BinaryRow,
  type PartRow,
} from '../binary-records.js';
import { nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { originFor } from '../public-origin.js';
import { BLANK, fieldError, unprocessable } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

const SEARCH: SearchFields = {
  artifact_version_prn: { column: 'artifact_version_prn', type: 'string' },
  description: { column: 'description', type: 'string' },
  hash: { column: 'hash', type: 'string' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  prn: { column: 'prn', type: 'string' },
  size: { column: 'size', type: 'integer' },
  target: { column: 'target', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

const UNIQUE = { 'binaries.artifact_version_prn, binaries.target': 'target' };

/**
 * The "upload complete" check: indices 1..N without gaps, every part valid, every part but
 * the last at least the minimum part size, and the sizes adding up to the binary's size.
 * Returns the problems, none when the parts join into the binary.
 */
export function partProblems(parts: readonly PartRow[], size: number): string[] {
  const problems: string[] = [];
  parts.forEach((part, position) => {
    if (part.part_index !== position + 1) {
      problems.push(`part ${position + 1} is missing (parts must be numbered 1..N without gaps)`);
    }
  });
  if (problems.length > 0) return problems.slice(0, 1);
  for (const part of parts) {
    if (part.state !== 'valid')
      problems.push(`part ${part.part_index} is ${part.state}, not valid`);
  }
  parts.slice(0, -1).forEach((part) => {
    if (part.size < PART_LIMITS.minPartSize) {
      problems.push(
        `part ${part.part_index} is ${part.size} bytes; every part but the last must be at least ${PART_LIMITS.minPartSize} bytes`,
      );
    }
  });
  const total = parts.reduce((sum, part) => sum + part.size, 0);
  if (total !== size) {
    problems.push(`the parts add up to ${total} bytes, but the binary's size is ${size} bytes`);
  }
  return problems;
}

export function registerBinaryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<BinaryRow>(ctx, 'binaries', prn);

  app.post('/binaries', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const artifactVersionPrn = body.prn('artifact_version_prn', 'artifact_version', {
      required: true,
    });
    const target = body.string('target', { required: true, min: 1, max: TARGET_MAX_LENGTH });
    const hash = body.sha256('hash', { required: true });
    const size = body.integer('size', { required: true, min: 0, max: PART_LIMITS.maxBinarySize });
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    const customMetadata = body.customMetadata('custom_metadata');
    body.done();
    findOr404(ctx, 'artifact_versions', artifactVersionPrn as string);
    const prn = newPrn(ctx, 'binary', id);
    const now = nowMicros();
    writeUnique('binaries', UNIQUE, () =>
      db
        .prepare(
          `INSERT INTO binaries (prn, storage_id, artifact_version_prn, target, hash, size, description,
             custom_metadata, state, revision, inserted_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'uploadable', 0, ?, ?)`,
        )
        .run(
          prn,
          randomUUID(),
          artifactVersionPrn,
          target,
          hash,
          size,
          description ?? null,
          customMetadata ?? null,
          now,
          now,
        ),
    );
    return reply.code(201).send({ binary: serializeBinary(ctx, find(prn)) });
  });

  app.get('/binaries', async (request) => {
    const page = listPage<BinaryRow>(
      db,
      { table: 'binaries', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return {
      binaries: page.rows.map((row) => serializeBinary(ctx, row)),
      next_page: page.nextPage,
    };
  });

  app.get<{ Params: { binary_prn: string } }>('/binaries/:binary_prn', async (request) => {
    const prn = pathPrn(request.params.binary_prn, 'binary', 'binary_prn');
    return { binary: serializeBinary(ctx, find(prn)) };
  });

  app.patch<{ Params: { binary_prn: string } }>('/binaries/:binary_prn', async (request) => {
    const prn = pathPrn(request.params.binary_prn, 'binary', 'binary_prn');
    const body = new BodyReader(objectBody(request.body));
    let requested: BinaryState | undefined;
    const state = body.body.state;
    if (state === null) body.fail('state', BLANK);
    else if (state !== undefined && !isBinaryState(state)) {
      body.fail(
        'state',
        'is invalid: expected uploadable, hashable, hashing, signable, signed or destroyed',
      );
    } else requested = state;
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    const customMetadata = body.customMetadata('custom_metadata');
    const hash = body.sha256('hash');
    const size = body.integer('size', { min: 0, max: PART_LIMITS.maxBinarySize });
    body.done();

    const { row, afterCommit } = db
      .transaction(() => {
        const row = find(prn);
        const from = row.state;
        const to = requested ?? from;
        const check = checkStateChange(from, to, 'client');
        if (!check.ok) throw fieldError('state', check.message);
        // Pointing a binary at new content is only possible while it awaits content
        // (including a reset in this same PATCH).
        for (const [field, value, current] of [
          ['hash', hash, row.hash],
          ['size', size, row.size],
        ] as const) {
          if (value !== undefined && value !== current && to !== 'uploadable') {
            throw fieldError(
              field,
              `can only be changed while the binary is uploadable (it is ${from})`,
            );
          }
        }
        let revision = row.revision;
        let afterCommit: (() => Promise<void>) | undefined;
        switch (check.transition?.event) {
          case 'COMPLETE': {
            const parts = db
              .prepare('SELECT * FROM binary_parts WHERE binary_prn = ? ORDER BY part_index')
              .all(prn) as PartRow[];
            const problems = partProblems(parts, row.size);
            if (problems.length > 0) throw unprocessable({ parts: problems });
            break;
          }
          case 'HASH':
            afterCommit = async () => ctx.hasher.start(prn);
            break;
          case 'RESET':
            db.prepare('DELETE FROM binary_parts WHERE binary_prn = ?').run(prn);
            revision += 1;
            afterCommit = async () => {
              ctx.hasher.cancel(prn);
              await ctx.storage.removeBinary(row.storage_id);
            };
            break;
          case 'DESTROY':
            db.prepare('DELETE FROM binary_parts WHERE binary_prn = ?').run(prn);
            afterCommit = async () => {
              ctx.hasher.cancel(prn);
              await ctx.storage.removeBinary(row.storage_id);
            };
            break;
          case 'HASH_MATCHED':
          case 'HASH_MISMATCHED':
          case 'SIGNATURE_ATTACHED':
          case undefined:
            break;
        }
        const next = {
          state: to,
          revision,
          hash: hash ?? row.hash,
          size: size ?? row.size,
          description: description === undefined ? row.description : description,
          custom_metadata: customMetadata === undefined ? row.custom_metadata : customMetadata,
        };
        // A PATCH that changes nothing (e.g. signed -> signed) leaves even updated_at alone.
        if (Object.entries(next).every(([key, value]) => row[key as keyof typeof next] === value)) {
          return { row, afterCommit };
        }
        db.prepare(
          `UPDATE binaries SET state = ?, revision = ?, hash = ?, size = ?, description = ?,
             custom_metadata = ?, updated_at = ? WHERE prn = ?`,
        ).run(
          next.state,
          next.revision,
          next.hash,
          next.size,
          next.description,
          next.custom_metadata,
          nowMicros(),
          prn,
        );
        return { row: find(prn), afterCommit };
      })
      .immediate();
    // The answer is read before the cleanup awaits, so that no database access happens
    // after a shutdown that closes the database in the meantime.
    const answer = { binary: serializeBinary(ctx, row) };
    if (afterCommit) {
      // The state change is committed; a failure to delete old files only leaves garbage
      // that the next start removes.
      await afterCommit().catch((error: unknown) =>
        ctx.logger.error('could not clean up a binary’s content', {
          binary_prn: prn,
          error: String(error),
        }),
      );
    }
    return answer;
  });

  app.get<{ Params: { binary_prn: string } }>(
    '/binaries/:binary_prn/download_url',
    async (request) => {
      const prn = pathPrn(request.params.binary_prn, 'binary', 'binary_prn');
      const row = find(prn);
      if (!CONTENT_STATES.includes(row.state)) {
        throw fieldError('state', `the content of a ${row.state} binary cannot be downloaded`);
      }
      return {
        download_url: ctx.presigner.downloadUrl(originFor(request, ctx.publicOrigin), {
          storageId: row.storage_id,
          revision: row.revision,
        }),
      };
    },
  );
}
