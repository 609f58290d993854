// npm run bench:watch — the watch agent (the built one: `npm run build` first) against a
// spawned local server:
// - latency: from a file's last write to its job being queued, minus the settle time (goal:
//   under 300 ms), for small files (hashed in place) and larger ones (hashed in the worker);
// - scan: a tree of existing files (default 50,000) watched from scratch in a fresh process:
//   the time of the initial scan and the process's RSS after it (goal: under 150 MiB), then
//   the time to reconcile them all into the queue and the peak RSS while doing so.
// Knobs: BENCH_SETTLE_MS (default 2000), BENCH_LATENCY_ROUNDS (default 5 per size),
// BENCH_TREE_FILES (default 50000, 0 to skip), BENCH_RECONCILE (default 1; 0 to stop after
// the scan), BENCH_DIR (where the temporary folders go).
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PeridioClient } from '../../src-main/peridio/index.js';
import type * as ServiceModule from '../../src-main/service/index.js';
import type * as WatchModule from '../../src-main/watch/index.js';
import { REPO_ROOT, spawnServer } from '../integration/local-peridio/helpers.js';

const KEY = 'bench-key';
const KiB = 1024;
const MiB = 1024 * KiB;
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 2000);
const latencyRounds = Number(process.env.BENCH_LATENCY_ROUNDS ?? 5);
const treeFiles = Number(process.env.BENCH_TREE_FILES ?? 50_000);
const reconcile = process.env.BENCH_RECONCILE !== '0';

async function built() {
  const load = async <T>(file: string) =>
    (await import(pathToFileURL(path.join(REPO_ROOT, 'dist/src-main', file)).href)) as T;
  return {
    service: await load<typeof ServiceModule>('service/index.js'),
    watch: await load<typeof WatchModule>('watch/index.js'),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The benchmark measures the intake; its queue never runs, so nothing is ever signed. */
const noSigner = async (): Promise<never> => {
  throw new Error('the benchmark runs no queue, so it signs nothing');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An agent and an engine whose queue does not run: what is measured is the intake. */
async function startAgent(
  dataDir: string,
  serverUrl: string,
  rule: Record<string, unknown>,
  onEvent: (event: WatchModule.WatchEvent) => void,
) {
  const { service, watch } = await built();
  const engine = new service.UploadEngine({
    dataDir,
    connection: { baseUrl: serverUrl, apiKey: KEY },
    workspace: 'bench',
    resolveSigner: noSigner,
    signingKeyPrn: () => undefined,
  });
  const agent = new watch.WatchAgent({
    engine,
    dataDir,
    rules: watch.parseWatchRules({ rules: [rule] }),
    onEvent,
  });
  await agent.start();
  return {
    agent,
    async stop() {
      await agent.stop();
      await engine.close();
    },
  };
}

/** Writes `size` bytes in four chunks 50 ms apart; answers when the last write ended. */
async function writeSlowly(file: string, size: number): Promise<number> {
  const data = randomFillSync(Buffer.alloc(size));
  const handle = await open(file, 'w');
  const chunk = Math.ceil(size / 4);
  let last = 0;
  for (let at = 0; at < size; at += chunk) {
    await handle.write(data.subarray(at, at + chunk));
    last = performance.now();
    if (at + chunk < size) await sleep(50);
  }
  await handle.close();
  return last;
}

async function latency(dir: string, serverUrl: string, versionPrn: string) {
  const folder = path.join(dir, 'latency');
  await mkdir(folder);
  const queuedAt = new Map<string, number>();
  const waiters = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const running = await startAgent(
    path.join(dir, 'desk-latency'),
    serverUrl,
    {
      name: 'latency',
      folder,
      artifactVersionPrn: versionPrn,
      target: { fromPath: '^(?<target>[^/.]+)' },
      settleMs,
    },
    (event) => {
      if (event.type === 'file:ignored' || event.type === 'file:conflict') {
        const why = new Error(`the bench's file was not queued: ${JSON.stringify(event)}`);
        waiters.get(event.path)?.reject(why);
      }
      if (event.type !== 'job:queued') return;
      queuedAt.set(event.path, performance.now());
      waiters.get(event.path)?.resolve();
    },
  );
  const results: Record<string, { medianMs: number; maxMs: number }> = {};
  try {
    for (const [label, size] of [
      ['1 KiB', KiB],
      ['64 MiB', 64 * MiB],
    ] as const) {
      const overSettle: number[] = [];
      for (let round = 0; round < latencyRounds; round += 1) {
        const file = path.join(folder, `t${label.replace(' ', '')}${round}.bin`);
        const queued = new Promise<void>((resolve, reject) =>
          waiters.set(file, { resolve, reject }),
        );
        const lastWrite = await writeSlowly(file, size);
        await queued;
        overSettle.push(queuedAt.get(file)! - lastWrite - settleMs);
      }
      results[label] = {
        medianMs: Math.round(median(overSettle)),
        maxMs: Math.round(Math.max(...overSettle)),
      };
    }
  } finally {
    await running.stop();
  }
  return results;
}

/**
 * The scan, in a fresh plain-Node process (no tsx) so that its RSS is the built agent's
 * alone. Prints one JSON line. Run from a file, not `--eval`: a worker thread inherits the
 * process's `--input-type`, which Node refuses outside `--eval`, so the hash worker failed
 * and no file was ever queued.
 */
const SCAN_CHILD = `
import { readFile } from 'node:fs/promises';
const [folder, dataDir, serverUrl, versionPrn, settle, files, reconcile, dist] = process.argv.slice(2);
const service = await import(dist + '/service/index.js');
const watch = await import(dist + '/watch/index.js');
const total = Number(files);
let queued = 0;
let seen = 0;
let ignored = 0;
const started = performance.now();
const engine = new service.UploadEngine({
  dataDir, connection: { baseUrl: serverUrl, apiKey: '${KEY}' }, workspace: 'bench',
  resolveSigner: async () => { throw new Error('the benchmark runs no queue, so it signs nothing'); },
});
const agent = new watch.WatchAgent({
  engine, dataDir,
  rules: watch.parseWatchRules({ rules: [{ name: 'tree', folder, artifactVersionPrn: versionPrn,
    target: { fromPath: '(?<target>f[0-9]+)' }, settleMs: Number(settle) }] }),
  onEvent: (event) => {
    if (event.type === 'file:seen') seen += 1;
    if (event.type === 'job:queued') queued += 1;
    if (event.type === 'file:ignored' || event.type === 'file:conflict') ignored += 1;
  },
});
await agent.start();
const scanMs = performance.now() - started;
const rssAfterScan = process.memoryUsage().rss;
let peakRss = rssAfterScan;
let reconcileMs = null;
if (reconcile === '1') {
  // Files not queued count too: the bench ends (and says so) rather than wait forever.
  while (queued + ignored < total) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  reconcileMs = performance.now() - started;
}
await agent.stop();
await engine.close();
const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
const hwm = Number(/VmHWM:\\s+(\\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
const MiB = 1024 * 1024;
console.log(JSON.stringify({
  files: total, seen, notQueued: ignored, initialScanMs: Math.round(scanMs), rssAfterScanMiB: Math.round(rssAfterScan / MiB),
  reconcileMs: reconcileMs === null ? null : Math.round(reconcileMs),
  peakRssMiB: Math.round(Math.max(peakRss, hwm) / MiB),
}));
`;

async function scan(dir: string, serverUrl: string, versionPrn: string) {
  const folder = path.join(dir, 'tree');
  // 100 folders of up to 500 small files, as a build tree might hold them.
  for (let at = 0; at < treeFiles; at += 500) {
    const sub = path.join(folder, `d${String(at / 500).padStart(3, '0')}`);
    await mkdir(sub, { recursive: true });
    const names = Array.from({ length: Math.min(500, treeFiles - at) }, (_, i) => at + i);
    await Promise.all(
      names.map((n) => writeFile(path.join(sub, `f${n}.bin`), `content of file ${n}\n`)),
    );
  }
  // Old enough to be settled: the scan takes them at once.
  await sleep(settleMs);
  const script = path.join(dir, 'scan-child.mjs');
  await writeFile(script, SCAN_CHILD);
  const child = spawn(
    process.execPath,
    [
      script,
      folder,
      path.join(dir, 'desk-scan'),
      serverUrl,
      versionPrn,
      String(settleMs),
      String(treeFiles),
      reconcile ? '1' : '0',
      path.join(REPO_ROOT, 'dist/src-main'),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the scan process exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

async function main() {
  const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? tmpdir(), 'watch-bench-'));
  const server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  const api = new PeridioClient({ baseUrl: server.url, apiKey: KEY });
  try {
    const artifact = await api.artifacts.create({ name: 'watch-bench' });
    const version = await api.artifactVersions.create({ artifact_prn: artifact.prn, version: '1' });
    const latencyResult = await latency(dir, server.url, version.prn);
    const scanResult = treeFiles > 0 ? await scan(dir, server.url, version.prn) : null;
    console.log(
      JSON.stringify(
        {
          settleMs,
          lastWriteToQueuedOverSettle: latencyResult,
          latencyGoalMs: 300,
          scan: scanResult,
          scanRssGoalMiB: 150,
        },
        null,
        2,
      ),
    );
  } finally {
    api.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
