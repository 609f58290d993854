// Cohorts: `POST/GET /cohorts`, `GET/PATCH /cohorts/{prn}`.
import type { FastifyInstance } from 'fastify';
import type { Cohort } from '../../peridio/index.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

interface CohortRow {
  id: number;
  prn: string;
  name: string;
  product_prn: string;
  description: string | null;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  description: { column: 'description', type: 'string' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  name: { column: 'name', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  product_prn: { column: 'product_prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

function serialize(ctx: ServerContext, row: CohortRow): Cohort {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    name: row.name,
    product_prn: row.product_prn,
    description: row.description,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

export function registerCohortRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<CohortRow>(ctx, 'cohorts', prn);

  app.post('/cohorts', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const name = body.string('name', { required: true, min: 1, max: 128 });
    const productPrn = body.prn('product_prn', 'product', { required: true });
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    body.done();
    findOr404(ctx, 'products', productPrn as string);
    const prn = newPrn(ctx, 'cohort', id);
    const now = nowMicros();
    writeUnique('cohorts', {}, () =>
      db
        .prepare(
          'INSERT INTO cohorts (prn, name, product_prn, description, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(prn, name, productPrn, description ?? null, now, now),
    );
    return reply.code(201).send({ cohort: serialize(ctx, find(prn)) });
  });

  app.get('/cohorts', async (request) => {
    const page = listPage<CohortRow>(
      db,
      { table: 'cohorts', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return { cohorts: page.rows.map((row) => serialize(ctx, row)), next_page: page.nextPage };
  });

  app.get<{ Params: { cohort_prn: string } }>('/cohorts/:cohort_prn', async (request) => {
    const prn = pathPrn(request.params.cohort_prn, 'cohort', 'cohort_prn');
    return { cohort: serialize(ctx, find(prn)) };
  });

  app.patch<{ Params: { cohort_prn: string } }>('/cohorts/:cohort_prn', async (request) => {
    const prn = pathPrn(request.params.cohort_prn, 'cohort', 'cohort_prn');
    const body = new BodyReader(objectBody(request.body));
    const name = body.string('name', { min: 1, max: 128 });
    const description = body.string('description', { nullable: true, min: 1, max: 256 });
    body.done();
    const row = find(prn);
    db.prepare('UPDATE cohorts SET name = ?, description = ?, updated_at = ? WHERE prn = ?').run(
      name ?? row.name,
      description === undefined ? row.description : description,
      nowMicros(),
      prn,
    );
    return { cohort: serialize(ctx, find(prn)) };
  });
}
