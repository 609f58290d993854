// Signing keys: `POST/GET /signing_keys`, `GET/PATCH/DELETE /signing_keys/{prn}`. `value` is
// base64 of the raw 32-byte Ed25519 public key; `keyid` is ours: the lowercase hex SHA-256
// of those 32 bytes.
import type { FastifyInstance } from 'fastify';
import type { SigningKey } from '../../peridio/index.js';
import { POINT_WORDS, ed25519PointProblem } from '../../signing/index.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { decodePublicKeyValue, keyIdOf, publicKeyObject } from '../signature-verify.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';

export interface SigningKeyRow {
  id: number;
  prn: string;
  name: string;
  value: string;
  keyid: string;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  keyid: { column: 'keyid', type: 'string' },
  name: { column: 'name', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
  value: { column: 'value', type: 'string' },
};

const UNIQUE = { 'signing_keys.name': 'name', 'signing_keys.keyid': 'value' };

function serialize(ctx: ServerContext, row: SigningKeyRow): SigningKey {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    name: row.name,
    value: row.value,
    keyid: row.keyid,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

/** Reads `value` and returns it with its keyid, or records why it is not an Ed25519 key. */
function readKeyValue(
  body: BodyReader,
  required: boolean,
): { value: string; keyid: string } | undefined {
  const value = body.string('value', { required });
  if (value === undefined || value === null) return undefined;
  const raw = decodePublicKeyValue(value);
  if (!raw || !publicKeyObject(raw)) {
    body.fail('value', 'must be the base64 of a raw 32-byte Ed25519 public key');
    return undefined;
  }
  const problem = ed25519PointProblem(raw);
  if (problem !== undefined) {
    body.fail('value', `must be a usable Ed25519 public key; this one is ${POINT_WORDS[problem]}`);
    return undefined;
  }
  return { value, keyid: keyIdOf(raw) };
}

export function registerSigningKeyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const find = (prn: string) => findOr404<SigningKeyRow>(ctx, 'signing_keys', prn);

  app.post('/signing_keys', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const name = body.string('name', { required: true, min: 1, max: 128 });
    const key = readKeyValue(body, true);
    body.done();
    const prn = newPrn(ctx, 'signing_key', id);
    const now = nowMicros();
    writeUnique('signing_keys', UNIQUE, () =>
      db
        .prepare(
          'INSERT INTO signing_keys (prn, name, value, keyid, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(prn, name, key?.value, key?.keyid, now, now),
    );
    return reply.code(201).send({ signing_key: serialize(ctx, find(prn)) });
  });

  app.get('/signing_keys', async (request) => {
    const page = listPage<SigningKeyRow>(
      db,
      { table: 'signing_keys', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return { signing_keys: page.rows.map((row) => serialize(ctx, row)), next_page: page.nextPage };
  });

  app.get<{ Params: { signing_key_prn: string } }>(
    '/signing_keys/:signing_key_prn',
    async (request) => {
      const prn = pathPrn(request.params.signing_key_prn, 'signing_key', 'signing_key_prn');
      return { signing_key: serialize(ctx, find(prn)) };
    },
  );

  app.patch<{ Params: { signing_key_prn: string } }>(
    '/signing_keys/:signing_key_prn',
    async (request) => {
      const prn = pathPrn(request.params.signing_key_prn, 'signing_key', 'signing_key_prn');
      const body = new BodyReader(objectBody(request.body));
      const name = body.string('name', { min: 1, max: 128 });
      const key = readKeyValue(body, false);
      body.done();
      const row = find(prn);
      writeUnique('signing_keys', UNIQUE, () =>
        db
          .prepare(
            'UPDATE signing_keys SET name = ?, value = ?, keyid = ?, updated_at = ? WHERE prn = ?',
          )
          .run(
            name ?? row.name,
            key?.value ?? row.value,
            key?.keyid ?? row.keyid,
            nowMicros(),
            prn,
          ),
      );
      return { signing_key: serialize(ctx, find(prn)) };
    },
  );

  app.delete<{ Params: { signing_key_prn: string } }>(
    '/signing_keys/:signing_key_prn',
    async (request, reply) => {
      const prn = pathPrn(request.params.signing_key_prn, 'signing_key', 'signing_key_prn');
      find(prn);
      db.prepare('DELETE FROM signing_keys WHERE prn = ?').run(prn);
      return reply.code(204).send();
    },
  );
}
