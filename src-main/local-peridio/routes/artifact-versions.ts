// Artifact versions: `POST/GET /artifact_versions`, `GET/PATCH/DELETE /artifact_versions/{prn}`.
// `version` is immutable: a PATCH carrying it ignores it, like any field PATCH does not take.
import type { FastifyInstance } from 'fastify';
import type { ArtifactVersion } from '../../peridio/index.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, parseJsonColumn, writeUnique, type ServerContext } from '../context.js';
import { fieldError } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

export interface ArtifactVersionRow {
  id: number;
  prn: string;
  artifact_prn: string;
  version: string;
  description: string | null;
  custom_metadata: string | null;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  artifact_prn: { column: 'artifact_prn', type: 'string' },
  description: { column: 'description', type: 'string' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  prn: { column: 'prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
  version: { column: 'version', type: 'string' },
};

const UNIQUE = { 'artifact_versions.artifact_prn, artifact_versions.version': 'version' };

function serialize(ctx: ServerContext, row: ArtifactVersionRow): ArtifactVersion {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    artifact_prn: row.artifact_prn,
    version: row.version,
    description: row.description,
    custom_metadata: parseJsonColumn(row.custom_metadata),
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

export function registerArtifactVersionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<ArtifactVersionRow>(ctx, 'artifact_versions', prn);

  app.post('/artifact_versions', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const artifactPrn = body.prn('artifact_prn', 'artifact', { required: true });
    const version = body.string('version', { required: true, min: 1, max: 128 });
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    const customMetadata = body.customMetadata('custom_metadata');
    body.done();
    findOr404(ctx, 'artifacts', artifactPrn as string);
    const prn = newPrn(ctx, 'artifact_version', id);
    const now = nowMicros();
    writeUnique('artifact_versions', UNIQUE, () =>
      db
        .prepare(
          `INSERT INTO artifact_versions (prn, artifact_prn, version, description, custom_metadata, inserted_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(prn, artifactPrn, version, description ?? null, customMetadata ?? null, now, now),
    );
    return reply.code(201).send({ artifact_version: serialize(ctx, find(prn)) });
  });

  app.get('/artifact_versions', async (request) => {
    const page = listPage<ArtifactVersionRow>(
      db,
      { table: 'artifact_versions', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return {
      artifact_versions: page.rows.map((row) => serialize(ctx, row)),
      next_page: page.nextPage,
    };
  });

  app.get<{ Params: { artifact_version_prn: string } }>(
    '/artifact_versions/:artifact_version_prn',
    async (request) => {
      const prn = pathPrn(
        request.params.artifact_version_prn,
        'artifact_version',
        'artifact_version_prn',
      );
      return { artifact_version: serialize(ctx, find(prn)) };
    },
  );

  app.patch<{ Params: { artifact_version_prn: string } }>(
    '/artifact_versions/:artifact_version_prn',
    async (request) => {
      const prn = pathPrn(
        request.params.artifact_version_prn,
        'artifact_version',
        'artifact_version_prn',
      );
      const body = new BodyReader(objectBody(request.body));
      const description = body.string('description', { nullable: true, min: 1, max: 256 });
      const customMetadata = body.customMetadata('custom_metadata');
      body.done();
      const row = find(prn);
      db.prepare(
        'UPDATE artifact_versions SET description = ?, custom_metadata = ?, updated_at = ? WHERE prn = ?',
      ).run(
        description === undefined ? row.description : description,
        customMetadata === undefined ? row.custom_metadata : customMetadata,
        nowMicros(),
        prn,
      );
      return { artifact_version: serialize(ctx, find(prn)) };
    },
  );

  app.delete<{ Params: { artifact_version_prn: string } }>(
    '/artifact_versions/:artifact_version_prn',
    async (request, reply) => {
      const prn = pathPrn(
        request.params.artifact_version_prn,
        'artifact_version',
        'artifact_version_prn',
      );
      find(prn);
      if (db.prepare('SELECT 1 FROM binaries WHERE artifact_version_prn = ?').get(prn)) {
        throw fieldError('binaries', 'are still associated with this artifact version');
      }
      db.prepare('DELETE FROM artifact_versions WHERE prn = ?').run(prn);
      return reply.code(204).send();
    },
  );
}
