// Products: `POST/GET /products`, `GET/PATCH /products/{prn}`. A product's name is unique
// within the organization, as Peridio's reference says.
import type { FastifyInstance } from 'fastify';
import type { Product } from '../../peridio/index.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

interface ProductRow {
  id: number;
  prn: string;
  name: string;
  archived: number;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  archived: { column: 'archived', type: 'boolean' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  name: { column: 'name', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

const UNIQUE = { 'products.name': 'name' };

function serialize(ctx: ServerContext, row: ProductRow): Product {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    name: row.name,
    archived: row.archived === 1,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

export function registerProductRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<ProductRow>(ctx, 'products', prn);

  app.post('/products', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const name = body.string('name', { required: true, min: 1, max: 128 });
    const archived = body.boolean('archived', { nullable: true });
    body.done();
    const prn = newPrn(ctx, 'product', id);
    const now = nowMicros();
    writeUnique('products', UNIQUE, () =>
      db
        .prepare(
          'INSERT INTO products (prn, name, archived, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(prn, name, archived ? 1 : 0, now, now),
    );
    return reply.code(201).send({ product: serialize(ctx, find(prn)) });
  });

  app.get('/products', async (request) => {
    const page = listPage<ProductRow>(
      db,
      { table: 'products', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return { products: page.rows.map((row) => serialize(ctx, row)), next_page: page.nextPage };
  });

  app.get<{ Params: { product_prn: string } }>('/products/:product_prn', async (request) => {
    const prn = pathPrn(request.params.product_prn, 'product', 'product_prn');
    return { product: serialize(ctx, find(prn)) };
  });

  app.patch<{ Params: { product_prn: string } }>('/products/:product_prn', async (request) => {
    const prn = pathPrn(request.params.product_prn, 'product', 'product_prn');
    const body = new BodyReader(objectBody(request.body));
    const name = body.string('name', { min: 1, max: 128 });
    const archived = body.boolean('archived');
    body.done();
    const row = find(prn);
    writeUnique('products', UNIQUE, () =>
      db
        .prepare('UPDATE products SET name = ?, archived = ?, updated_at = ? WHERE prn = ?')
        .run(
          name ?? row.name,
          archived === undefined || archived === null ? row.archived : archived ? 1 : 0,
          nowMicros(),
          prn,
        ),
    );
    return { product: serialize(ctx, find(prn)) };
  });
}
