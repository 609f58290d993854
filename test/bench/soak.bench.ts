// npm run bench:soak — the build-machine agent over a long run (issue 16): the built CLI's
// `peridio-desk watch --json` against the built `peridio-desk local serve --faults ...` (its
// own process), a steady stream of small unique files into the watched folder, and the server
// killed for a few seconds every minute (restarted on the same port and data).
// Prints the agent's RSS (VmRSS, sampled every 10 s) each minute, then the least-squares slope
// of RSS over the second half, the agent's data folder (its size, what holds it, the queue's
// jobs and cached hashes) at minute 5 and at the end, files written and signed binaries on
// the server. Fails (exit 1) if a file is lost (no signed binary) or doubled (two binaries
// for one file).
// Knobs: BENCH_SOAK_MINUTES (default 30), BENCH_SOAK_FILES_PER_S (default 2),
// BENCH_SOAK_FILE_KIB (default 64), BENCH_SOAK_OUTAGE_S (default 5),
// BENCH_SOAK_FAULTS (default part500=0.05), BENCH_DIR (where files go), and
// `--heap-snapshots` or BENCH_SOAK_HEAP=1: the agent writes a .heapsnapshot on SIGUSR2, sent
// at minute 2 and at the end; they are kept in a folder the bench prints (compare them with
// test/bench/heap-diff.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openSqlite } from '../../src-main/sqlite/index.js';
import {
  REPO_ROOT,
  apiFor,
  binariesOf,
  createArtifactVersion,
  spawnServer,
  type Json,
  type Launcher,
  type SpawnedServer,
} from '../integration/local-peridio/helpers.js';
import { checkSignedOnce, registerSigningKey } from './scripted-loop.js';

const KEY = 'soak-key';
const MiB = 1024 * 1024;
const CLI = path.join(REPO_ROOT, 'dist/cli/bin.cjs');
const minutes = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const filesPerSecond = Number(process.env.BENCH_SOAK_FILES_PER_S ?? 2);
const fileBytes = Number(process.env.BENCH_SOAK_FILE_KIB ?? 64) * 1024;
const outageMs = Number(process.env.BENCH_SOAK_OUTAGE_S ?? 5) * 1000;
const faults = process.env.BENCH_SOAK_FAULTS ?? 'part500=0.05';
const heapSnapshots =
  process.argv.includes('--heap-snapshots') || process.env.BENCH_SOAK_HEAP === '1';
const SAMPLE_MS = 10_000;
/** After the last file: how long the queue may take to sign what is left. */
const DRAIN_MS = 5 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The built CLI's `local serve`, not the sources through tsx: the bench measures the build. */
const builtServer: Launcher = (command, args, options) =>
  spawn(command, [CLI, ...args.slice(args.indexOf('local'))], options);

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

/** The agent's data folder: its size, what holds it, and the rows its queue keeps (the
 * retention keeps the last 1,000 finished jobs, the hash cache one hash per file up to
 * 10,000), so that a growth can be told from the retained rows. */
function dataFolder(dir: string) {
  const du = (sub: string) =>
    Number(
      spawnSync('du', ['-sb', path.join(dir, sub)], { encoding: 'utf8' }).stdout.split('\t')[0],
    );
  const queue = openSqlite(path.join(dir, 'queue.sqlite'), { readonly: true });
  try {
    const count = (table: string) =>
      queue.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return {
      bytes: du('.'),
      queue_bytes: ['queue.sqlite', 'queue.sqlite-wal'].reduce((sum, f) => sum + du(f), 0),
      log_bytes: du('logs'),
      spool_bytes: du('spool'),
      jobs: count('jobs'),
      cached_hashes: count('file_hashes'),
    };
  } finally {
    queue.close();
  }
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxy / sxx;
}

/** A .heapsnapshot is written synchronously but can take seconds: wait for a new, still file. */
async function snapshotAfterSignal(agent: ChildProcess, dir: string): Promise<string> {
  const before = new Set(await readdir(dir));
  agent.kill('SIGUSR2');
  for (let waited = 0; waited < 5 * 60_000; waited += 1000) {
    await sleep(1000);
    const fresh = (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (fresh === undefined) continue;
    const file = path.join(dir, fresh);
    const size = (await stat(file)).size;
    await sleep(2000);
    if ((await stat(file)).size === size && size > 0) return file;
  }
  throw new Error(`no heap snapshot appeared in ${dir}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? tmpdir(), 'soak-bench-'));
  const snapshotDir = heapSnapshots ? await mkdtemp(path.join(tmpdir(), 'soak-heap-')) : null;
  const serverDir = path.join(dir, 'server');
  const serverArgs = ['--data-dir', serverDir, '--api-key', KEY, '--faults', faults];
  let server: SpawnedServer = await spawnServer(serverArgs, builtServer);
  const port = new URL(server.url).port;
  const api = apiFor(server.url, KEY);
  let agent: ChildProcess | null = null;
  const files: { target: string; hash: string }[] = [];
  try {
    const signingKey = await registerSigningKey(api, dir, 'soak');
    const versionPrn = await createArtifactVersion(api);
    const folder = path.join(dir, 'watched');
    const stage = path.join(dir, 'stage');
    const dataDir = path.join(dir, 'desk');
    await mkdir(folder);
    await mkdir(stage);
    const rulesFile = path.join(dir, 'rules.json');
    const rule = {
      name: 'soak',
      folder,
      artifactVersionPrn: versionPrn,
      target: { fromPath: '^(?<target>f\\d+)\\.bin$' },
      signingKey: { privateKeyPath: signingKey.pem, signingKeyPrn: signingKey.prn },
    };
    await writeFile(rulesFile, JSON.stringify({ rules: [rule] }));

    const nodeArgs = snapshotDir
      ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`]
      : [];
    const child = spawn(
      process.execPath,
      [...nodeArgs, CLI, 'watch', '--config', rulesFile, '--json'],
      {
        env: {
          ...process.env,
          PERIDIO_BASE_URL: server.url,
          PERIDIO_API_KEY: KEY,
          PERIDIO_DESK_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    agent = child;
    let stderr = '';
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)),
    );
    const counts: Record<string, number> = {};
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Json;
      try {
        line = JSON.parse(text);
      } catch {
        return;
      }
      const key = line.event === 'job:done' ? `job:done:${line.state}` : String(line.event);
      counts[key] = (counts[key] ?? 0) + 1;
      if (line.event === 'watch:ready') ready();
    });
    let agentExited = false;
    child.on('exit', () => (agentExited = true));
    await isReady;

    const started = performance.now();
    const endAt = started + minutes * 60_000;
    const elapsedMin = () => (performance.now() - started) / 60_000;
    const rss: { x: number; y: number }[] = [];
    let dataAt5: ReturnType<typeof dataFolder> | null = null;
    const snapshots: string[] = [];

    // The writer: one file every 1/filesPerSecond s, written beside the folder and renamed in.
    const writing = (async () => {
      const every = 1000 / filesPerSecond;
      for (let i = 0; performance.now() < endAt && !agentExited; i += 1) {
        const target = `f${String(i).padStart(6, '0')}`;
        const data = randomBytes(fileBytes);
        const staged = path.join(stage, `${target}.bin`);
        await writeFile(staged, data);
        await rename(staged, path.join(folder, `${target}.bin`));
        files.push({ target, hash: createHash('sha256').update(data).digest('hex') });
        const next = started + (i + 1) * every;
        await sleep(Math.max(0, next - performance.now()));
      }
    })();

    // The outages: at the middle of each minute, the server is gone for outageMs.
    const outages = (async () => {
      for (let minute = 0; ; minute += 1) {
        const at = started + minute * 60_000 + 30_000;
        if (at + outageMs > endAt) return;
        await sleep(at - performance.now());
        server.child.kill('SIGKILL');
        await server.exited;
        await sleep(outageMs);
        server = await spawnServer([...serverArgs, '--port', port], builtServer);
      }
    })();

    // The samples, and one line a minute.
    let snapshotTaken = false;
    for (let tick = 1; performance.now() < endAt; tick += 1) {
      await sleep(Math.max(0, started + tick * SAMPLE_MS - performance.now()));
      if (agentExited) throw new Error(`the watch agent exited early: ${stderr}`);
      rss.push({ x: elapsedMin(), y: (await rssBytes(child.pid!)) / MiB });
      if (tick % 6 === 0) {
        const minute = tick / 6;
        console.error(
          `minute ${minute}: RSS ${rss.at(-1)!.y.toFixed(1)} MiB, ${files.length} files, ` +
            `${counts['job:done:signed'] ?? 0} signed, ${counts['job:failed'] ?? 0} failed`,
        );
        if (minute === 5) dataAt5 = dataFolder(dataDir);
        if (minute === 2 && snapshotDir && !snapshotTaken) {
          snapshotTaken = true;
          snapshots.push(await snapshotAfterSignal(child, snapshotDir));
        }
      }
    }
    await writing;
    await outages;

    // Let the queue sign what is left before counting.
    const drainUntil = performance.now() + DRAIN_MS;
    while ((counts['job:done:signed'] ?? 0) < files.length && performance.now() < drainUntil) {
      await sleep(1000);
    }
    const rssEnd = (await rssBytes(child.pid!)) / MiB;
    if (snapshotDir) snapshots.push(await snapshotAfterSignal(child, snapshotDir));
    const dataAtEnd = dataFolder(dataDir);
    child.kill('SIGTERM');
    await new Promise((resolve) => (agentExited ? resolve(null) : child.once('exit', resolve)));

    const secondHalf = rss.filter((p) => p.x >= minutes / 2);
    const summary = {
      bench: 'soak',
      minutes,
      faults,
      outage_s: outageMs / 1000,
      rss_mib_per_minute: rss.filter((_, i) => (i + 1) % 6 === 0).map((p) => Math.round(p.y)),
      rss_end_mib: Math.round(rssEnd),
      rss_slope_second_half_mib_per_min: Number(slope(secondHalf).toFixed(3)),
      data_dir_at_5_min: dataAt5,
      data_dir_at_end: dataAtEnd,
      files_written: files.length,
      events: counts,
      heap_snapshots: snapshotDir ? { dir: snapshotDir, files: snapshots } : null,
    };
    const signed = (await binariesOf(api, versionPrn)).filter((b) => b.state === 'signed').length;
    let problem: string | null = null;
    try {
      await checkSignedOnce(api, versionPrn, files, signingKey.prn, 'the soak');
    } catch (error) {
      problem = (error as Error).message;
    }
    console.log(JSON.stringify({ ...summary, signed_binaries: signed }, null, 2));
    if (problem !== null) {
      console.error(problem.split('\n').slice(0, 40).join('\n'));
      process.exitCode = 1;
    }
  } finally {
    if (agent && agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
