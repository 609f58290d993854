// Run as its own process by upload-worker-pool.test.ts: streams the file of the task given as
// JSON through a pooled worker, gives the worker back, prints what it did, and then does not
// close the pool: the idle worker (and a warm one) must not keep this process alive.
import { UploadWorkerPool, type StreamTask } from '../../../src-main/upload/index.js';

const pool = new UploadWorkerPool({ maxIdle: 2 });
pool.warm(Number.MAX_SAFE_INTEGER);
const lease = pool.borrow();
const hashed = await lease.worker.stream(JSON.parse(process.argv[2]!) as StreamTask);
await lease.giveBack();
console.log(JSON.stringify({ sha256: hashed.sha256, stats: pool.stats }));
