// The one organization a local server holds, and its API keys (kept as SHA-256 digests:
// the database never holds a usable key).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { nowMicros } from './clock.js';
import { readMeta, writeMeta } from './database.js';

export function apiKeyDigest(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** A new API key: 32 random bytes, base64url, with a prefix that says what it is. */
export function generateApiKey(): string {
  return `lp_${randomBytes(32).toString('base64url')}`;
}

export interface Organization {
  organizationId: string;
  apiKey: string;
  generatedApiKey: boolean;
}

/**
 * Creates the organization on first start and makes sure the given key (or, when none is
 * given, a freshly generated one) is accepted from now on. A generated key replaces the one
 * generated before it: generated keys do not pile up, valid forever.
 */
export function bootstrapOrganization(db: Database, apiKey: string | undefined): Organization {
  return db
    .transaction((): Organization => {
      let organizationId = readMeta(db, 'organization_id');
      if (organizationId === undefined) {
        organizationId = randomUUID();
        writeMeta(db, 'organization_id', organizationId);
      }
      const generated = apiKey === undefined;
      const key = apiKey ?? generateApiKey();
      if (generated) db.prepare('DELETE FROM api_keys WHERE generated = 1').run();
      db.prepare(
        'INSERT INTO api_keys (key_sha256, inserted_at, generated) VALUES (?, ?, ?) ON CONFLICT (key_sha256) DO NOTHING',
      ).run(apiKeyDigest(key), nowMicros(), generated ? 1 : 0);
      return { organizationId, apiKey: key, generatedApiKey: apiKey === undefined };
    })
    .immediate();
}

export function isKnownApiKey(db: Database, apiKey: string): boolean {
  return (
    db.prepare('SELECT 1 FROM api_keys WHERE key_sha256 = ?').get(apiKeyDigest(apiKey)) !==
    undefined
  );
}
