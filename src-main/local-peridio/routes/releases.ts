// Releases: `POST/GET /releases`, `GET/PATCH/DELETE /releases/{prn}`. A new release joins
// its cohort's release graph: as the latest one by default, or before `next_release_prn`
// / after `previous_release_prn` when given; deleting one links its neighbours together.
import type { FastifyInstance } from 'fastify';
import type { Release } from '../../peridio/index.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { fieldError } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

interface ReleaseRow {
  id: number;
  prn: string;
  bundle_prn: string;
  cohort_prn: string;
  name: string;
  required: number;
  disabled: number;
  schedule_date: number | null;
  phase_value: number | null;
  version: string | null;
  version_requirement: string | null;
  description: string | null;
  next_release_prn: string | null;
  previous_release_prn: string | null;
  inserted_at: number;
  updated_at: number;
}

// No bundle_prn: Peridio cannot search releases by bundle either.
const SEARCH: SearchFields = {
  cohort_prn: { column: 'cohort_prn', type: 'string' },
  description: { column: 'description', type: 'string' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  name: { column: 'name', type: 'string' },
  next_release_prn: { column: 'next_release_prn', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
  version: { column: 'version', type: 'string' },
  version_requirement: { column: 'version_requirement', type: 'string' },
};

function serialize(ctx: ServerContext, row: ReleaseRow): Release {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    bundle_prn: row.bundle_prn,
    cohort_prn: row.cohort_prn,
    name: row.name,
    required: row.required === 1,
    disabled: row.disabled === 1,
    schedule_date: row.schedule_date === null ? null : formatTimestamp(row.schedule_date),
    schedule_complete: row.schedule_date === null || row.schedule_date <= nowMicros(),
    phase_value: row.phase_value,
    version: row.version,
    version_requirement: row.version_requirement,
    description: row.description,
    next_release_prn: row.next_release_prn,
    previous_release_prn: row.previous_release_prn,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

/** The fields a create and a PATCH share. */
function readCommon(body: BodyReader, creating: boolean) {
  return {
    name: body.string('name', { required: creating, min: 1, max: 256 }),
    required: body.boolean('required', { required: creating }),
    disabled: body.boolean('disabled', { nullable: creating }),
    scheduleDate: body.dateTime('schedule_date', { nullable: true }),
    phaseValue: body.number('phase_value', { nullable: true, min: 0, max: 1_000_000_000 }),
    version: body.string('version', { nullable: true, min: 1, max: 128 }),
    versionRequirement: body.string('version_requirement', { nullable: true, min: 1, max: 128 }),
    description: body.string('description', { nullable: true, min: 1, max: 256 }),
    nextReleasePrn: body.prn('next_release_prn', 'release', { nullable: true }),
  };
}

export function registerReleaseRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<ReleaseRow>(ctx, 'releases', prn);
  const sameCohort = (prn: string, cohortPrn: string, field: string) => {
    const release = find(prn);
    if (release.cohort_prn !== cohortPrn)
      throw fieldError(field, 'must be a release of the same cohort');
    return release;
  };
  const link = (
    prn: string | null | undefined,
    column: 'next_release_prn' | 'previous_release_prn',
    to: string | null,
  ) => {
    if (prn)
      db.prepare(`UPDATE releases SET ${column} = ?, updated_at = ? WHERE prn = ?`).run(
        to,
        nowMicros(),
        prn,
      );
  };

  app.post('/releases', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const bundlePrn = body.prn('bundle_prn', 'bundle', { required: true });
    const cohortPrn = body.prn('cohort_prn', 'cohort', { required: true });
    const fields = readCommon(body, true);
    const previousGiven = body.prn('previous_release_prn', 'release', { nullable: true });
    body.done();
    const prn = newPrn(ctx, 'release', id);
    db.transaction(() => {
      findOr404(ctx, 'bundles', bundlePrn as string);
      findOr404(ctx, 'cohorts', cohortPrn as string);
      let next: string | null = null;
      let previous: string | null = null;
      if (fields.nextReleasePrn) {
        const nextRelease = sameCohort(
          fields.nextReleasePrn,
          cohortPrn as string,
          'next_release_prn',
        );
        next = nextRelease.prn;
        previous = previousGiven ?? nextRelease.previous_release_prn;
      } else if (previousGiven) {
        const previousRelease = sameCohort(
          previousGiven,
          cohortPrn as string,
          'previous_release_prn',
        );
        previous = previousRelease.prn;
        next = previousRelease.next_release_prn;
      } else {
        const latest = db
          .prepare(
            'SELECT prn FROM releases WHERE cohort_prn = ? AND next_release_prn IS NULL ORDER BY inserted_at DESC, id DESC LIMIT 1',
          )
          .get(cohortPrn) as { prn: string } | undefined;
        previous = latest?.prn ?? null;
      }
      if (previous) sameCohort(previous, cohortPrn as string, 'previous_release_prn');
      const now = nowMicros();
      writeUnique('releases', {}, () =>
        db
          .prepare(
            `INSERT INTO releases (prn, bundle_prn, cohort_prn, name, required, disabled, schedule_date,
               phase_value, version, version_requirement, description, next_release_prn,
               previous_release_prn, inserted_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            prn,
            bundlePrn,
            cohortPrn,
            fields.name,
            fields.required ? 1 : 0,
            fields.disabled ? 1 : 0,
            fields.scheduleDate ?? null,
            fields.phaseValue ?? null,
            fields.version ?? null,
            fields.versionRequirement ?? null,
            fields.description ?? null,
            next,
            previous,
            now,
            now,
          ),
      );
      link(previous, 'next_release_prn', prn);
      link(next, 'previous_release_prn', prn);
    }).immediate();
    return reply.code(201).send({ release: serialize(ctx, find(prn)) });
  });

  app.get('/releases', async (request) => {
    const page = listPage<ReleaseRow>(
      db,
      { table: 'releases', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return { releases: page.rows.map((row) => serialize(ctx, row)), next_page: page.nextPage };
  });

  app.get<{ Params: { release_prn: string } }>('/releases/:release_prn', async (request) => {
    const prn = pathPrn(request.params.release_prn, 'release', 'release_prn');
    return { release: serialize(ctx, find(prn)) };
  });

  app.patch<{ Params: { release_prn: string } }>('/releases/:release_prn', async (request) => {
    const prn = pathPrn(request.params.release_prn, 'release', 'release_prn');
    const body = new BodyReader(objectBody(request.body));
    const fields = readCommon(body, false);
    body.done();
    db.transaction(() => {
      const row = find(prn);
      if (fields.nextReleasePrn) {
        if (fields.nextReleasePrn === prn)
          throw fieldError('next_release_prn', 'must not be the release itself');
        sameCohort(fields.nextReleasePrn, row.cohort_prn, 'next_release_prn');
      }
      const keep = <T>(value: T | undefined, current: T) => (value === undefined ? current : value);
      db.prepare(
        `UPDATE releases SET name = ?, required = ?, disabled = ?, schedule_date = ?, phase_value = ?,
           version = ?, version_requirement = ?, description = ?, next_release_prn = ?, updated_at = ?
         WHERE prn = ?`,
      ).run(
        fields.name ?? row.name,
        fields.required === undefined || fields.required === null
          ? row.required
          : fields.required
            ? 1
            : 0,
        fields.disabled === undefined || fields.disabled === null
          ? row.disabled
          : fields.disabled
            ? 1
            : 0,
        keep(fields.scheduleDate, row.schedule_date),
        keep(fields.phaseValue, row.phase_value),
        keep(fields.version, row.version),
        keep(fields.versionRequirement, row.version_requirement),
        keep(fields.description, row.description),
        keep(fields.nextReleasePrn, row.next_release_prn),
        nowMicros(),
        prn,
      );
    }).immediate();
    return { release: serialize(ctx, find(prn)) };
  });

  app.delete<{ Params: { release_prn: string } }>(
    '/releases/:release_prn',
    async (request, reply) => {
      const prn = pathPrn(request.params.release_prn, 'release', 'release_prn');
      db.transaction(() => {
        const row = find(prn);
        link(row.previous_release_prn, 'next_release_prn', row.next_release_prn);
        link(row.next_release_prn, 'previous_release_prn', row.previous_release_prn);
        db.prepare('DELETE FROM releases WHERE prn = ?').run(prn);
      }).immediate();
      return reply.code(204).send();
    },
  );
}
