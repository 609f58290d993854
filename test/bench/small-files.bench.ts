// What a burst of small build outputs costs per file, in the engine (run after
// `npm run build:engine`: node --import tsx test/bench/small-files.bench.ts): N files of
// BENCH_SIZE_KIB (default 1024) through one engine (the build in BENCH_DIST, default ./dist,
// so two builds can be compared), to `signable`; and one file through a fresh engine, from
// `run` to done, as `peridio-desk upload` of one file sees it, and to its parts all sent
// (before the server's hash, which the hash poll waits for). Medians of BENCH_ROUNDS
// (default 3); BENCH_FILES (default 20).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ServiceModule from '../../src-main/service/index.js';
import {
  REPO_ROOT,
  apiFor,
  createArtifactVersion,
  spawnServer,
} from '../integration/local-peridio/helpers.js';

const KEY = 'bench-key';
const dist = path.resolve(process.env.BENCH_DIST ?? path.join(REPO_ROOT, 'dist'));
const files = Number(process.env.BENCH_FILES ?? 20);
const size = Number(process.env.BENCH_SIZE_KIB ?? 1024) * 1024;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const { UploadEngine } = (await import(
  pathToFileURL(path.join(dist, 'src-main/service/index.js')).href
)) as typeof ServiceModule;
const dir = await mkdtemp(path.join(tmpdir(), 'bench-small-'));
const server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
const api = apiFor(server.url, KEY);

/**
 * Uploads `count` new files through one new engine; answers the ms from `run` to all done, and
 * to the first file's parts all sent (the step that completes its upload).
 */
async function burst(round: string, count: number): Promise<{ ms: number; sentMs: number }> {
  let sentAt = 0;
  const versionPrn = await createArtifactVersion(api);
  const engine = new UploadEngine({
    dataDir: path.join(dir, `desk-${round}`),
    connection: { baseUrl: server.url, apiKey: KEY },
    workspace: 'bench',
    resolveSigner: async () => {
      throw new Error('no signing in the benchmark');
    },
    signingKeyPrn: () => undefined,
    onEvent: (event) => {
      if (event.type === 'job:step' && event.step === 'completing') sentAt ||= performance.now();
    },
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const file = path.join(dir, `${round}-${i}.bin`);
    await writeFile(file, randomBytes(size));
    const job = await engine.enqueue({
      path: file,
      artifactVersionPrn: versionPrn,
      target: `t${i}`,
    });
    ids.push(job.id);
  }
  const started = performance.now();
  await engine.run({ onlyJobIds: ids });
  const ms = performance.now() - started;
  const failed = ids.map((id) => engine.store.get(id)).filter((job) => job.status !== 'done');
  await engine.close();
  if (failed.length > 0) throw new Error(`${failed.length} jobs did not finish`);
  return { ms, sentMs: sentAt - started };
}

try {
  await burst('warmup', 2);
  const many: number[] = [];
  const one: number[] = [];
  const oneSent: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    many.push((await burst(`many-${r}`, files)).ms);
    const single = await burst(`one-${r}`, 1);
    one.push(single.ms);
    oneSent.push(single.sentMs);
  }
  console.log(
    JSON.stringify({
      dist,
      files,
      sizeBytes: size,
      burstMs: Math.round(median(many)),
      perFileMs: Math.round(median(many) / files),
      oneFileMs: Math.round(median(one)),
      oneFileSentMs: Math.round(median(oneSent)),
      rounds: {
        burstMs: many.map(Math.round),
        oneFileMs: one.map(Math.round),
        oneFileSentMs: oneSent.map(Math.round),
      },
    }),
  );
} finally {
  server.child.kill();
  await server.exited;
  await rm(dir, { recursive: true, force: true });
}
