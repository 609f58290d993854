// Many jobs at once for queue-size tests: rows written in one transaction through a second
// connection (the store's enqueue syncs each job to disk, a second apiece for thousands).
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { JobStatus } from '../../../src-main/queue/index.js';

export interface SeedJobs {
  count: number;
  status: JobStatus;
  /** When they were last updated (finished, for done and cancelled ones). */
  updatedAt: Date;
  workspace?: string;
}

/** Adds `count` jobs, each with one log line, to the queue file (its schema made by JobStore.open). */
export function seedJobs(queueFile: string, seed: SeedJobs): void {
  const db = new Database(queueFile);
  try {
    const at = seed.updatedAt.toISOString();
    const insertJob = db.prepare(
      `INSERT INTO jobs (id, seq, created_at, updated_at, status, step, request, workspace,
         queued_size, queued_mtime_ms, binary_id)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs), ?, ?, ?, ?, ?, ?, 1, 1, ?)`,
    );
    const insertLog = db.prepare(
      `INSERT INTO job_log (job_id, at, step, message) VALUES (?, ?, 'queued', 'seeded')`,
    );
    const workspace = seed.workspace ?? 'local';
    db.transaction(() => {
      for (let i = 0; i < seed.count; i++) {
        const id = randomUUID();
        const request = {
          path: `/builds/${seed.status}-${i}.img`,
          artifactVersionPrn: 'prn:1:x:artifact_version:y',
          target: `target-${i}`,
          signingKey: null,
          replace: false,
          workspace,
        };
        insertJob.run(
          id,
          at,
          at,
          seed.status,
          seed.status === 'done' ? 'done' : 'queued',
          JSON.stringify(request),
          workspace,
          randomUUID(),
        );
        insertLog.run(id, at);
      }
    })();
  } finally {
    db.close();
  }
}
