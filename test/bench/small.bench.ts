// npm run bench:small — the fixed cost per file, as the user waits for it: time to `signed`
// for many small files, against the careful scripted user (test/bench/scripted-loop.ts) on
// the same spawned local server, side by side in each round:
//   a. the scripted loop over the files, one after the other;
//   b. `peridio-desk upload` (the build) once per file, foreground, to signed (ratio b/a),
//      a and b taken in turns of BENCH_TURN_FILES files (see loopAndUploadInTurns);
//   c. the watch agent (`peridio-desk watch`), the files dropped into its folder at once
//      (written beside it, then renamed in), until every binary is signed, minus the rule's
//      settle time (ratio c/a);
// and the cold start of `peridio-desk --help` against a bare `node -e 0`.
// Every file must become exactly one signed binary with its hash: a lost or doubled binary,
// or any error, fails the benchmark (a missed goal does not; it is reported).
// Knobs: BENCH_ROUNDS (default 3), BENCH_FILES (default 40), BENCH_FILE_MIB (default 1),
// BENCH_SETTLE_MS (the rule's settle time, default 2000 as in a rule that names none),
// BENCH_WATCH_JOBS (passed as `watch --jobs` when set; the agent's own choice otherwise),
// BENCH_START_RUNS (cold starts of each kind, default 10), BENCH_TURN_FILES (default 5),
// BENCH_LATENCY_MS (added by the server to every request, as a network's round trip would:
// default 0), BENCH_DIR (where files go).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  REPO_ROOT,
  apiFor,
  createArtifactVersion,
  spawnServer,
  type Api,
  type Json,
  type SpawnedServer,
} from '../integration/local-peridio/helpers.js';
import {
  checkSignedOnce,
  registerSigningKey,
  runScriptedLoop,
  type SigningKey,
} from './scripted-loop.js';

const KEY = 'bench-key';
const MiB = 1024 * 1024;
const CLI = path.join(REPO_ROOT, 'dist/cli/bin.cjs');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const fileCount = Number(process.env.BENCH_FILES ?? 40);
const fileBytes = Number(process.env.BENCH_FILE_MIB ?? 1) * MiB;
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 2000);
const watchJobs = process.env.BENCH_WATCH_JOBS;
const startRuns = Number(process.env.BENCH_START_RUNS ?? 10);
const turnFiles = Number(process.env.BENCH_TURN_FILES ?? 5);
/** Added to every request by the server (`--faults latencyMs`): a network's round trip. */
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 0);
/** Longer than any healthy run of one mode; a stuck one fails instead of hanging. */
const MODE_TIMEOUT_MS = 10 * 60_000;

const GOALS = { perFile: 1.0, watch: 0.25, coldStart: 2.5 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface BenchFile {
  path: string;
  target: string;
  hash: string;
}

interface Bench {
  dir: string;
  server: SpawnedServer;
  api: Api;
  signingKey: SigningKey;
}

/** Fresh random files (so no run finds another's content), named f00.bin ... by target. */
async function writeFiles(dir: string): Promise<BenchFile[]> {
  await mkdir(dir, { recursive: true });
  const files: BenchFile[] = [];
  for (let i = 0; i < fileCount; i += 1) {
    const target = `f${String(i).padStart(2, '0')}`;
    const data = randomBytes(fileBytes);
    const file = path.join(dir, `${target}.bin`);
    await writeFile(file, data);
    files.push({ path: file, target, hash: createHash('sha256').update(data).digest('hex') });
  }
  return files;
}

function cliEnv(bench: Bench, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PERIDIO_BASE_URL: bench.server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_DESK_DATA_DIR: dataDir,
  };
}

function signingArgs(bench: Bench): string[] {
  return ['--signing-key-private', bench.signingKey.pem, '--signing-key-prn', bench.signingKey.prn];
}

/** The scripted loop over `files`, one script run, timed from its start to its exit. */
async function scriptedLoop(
  bench: Bench,
  roundDir: string,
  files: BenchFile[],
  versionPrn: string,
): Promise<number> {
  const { totalMs } = await runScriptedLoop({
    serverUrl: bench.server.url,
    apiKey: KEY,
    artifactVersionPrn: versionPrn,
    signingKey: bench.signingKey,
    files,
    workDir: roundDir,
  });
  return totalMs;
}

/** `peridio-desk upload FILE ... --json` to its end; its JSON lines and exit status. */
async function cliUpload(bench: Bench, dataDir: string, args: string[]) {
  const child = spawn(process.execPath, [CLI, 'upload', ...args, '--json'], {
    env: cliEnv(bench, dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const last = JSON.parse(stdout.trim().split('\n').at(-1) || 'null') as Json;
  if (code !== 0 || last?.event !== 'done' || last.state !== 'signed') {
    throw new Error(
      `peridio-desk upload ${args[0]} exited ${code}: ${JSON.stringify(last)}\n${stderr}`,
    );
  }
}

/** `peridio-desk upload` once per file of `files`, one after the other, timed. */
async function uploadOncePerFile(
  bench: Bench,
  dataDir: string,
  files: BenchFile[],
  versionPrn: string,
): Promise<number> {
  const started = performance.now();
  for (const file of files) {
    await cliUpload(bench, dataDir, [
      file.path,
      ...['--artifact-version', versionPrn, '--target', file.target],
      ...signingArgs(bench),
    ]);
  }
  return performance.now() - started;
}

/**
 * The loop and `peridio-desk upload` over the same number of files, taken in turns of
 * `turnFiles` files each (the loop's turn first), each side's time summed: the machine's
 * speed drifts by a tenth from one ten seconds to the next here, and turns of a couple of
 * seconds put both sides in the same drift. The loop pays a bash start per turn (about 3 ms),
 * which its one script over all the files would not.
 */
async function loopAndUploadInTurns(
  bench: Bench,
  roundDir: string,
): Promise<{ loopMs: number; cliMs: number }> {
  const loopFiles = await writeFiles(path.join(roundDir, 'loop'));
  const cliFiles = await writeFiles(path.join(roundDir, 'cli'));
  const loopVersion = await createArtifactVersion(bench.api);
  const cliVersion = await createArtifactVersion(bench.api);
  const dataDir = path.join(roundDir, 'desk-cli');
  let loopMs = 0;
  let cliMs = 0;
  for (let from = 0; from < fileCount; from += turnFiles) {
    const turn = (files: BenchFile[]) => files.slice(from, from + turnFiles);
    loopMs += await scriptedLoop(bench, roundDir, turn(loopFiles), loopVersion);
    cliMs += await uploadOncePerFile(bench, dataDir, turn(cliFiles), cliVersion);
  }
  const { api, signingKey } = bench;
  await checkSignedOnce(api, loopVersion, loopFiles, signingKey.prn, 'the scripted loop');
  await checkSignedOnce(api, cliVersion, cliFiles, signingKey.prn, 'peridio-desk upload');
  return { loopMs, cliMs };
}

/** `peridio-desk watch --json` with its lines as they come. */
function startWatch(bench: Bench, dataDir: string, rulesFile: string) {
  const args = [CLI, 'watch', '--config', rulesFile, '--json'];
  if (watchJobs !== undefined) args.push('--jobs', watchJobs);
  const child = spawn(process.execPath, args, {
    env: cliEnv(bench, dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  // Lines wait here for the next `until`: leaving a `for await` would close the reader.
  const pending: Json[] = [];
  let wake = () => {};
  createInterface({ input: child.stdout }).on('line', (text) => {
    pending.push(JSON.parse(text));
    wake();
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    wake();
  });
  return {
    child,
    exited,
    stderr: () => stderr,
    /** Reads lines until `done` says so; throws on a line `bad` names, an exit or the timeout. */
    async until(done: (line: Json) => boolean, bad: (line: Json) => boolean, what: string) {
      const timeout = setTimeout(() => child.kill('SIGTERM'), MODE_TIMEOUT_MS);
      try {
        for (;;) {
          for (let line = pending.shift(); line !== undefined; line = pending.shift()) {
            if (bad(line)) throw new Error(`the watch agent: ${JSON.stringify(line)}\n${stderr}`);
            if (done(line)) return;
          }
          if (ended) throw new Error(`the watch agent ended before ${what}: ${stderr}`);
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        clearTimeout(timeout);
      }
    },
  };
}

async function watchAgent(bench: Bench, roundDir: string): Promise<number> {
  // Written beside the watched folder, on the same file system, and renamed in at once.
  const files = await writeFiles(path.join(roundDir, 'stage'));
  const folder = path.join(roundDir, 'watched');
  await mkdir(folder);
  const versionPrn = await createArtifactVersion(bench.api);
  const rulesFile = path.join(roundDir, 'rules.json');
  const rule = {
    name: 'bench',
    folder,
    artifactVersionPrn: versionPrn,
    target: { fromPath: '^(?<target>f\\d+)\\.bin$' },
    signingKey: { privateKeyPath: bench.signingKey.pem, signingKeyPrn: bench.signingKey.prn },
    settleMs,
  };
  await writeFile(rulesFile, JSON.stringify({ rules: [rule] }));
  const agent = startWatch(bench, path.join(roundDir, 'desk-watch'), rulesFile);
  try {
    await agent.until(
      (line) => line.event === 'watch:ready',
      (line) => line.event === 'rule:stopped',
      'watching',
    );
    const started = performance.now();
    await Promise.all(files.map((f) => rename(f.path, path.join(folder, path.basename(f.path)))));
    let signed = 0;
    await agent.until(
      (line) => line.event === 'job:done' && (signed += 1) === files.length,
      (line) =>
        ['job:failed', 'file:conflict', 'file:ignored'].includes(line.event) ||
        (line.event === 'job:done' && line.state !== 'signed'),
      `all ${files.length} signed`,
    );
    const ms = performance.now() - started - settleMs;
    agent.child.kill('SIGTERM');
    const [code] = await agent.exited;
    if (code !== 0) throw new Error(`the watch agent exited ${code}: ${agent.stderr()}`);
    await checkSignedOnce(bench.api, versionPrn, files, bench.signingKey.prn, 'the watch agent');
    return ms;
  } finally {
    if (agent.child.exitCode === null) {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  }
}

/** Median wall time of `peridio-desk --help` and of `node -e 0`, alternating, after one of each. */
function coldStarts(bench: Bench, dataDir: string): { helpMs: number; nodeMs: number } {
  const time = (args: string[]) => {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, {
      env: cliEnv(bench, dataDir),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ms = performance.now() - started;
    if (run.status !== 0)
      throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return ms;
  };
  const help = [CLI, '--help'];
  const bare = ['-e', '0'];
  time(help);
  time(bare);
  const helpMs: number[] = [];
  const nodeMs: number[] = [];
  for (let run = 0; run < startRuns; run += 1) {
    nodeMs.push(time(bare));
    helpMs.push(time(help));
  }
  return { helpMs: median(helpMs), nodeMs: median(nodeMs) };
}

function report(measured: {
  loop: number[];
  cli: number[];
  watch: number[];
  helpMs: number;
  nodeMs: number;
}): void {
  const loopMs = median(measured.loop);
  const cliMs = median(measured.cli);
  const watchMs = median(measured.watch);
  const ratio = (n: number, d: number) => Number((n / d).toFixed(2));
  // Each round's ratio is of two times taken side by side; the row's is their median.
  const perRound = (times: number[]) => times.map((ms, i) => ratio(ms, measured.loop[i]!));
  const rows = [
    {
      what: `${fileCount} × ${fileBytes / MiB} MiB, \`upload\` once per file, to signed`,
      measured: `${Math.round(cliMs)} ms vs loop ${Math.round(loopMs)} ms`,
      ratio: median(perRound(measured.cli)),
      goal: GOALS.perFile,
    },
    {
      what: `the same dropped into a watched folder, to all signed`,
      measured: `${Math.round(watchMs)} ms vs loop ${Math.round(loopMs)} ms`,
      ratio: median(perRound(measured.watch)),
      goal: GOALS.watch,
    },
    {
      what: '`peridio-desk --help`, cold',
      measured: `${Math.round(measured.helpMs)} ms vs node -e 0 ${Math.round(measured.nodeMs)} ms`,
      ratio: ratio(measured.helpMs, measured.nodeMs),
      goal: GOALS.coldStart,
    },
  ];
  const widths = [56, 34, 6, 7];
  const cells = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log(
    `\nbench:small: ${rounds} round(s), each ratio the median of the rounds' own; the watch agent's settle time (${settleMs} ms) excluded` +
      (latencyMs > 0 ? `; every request ${latencyMs} ms slower (BENCH_LATENCY_MS)` : ''),
  );
  console.log(cells(['what', 'measured (median)', 'ratio', 'goal', '']));
  for (const row of rows) {
    const met = row.ratio <= row.goal ? 'met' : 'missed';
    console.log(
      cells([
        row.what,
        row.measured,
        row.ratio.toFixed(2),
        `≤ ${row.goal.toFixed(row.goal < 1 ? 2 : 1)}`,
        met,
      ]),
    );
  }
  const met = rows.filter((row) => row.ratio <= row.goal).length;
  console.log(`goals met: ${met} of ${rows.length}\n`);
  console.log(
    JSON.stringify({
      bench: 'small',
      rounds,
      files: fileCount,
      file_mib: fileBytes / MiB,
      settle_ms: settleMs,
      latency_ms: latencyMs,
      loop_ms: Math.round(loopMs),
      upload_per_file_ms: Math.round(cliMs),
      upload_per_file_ratio: rows[0]!.ratio,
      watch_ms: Math.round(watchMs),
      watch_ratio: rows[1]!.ratio,
      help_ms: Math.round(measured.helpMs),
      node_ms: Math.round(measured.nodeMs),
      cold_start_ratio: rows[2]!.ratio,
      per_round: {
        loop_ms: measured.loop.map(Math.round),
        upload_ms: measured.cli.map(Math.round),
        watch_ms: measured.watch.map(Math.round),
        upload_per_file_ratio: perRound(measured.cli),
        watch_ratio: perRound(measured.watch),
      },
      goals: {
        upload_per_file_ratio: '<= 1.0',
        watch_ratio: '<= 0.25',
        cold_start_ratio: '<= 2.5',
      },
      goals_met: met,
      goals_in_all: rows.length,
    }),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? tmpdir(), 'small-bench-'));
  const server = await spawnServer([
    ...['--data-dir', path.join(dir, 'server'), '--api-key', KEY],
    ...(latencyMs > 0 ? ['--faults', `latencyMs=${latencyMs}`] : []),
  ]);
  const api = apiFor(server.url, KEY);
  try {
    const signingKey = await registerSigningKey(api, dir, 'bench');
    const bench: Bench = { dir, server, api, signingKey };
    const measured = { loop: [] as number[], cli: [] as number[], watch: [] as number[] };
    for (let round = 0; round < rounds; round += 1) {
      const roundDir = path.join(dir, `round-${round}`);
      await mkdir(roundDir);
      const { loopMs, cliMs } = await loopAndUploadInTurns(bench, roundDir);
      measured.loop.push(loopMs);
      measured.cli.push(cliMs);
      measured.watch.push(await watchAgent(bench, roundDir));
      console.error(
        `round ${round + 1}/${rounds}: loop ${Math.round(measured.loop.at(-1)!)} ms, ` +
          `upload per file ${Math.round(measured.cli.at(-1)!)} ms, ` +
          `watch ${Math.round(measured.watch.at(-1)!)} ms`,
      );
      await rm(roundDir, { recursive: true, force: true });
    }
    const starts = coldStarts(bench, path.join(dir, 'desk-help'));
    report({ ...measured, ...starts });
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
