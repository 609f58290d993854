// The queue's writes for 40 small jobs as the workflow makes them (claim, nine steps, a part,
// release), with the journal's steps and parts written one by one and batched, side by side
// in one run. Main-thread milliseconds per 40 jobs, median of the rounds; enqueue (synced to
// disk either way) is left out. Run: node --import tsx test/bench/queue-writes.bench.ts [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobStore, type JobStep } from '../../src-main/queue/index.js';

const JOBS = 40;
const ROUNDS = Number(process.argv[2] ?? 9);
const BINARY = { prn: 'prn:1:o:binary:b', state: 'uploadable' as const };
const STEPS = [
  'hashing-file',
  'finding-binary',
  'uploading',
  'uploading',
  'completing',
  'hashing',
  'waiting-signable',
  'signing',
  'done',
] as const satisfies readonly JobStep[];

function writesFor40Jobs(journalDelayMs: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'queue-writes-'));
  const store = JobStore.open(path.join(dir, 'queue.sqlite'), { journalDelayMs });
  try {
    const ids = Array.from({ length: JOBS }, (_, i) => {
      const request = {
        path: `/builds/f${i}.bin`,
        artifactVersionPrn: 'prn:1:x',
        target: `t${i}`,
        signingKey: null,
        replace: false,
        workspace: 'w',
      };
      return store.enqueue(request, { size: 1 << 20, mtimeMs: 1 }).id;
    });
    const started = process.hrtime.bigint();
    for (const id of ids) {
      store.claimNext({ owner: 'bench', workspace: 'w', leaseUntil: Date.now() + 30_000 });
      STEPS.forEach((step, i) => {
        store.setStep(id, step, `step ${i}`, i > 0 ? BINARY : undefined);
        if (i === 2) store.partDone(id, BINARY.prn, { index: 1, sha256: 'a'.repeat(64), size: 1 });
      });
      store.release(id, 'bench', { status: 'done' });
    }
    store.close();
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1]!;
const oneByOne: number[] = [];
const batched: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  oneByOne.push(writesFor40Jobs(0));
  batched.push(writesFor40Jobs(100));
}
const [a, b] = [median(oneByOne), median(batched)];
console.log(
  `queue writes for ${JOBS} jobs, median of ${ROUNDS}: one by one ${a.toFixed(1)} ms, batched ${b.toFixed(1)} ms (${(b / a).toFixed(2)}x)`,
);
