// Artifacts: `POST/GET /artifacts`, `GET/PATCH/DELETE /artifacts/{prn}`.
import type { FastifyInstance } from 'fastify';
import type { Artifact } from '../../peridio/index.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, parseJsonColumn, writeUnique, type ServerContext } from '../context.js';
import { fieldError } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

export interface ArtifactRow {
  id: number;
  prn: string;
  name: string;
  description: string | null;
  custom_metadata: string | null;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  description: { column: 'description', type: 'string' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  name: { column: 'name', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

const UNIQUE = { 'artifacts.name': 'name' };

function serialize(ctx: ServerContext, row: ArtifactRow): Artifact {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    name: row.name,
    description: row.description,
    custom_metadata: parseJsonColumn(row.custom_metadata),
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

export function registerArtifactRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;

  app.post('/artifacts', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const name = body.string('name', { required: true, min: 1, max: 128 });
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    const customMetadata = body.customMetadata('custom_metadata');
    body.done();
    const prn = newPrn(ctx, 'artifact', id);
    const now = nowMicros();
    writeUnique('artifacts', UNIQUE, () =>
      db
        .prepare(
          'INSERT INTO artifacts (prn, name, description, custom_metadata, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(prn, name, description ?? null, customMetadata ?? null, now, now),
    );
    return reply
      .code(201)
      .send({ artifact: serialize(ctx, findOr404<ArtifactRow>(ctx, 'artifacts', prn)) });
  });

  app.get('/artifacts', async (request) => {
    const page = listPage<ArtifactRow>(
      db,
      { table: 'artifacts', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return { artifacts: page.rows.map((row) => serialize(ctx, row)), next_page: page.nextPage };
  });

  app.get<{ Params: { artifact_prn: string } }>('/artifacts/:artifact_prn', async (request) => {
    const prn = pathPrn(request.params.artifact_prn, 'artifact', 'artifact_prn');
    return { artifact: serialize(ctx, findOr404<ArtifactRow>(ctx, 'artifacts', prn)) };
  });

  app.patch<{ Params: { artifact_prn: string } }>('/artifacts/:artifact_prn', async (request) => {
    const prn = pathPrn(request.params.artifact_prn, 'artifact', 'artifact_prn');
    const body = new BodyReader(objectBody(request.body));
    const name = body.string('name', { min: 1, max: 128 });
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    const customMetadata = body.customMetadata('custom_metadata');
    body.done();
    const row = findOr404<ArtifactRow>(ctx, 'artifacts', prn);
    writeUnique('artifacts', UNIQUE, () =>
      db
        .prepare(
          'UPDATE artifacts SET name = ?, description = ?, custom_metadata = ?, updated_at = ? WHERE prn = ?',
        )
        .run(
          name ?? row.name,
          description === undefined ? row.description : description,
          customMetadata === undefined ? row.custom_metadata : customMetadata,
          nowMicros(),
          prn,
        ),
    );
    return { artifact: serialize(ctx, findOr404<ArtifactRow>(ctx, 'artifacts', prn)) };
  });

  app.delete<{ Params: { artifact_prn: string } }>(
    '/artifacts/:artifact_prn',
    async (request, reply) => {
      const prn = pathPrn(request.params.artifact_prn, 'artifact', 'artifact_prn');
      findOr404<ArtifactRow>(ctx, 'artifacts', prn);
      if (db.prepare('SELECT 1 FROM artifact_versions WHERE artifact_prn = ?').get(prn)) {
        throw fieldError('artifact_versions', 'are still associated with this artifact');
      }
      db.prepare('DELETE FROM artifacts WHERE prn = ?').run(prn);
      return reply.code(204).send();
    },
  );
}
