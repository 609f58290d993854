// Bundles: `POST/GET /bundles`, `GET/PATCH/DELETE /bundles/{prn}`. Version 2 bundles list
// binaries (`binaries: [{prn, custom_metadata}]`); a create body with
// `artifact_version_prns` instead makes a version 1 bundle (`artifact_versions`), so that
// clients can be tested against both shapes.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Bundle, BundleBinary } from '../../peridio/index.js';
import type { BinaryRow } from '../binary-records.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { BLANK, fieldError } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

interface BundleRow {
  id: number;
  prn: string;
  name: string | null;
  binaries: string;
  artifact_versions: string | null;
  hash: string | null;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  name: { column: 'name', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

const MAX_ENTRIES = 1000;

function serialize(ctx: ServerContext, row: BundleRow): Bundle {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    name: row.name,
    binaries: JSON.parse(row.binaries) as BundleBinary[],
    hash: row.hash,
    ...(row.artifact_versions !== null
      ? { artifact_versions: JSON.parse(row.artifact_versions) as { prn: string; index: number }[] }
      : {}),
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

/** Reads the `binaries` list of a version 2 bundle (PRN format and metadata only). */
function readBinaries(body: BodyReader): BundleBinary[] | undefined {
  const value = body.body.binaries;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENTRIES) {
    body.fail('binaries', `must be a list of 1 to ${MAX_ENTRIES} {prn, custom_metadata} objects`);
    return undefined;
  }
  const binaries: BundleBinary[] = [];
  value.forEach((entry: unknown, position) => {
    const item = new BodyReader(
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {},
    );
    const prn = item.prn('prn', 'binary', { required: true });
    const customMetadata = item.customMetadata('custom_metadata');
    for (const [field, messages] of Object.entries(item.errors)) {
      for (const message of messages)
        body.fail('binaries', `entry ${position + 1}: ${field} ${message}`);
    }
    if (prn)
      binaries.push({
        prn,
        custom_metadata: customMetadata
          ? (JSON.parse(customMetadata) as Record<string, unknown>)
          : null,
      });
  });
  if (new Set(binaries.map((b) => b.prn)).size !== binaries.length) {
    body.fail('binaries', 'must not list a binary twice');
  }
  return binaries;
}

function readArtifactVersions(body: BodyReader): string[] | undefined {
  const value = body.body.artifact_version_prns;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENTRIES) {
    body.fail(
      'artifact_version_prns',
      `must be a list of 1 to ${MAX_ENTRIES} artifact version PRNs`,
    );
    return undefined;
  }
  const prns: string[] = [];
  value.forEach((entry: unknown, position) => {
    const item = new BodyReader({ prn: entry });
    const prn = item.prn('prn', 'artifact_version', { required: true });
    for (const message of item.errors.prn ?? []) {
      body.fail('artifact_version_prns', `entry ${position + 1}: ${message}`);
    }
    if (prn) prns.push(prn);
  });
  return prns;
}

export function registerBundleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<BundleRow>(ctx, 'bundles', prn);

  app.post('/bundles', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const name = body.string('name', { nullable: true, min: 1, max: 128 });
    const binaries = readBinaries(body);
    const artifactVersions = binaries ? undefined : readArtifactVersions(body);
    if (
      !binaries &&
      !artifactVersions &&
      !body.errors.binaries &&
      !body.errors.artifact_version_prns
    ) {
      body.fail('binaries', BLANK);
    }
    body.done();
    let hash: string | null = null;
    if (binaries) {
      // Our bundle hash: SHA-256 over the binaries' content hashes in bundle order, one per line.
      const digest = createHash('sha256');
      for (const entry of binaries) {
        const binary = findOr404<BinaryRow>(ctx, 'binaries', entry.prn);
        if (binary.state === 'destroyed') throw fieldError('binaries', `${entry.prn} is destroyed`);
        digest.update(`${binary.hash}\n`);
      }
      hash = digest.digest('hex');
    }
    for (const prn of artifactVersions ?? []) findOr404(ctx, 'artifact_versions', prn);
    const prn = newPrn(ctx, 'bundle', id);
    const now = nowMicros();
    writeUnique('bundles', {}, () =>
      db
        .prepare(
          'INSERT INTO bundles (prn, name, binaries, artifact_versions, hash, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          prn,
          name ?? null,
          JSON.stringify(binaries ?? []),
          artifactVersions
            ? JSON.stringify(artifactVersions.map((p, i) => ({ prn: p, index: i })))
            : null,
          hash,
          now,
          now,
        ),
    );
    return reply.code(201).send({ bundle: serialize(ctx, find(prn)) });
  });

  app.get('/bundles', async (request) => {
    const page = listPage<BundleRow>(
      db,
      { table: 'bundles', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return { bundles: page.rows.map((row) => serialize(ctx, row)), next_page: page.nextPage };
  });

  app.get<{ Params: { bundle_prn: string } }>('/bundles/:bundle_prn', async (request) => {
    const prn = pathPrn(request.params.bundle_prn, 'bundle', 'bundle_prn');
    return { bundle: serialize(ctx, find(prn)) };
  });

  app.patch<{ Params: { bundle_prn: string } }>('/bundles/:bundle_prn', async (request) => {
    const prn = pathPrn(request.params.bundle_prn, 'bundle', 'bundle_prn');
    const body = new BodyReader(objectBody(request.body));
    const name = body.string('name', { nullable: true, min: 1, max: 128 });
    body.done();
    const row = find(prn);
    db.prepare('UPDATE bundles SET name = ?, updated_at = ? WHERE prn = ?').run(
      name === undefined ? row.name : name,
      nowMicros(),
      prn,
    );
    return { bundle: serialize(ctx, find(prn)) };
  });

  app.delete<{ Params: { bundle_prn: string } }>('/bundles/:bundle_prn', async (request, reply) => {
    const prn = pathPrn(request.params.bundle_prn, 'bundle', 'bundle_prn');
    find(prn);
    if (db.prepare('SELECT 1 FROM releases WHERE bundle_prn = ?').get(prn)) {
      throw fieldError('releases', 'are still associated with this bundle');
    }
    db.prepare('DELETE FROM bundles WHERE prn = ?').run(prn);
    return reply.code(204).send();
  });
}
