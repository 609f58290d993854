// Binary signatures: `POST/GET /binary_signatures`, `DELETE /binary_signatures/{prn}`. A
// signature is verified (Ed25519 over the ASCII hex hash) before it is stored; the first
// valid one moves the binary from `signable` to `signed`, as the lifecycle machine says.
import type { FastifyInstance } from 'fastify';
import { eventAllowed, transitionFor } from '../../lifecycle/index.js';
import type { BinarySignature } from '../../peridio/index.js';
import type { BinaryRow } from '../binary-records.js';
import { formatTimestamp, nowMicros } from '../clock.js';
import { findOr404, newPrn, writeUnique, type ServerContext } from '../context.js';
import { fieldError, unprocessable } from '../errors.js';
import { listPage, parseListQuery } from '../paging.js';
import type { SearchFields } from '../search-query.js';
import { SIGNATURE_HEX, decodePublicKeyValue, verifyHashSignature } from '../signature-verify.js';
import { BodyReader, objectBody, pathPrn } from '../validation.js';
import type { SigningKeyRow } from './signing-keys.js';

interface SignatureRow {
  id: number;
  prn: string;
  binary_prn: string;
  signing_key_prn: string;
  keyid: string;
  signature: string;
  inserted_at: number;
  updated_at: number;
}

const SEARCH: SearchFields = {
  binary_prn: { column: 'binary_prn', type: 'string' },
  inserted_at: { column: 'inserted_at', type: 'datetime' },
  keyid: { column: 'keyid', type: 'string' },
  prn: { column: 'prn', type: 'string' },
  signing_key_prn: { column: 'signing_key_prn', type: 'string' },
  updated_at: { column: 'updated_at', type: 'datetime' },
};

const UNIQUE = {
  'binary_signatures.binary_prn, binary_signatures.signing_key_prn': 'signing_key_prn',
};

function serialize(ctx: ServerContext, row: SignatureRow): BinarySignature {
  return {
    prn: row.prn,
    organization_prn: ctx.organizationPrn,
    binary_prn: row.binary_prn,
    signing_key_prn: row.signing_key_prn,
    keyid: row.keyid,
    signature: row.signature,
    inserted_at: formatTimestamp(row.inserted_at),
    updated_at: formatTimestamp(row.updated_at),
  };
}

export function registerBinarySignatureRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;

  app.post('/binary_signatures', async (request, reply) => {
    const body = new BodyReader(objectBody(request.body));
    const id = body.uuid('id');
    const binaryPrn = body.prn('binary_prn', 'binary', { required: true });
    const signingKeyPrn = body.prn('signing_key_prn', 'signing_key', { nullable: true });
    const keyid = body.string('signing_key_keyid', { nullable: true });
    const signature = body.string('signature', { required: true });
    if (signature && !SIGNATURE_HEX.test(signature)) {
      body.fail('signature', 'must be 128 hexadecimal characters (an Ed25519 signature)');
    }
    if (!signingKeyPrn && !keyid && !body.errors.signing_key_prn) {
      body.fail('signing_key_prn', "can't be blank (give signing_key_prn or signing_key_keyid)");
    }
    body.done();

    const prn = newPrn(ctx, 'binary_signature', id);
    db.transaction(() => {
      const binary = findOr404<BinaryRow>(ctx, 'binaries', binaryPrn as string);
      let key: SigningKeyRow | undefined;
      if (signingKeyPrn) {
        key = findOr404<SigningKeyRow>(ctx, 'signing_keys', signingKeyPrn);
        if (keyid && keyid.toLowerCase() !== key.keyid) {
          throw fieldError(
            'signing_key_keyid',
            'does not match the signing key given by signing_key_prn',
          );
        }
      } else {
        key = db
          .prepare('SELECT * FROM signing_keys WHERE keyid = ?')
          .get((keyid as string).toLowerCase()) as SigningKeyRow | undefined;
        if (!key) throw fieldError('signing_key_keyid', 'does not exist');
      }
      if (!eventAllowed(binary.state, 'SIGN', 'client')) {
        throw fieldError(
          'binary_prn',
          `the binary must be signable or signed to be signed (it is ${binary.state})`,
        );
      }
      const raw = decodePublicKeyValue(key.value);
      if (!raw || !verifyHashSignature(raw, binary.hash, signature as string)) {
        throw unprocessable({ signature: ['is invalid'] });
      }
      const now = nowMicros();
      writeUnique('binary_signatures', UNIQUE, () =>
        db
          .prepare(
            `INSERT INTO binary_signatures (prn, binary_prn, signing_key_prn, keyid, signature, inserted_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(prn, binary.prn, key.prn, key.keyid, (signature as string).toLowerCase(), now, now),
      );
      // The first signature moves a signable binary on; further ones leave it as it is.
      const move = transitionFor(binary.state, 'SIGNATURE_ATTACHED', 'server');
      if (move) {
        db.prepare('UPDATE binaries SET state = ?, updated_at = ? WHERE prn = ?').run(
          move.to,
          now,
          binary.prn,
        );
      }
    }).immediate();
    const row = db
      .prepare('SELECT * FROM binary_signatures WHERE prn = ?')
      .get(prn) as SignatureRow;
    return reply.code(201).send({ binary_signature: serialize(ctx, row) });
  });

  app.get('/binary_signatures', async (request) => {
    const page = listPage<SignatureRow>(
      db,
      { table: 'binary_signatures', searchFields: SEARCH },
      parseListQuery(request.query),
    );
    return {
      binary_signatures: page.rows.map((row) => serialize(ctx, row)),
      next_page: page.nextPage,
    };
  });

  app.delete<{ Params: { binary_signature_prn: string } }>(
    '/binary_signatures/:binary_signature_prn',
    async (request, reply) => {
      const prn = pathPrn(
        request.params.binary_signature_prn,
        'binary_signature',
        'binary_signature_prn',
      );
      findOr404(ctx, 'binary_signatures', prn);
      // The binary stays signed: the lifecycle has no way back from `signed`.
      db.prepare('DELETE FROM binary_signatures WHERE prn = ?').run(prn);
      return reply.code(204).send();
    },
  );
}
