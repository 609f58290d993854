// npm run bench:upload — the time to `signed` of one big file with `peridio-desk upload` (a
// signing key, a new target) against the careful scripted user (test/bench/scripted-loop.ts:
// `openssl dgst -sha256`, create, one `curl -T` of the whole file as one part, `hashable`,
// `hashing`, a look every 100 ms, sign), on the same local server in one run: the headline
// ratio. Besides, the engine in this process (to `signable`): its transfer against the
// loop's (hash and PUT), the main-thread event-loop delay during the upload, and CPU time up
// to the end of the upload for the uploader and the server; the peak RSS of the
// `peridio-desk upload` process for a large file, and what is sent again after a kill -9 at
// about 50 %. The engine sends a new binary's parts in the read that hashes the file; its
// separate hash pass (for a resume or a target that already has a binary) is timed on its
// own against openssl.
// Sizes: BENCH_SIZE_MIB (default 1024) and BENCH_RSS_SIZE_MIB (default 4096, 0 to skip);
// BENCH_CONCURRENCY (parts in flight for the engine in this process; its default when unset),
// BENCH_ROUNDS (default 5) alternating the loop and the engine's runs, medians reported, with
// the disk's dirty pages flushed before each run so that one run's writeback does not slow
// the next.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PeridioClient } from '../../src-main/peridio/index.js';
import type * as ServiceModule from '../../src-main/service/index.js';
import type * as UploadModule from '../../src-main/upload/index.js';
import {
  REPO_ROOT,
  apiFor,
  createArtifactVersion,
  spawnServer,
  type Api,
  type SpawnedServer,
} from '../integration/local-peridio/helpers.js';
import {
  checkSignedOnce,
  registerSigningKey,
  runScriptedLoop,
  type SigningKey,
} from './scripted-loop.js';

const MiB = 1024 * 1024;
const KEY = 'bench-key';
const size = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MiB;
const rssSize = Number(process.env.BENCH_RSS_SIZE_MIB ?? 4096) * MiB;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const partConcurrency = process.env.BENCH_CONCURRENCY
  ? Number(process.env.BENCH_CONCURRENCY)
  : undefined;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const CLI = path.join(REPO_ROOT, 'dist/cli/bin.cjs');

/** Writes `bytes` of random content; answers its SHA-256 (hex), for checking the results. */
async function makeFile(file: string, bytes: number): Promise<string> {
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  const block = Buffer.alloc(8 * MiB);
  for (let written = 0; written < bytes; written += block.length) {
    randomFillSync(block);
    const chunk = Buffer.from(block.subarray(0, Math.min(block.length, bytes - written)));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/** CPU milliseconds (user + system) the server process has used so far. */
function serverCpuMs(server: SpawnedServer): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** The scripted loop to `signed`, with its marks: hashed, and the bytes sent. */
async function reference(
  server: SpawnedServer,
  file: string,
  versionPrn: string,
  signingKey: SigningKey,
  workDir: string,
) {
  const serverCpuBefore = serverCpuMs(server);
  let serverCpuAtUpload = 0;
  const loop = await runScriptedLoop({
    serverUrl: server.url,
    apiKey: KEY,
    artifactVersionPrn: versionPrn,
    signingKey,
    files: [{ path: file, target: 'reference' }],
    workDir,
    onStep: (step) => {
      if (step.step === 'uploaded') serverCpuAtUpload = serverCpuMs(server) - serverCpuBefore;
    },
  });
  const at = (step: string) => loop.steps.find((s) => s.step === step)!.atMs;
  return {
    signedMs: loop.totalMs,
    hashMs: at('hashed'),
    uploadedMs: at('uploaded'),
    serverCpuMs: serverCpuAtUpload,
    binaryPrn: loop.binaries.get('reference')!,
  };
}

/** `peridio-desk upload` (the build) with a signing key and a new target, timed to its exit. */
async function cliToSigned(
  server: SpawnedServer,
  dataDir: string,
  file: string,
  versionPrn: string,
  signingKey: SigningKey,
) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...[CLI, 'upload', file, '--artifact-version', versionPrn, '--target', 'cli', '--json'],
      ...['--signing-key-private', signingKey.pem, '--signing-key-prn', signingKey.prn],
    ],
    { env: cliEnv(server, dataDir), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const signedMs = performance.now() - started;
  const last = JSON.parse(stdout.trim().split('\n').at(-1) || 'null');
  if (code !== 0 || last?.event !== 'done' || last.state !== 'signed') {
    throw new Error(`peridio-desk upload exited ${code}: ${JSON.stringify(last)}`);
  }
  return { signedMs, binaryPrn: last.binary_prn as string };
}

/**
 * The loop and the CLI to `signed`, side by side on a new artifact version; both results are
 * checked on the server, then destroyed to free its disk for the next round.
 */
async function toSigned(
  server: SpawnedServer,
  api: Api,
  client: PeridioClient,
  file: string,
  hash: string,
  signingKey: SigningKey,
  dir: string,
) {
  const versionPrn = await createArtifactVersion(api);
  execFileSync('sync');
  const ref = await reference(server, file, versionPrn, signingKey, dir);
  execFileSync('sync');
  const cli = await cliToSigned(server, path.join(dir, 'desk-cli'), file, versionPrn, signingKey);
  const expected = ['reference', 'cli'].map((target) => ({ target, hash }));
  await checkSignedOnce(api, versionPrn, expected, signingKey.prn, 'bench:upload');
  for (const prn of [ref.binaryPrn, cli.binaryPrn]) await client.binaries.destroy(prn);
  return { ref, cliSignedMs: cli.signedMs };
}

type Service = typeof ServiceModule;

/**
 * The engine in this process, so that its main thread's event loop can be watched; loaded
 * from the build, as the CLI and the desktop app run it.
 */
async function engineRun(
  dataDir: string,
  server: SpawnedServer,
  file: string,
  versionPrn: string,
  target: string,
) {
  const marks: Record<string, number> = {};
  let progressEvents = 0;
  let cpuAtUpload: { engine: NodeJS.CpuUsage; server: number } | undefined;
  const serviceUrl = pathToFileURL(path.join(REPO_ROOT, 'dist/src-main/service/index.js')).href;
  const { UploadEngine } = (await import(serviceUrl)) as Service;
  const engine = new UploadEngine({
    dataDir,
    connection: { baseUrl: server.url, apiKey: KEY },
    workspace: 'bench',
    ...(partConcurrency === undefined ? {} : { partConcurrency }),
    resolveSigner: async () => {
      throw new Error('no signing in the benchmark');
    },
    signingKeyPrn: () => undefined,
    onEvent: (event) => {
      if (event.type === 'job:progress') progressEvents += 1;
      if (event.type === 'job:step') marks[event.step] ??= performance.now();
      if (event.type === 'job:step' && event.step === 'completing') {
        cpuAtUpload ??= { engine: process.cpuUsage(engineCpuBefore), server: serverCpuMs(server) };
      }
    },
  });
  // Sampled every 1 ms; each sample includes that 1 ms.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  const engineCpuBefore = process.cpuUsage();
  const serverCpuBefore = serverCpuMs(server);
  loop.enable();
  const job = await engine.enqueue({
    path: file,
    artifactVersionPrn: versionPrn,
    target,
  });
  await engine.run({ onlyJobIds: [job.id] });
  const ended = performance.now();
  loop.disable();
  const final = engine.store.get(job.id);
  if (final.binaryPrn) await engine.client.binaries.reset(final.binaryPrn);
  await engine.close();
  if (final.status !== 'done')
    throw new Error(`the job ended ${final.status}: ${final.error?.message}`);
  const uploadedMs = marks.completing! - started;
  const { engine: engineCpu, server: serverCpuAtUpload } = cpuAtUpload!;
  return {
    uploadedMs,
    engineCpuMs: (engineCpu.user + engineCpu.system) / 1000,
    serverCpuMs: serverCpuAtUpload - serverCpuBefore,
    signableMs: ended - started,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    progressPerSecond: progressEvents / ((ended - started) / 1000),
  };
}

/** The engine's separate hash pass (whole file and every part in one read), timed. */
async function hashPass(file: string): Promise<number> {
  const uploadUrl = pathToFileURL(path.join(REPO_ROOT, 'dist/src-main/upload/index.js')).href;
  const { UploadWorker } = (await import(uploadUrl)) as typeof UploadModule;
  const worker = UploadWorker.start({ name: 'bench hash' });
  try {
    const started = performance.now();
    await worker.hash(file);
    return performance.now() - started;
  } finally {
    await worker.terminate();
  }
}

function cliEnv(server: SpawnedServer, dataDir: string) {
  return {
    ...process.env,
    PERIDIO_BASE_URL: server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_DESK_DATA_DIR: dataDir,
  };
}

/** Peak RSS (VmHWM) of a `peridio-desk upload` process, worker thread included. */
async function peakRssOfCli(
  server: SpawnedServer,
  dataDir: string,
  file: string,
  versionPrn: string,
) {
  const child = spawn(
    process.execPath,
    [CLI, 'upload', file, '--artifact-version', versionPrn, '--target', 'rss', '--json'],
    {
      env: cliEnv(server, dataDir),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let peakKiB = 0;
  const timer = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8')
      .then((status) => {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      })
      .catch(() => undefined);
  }, 50);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  if (code !== 0) throw new Error(`peridio-desk upload exited ${code}`);
  return peakKiB / 1024;
}

/** Kills `peridio-desk upload` at about 50 %, resumes with `queue run`, and counts re-sent bytes. */
async function resentAfterKill(
  server: SpawnedServer,
  dataDir: string,
  accessLog: string,
  file: string,
  versionPrn: string,
) {
  const bytes = (await stat(file)).size;
  const logLinesBefore = (await readFile(accessLog, 'utf8')).trim().split('\n').length;
  const upload = spawn(
    process.execPath,
    [CLI, 'upload', file, '--artifact-version', versionPrn, '--target', 'killed', '--json'],
    {
      env: cliEnv(server, dataDir),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let buffered = '';
  await new Promise<void>((resolve) =>
    upload.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line);
        if (
          event.event === 'job:progress' &&
          event.phase === 'uploading' &&
          event.bytes_done >= bytes / 2
        )
          resolve();
      }
    }),
  );
  upload.kill('SIGKILL');
  await once(upload, 'exit');
  const logLinesAtKill = (await readFile(accessLog, 'utf8')).trim().split('\n').length;
  const resume = spawn(process.execPath, [CLI, 'queue', 'run', '--json'], {
    env: cliEnv(server, dataDir),
    stdio: 'ignore',
  });
  const [code] = (await once(resume, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`queue run exited ${code}`);
  // Parts are declared (PUT /binaries/{prn}/parts/{index}) before their bytes are sent: a
  // part declared both before and after the kill was sent again, in full or in part.
  const lines = (await readFile(accessLog, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { method: string; path: string });
  const declared = (from: number, to: number) =>
    new Set(
      lines
        .slice(from, to)
        .filter((l) => l.method === 'PUT' && /^\/binaries\/[^/]+\/parts\/\d+$/.test(l.path))
        .map((l) => l.path),
    );
  const before = declared(logLinesBefore, logLinesAtKill);
  const after = declared(logLinesAtKill, lines.length);
  const partSize = Math.max(8 * MiB, Math.ceil(bytes / 10_000 / MiB) * MiB);
  const again = [...after].filter((part) => before.has(part)).length;
  return {
    partsSentAgain: again,
    resentAtMostMiB: (again * partSize) / MiB,
    partsInAll: Math.ceil(bytes / partSize),
  };
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? tmpdir(), 'upload-bench-'));
  const accessLog = path.join(dir, 'access.log');
  const server = await spawnServer([
    '--data-dir',
    path.join(dir, 'server'),
    '--api-key',
    KEY,
    '--access-log',
    accessLog,
  ]);
  const client = new PeridioClient({ baseUrl: server.url, apiKey: KEY });
  const api = apiFor(server.url, KEY);
  try {
    const signingKey = await registerSigningKey(api, dir, 'bench');
    const artifact = await client.artifacts.create({ name: 'bench' });
    const version = await client.artifactVersions.create({
      artifact_prn: artifact.prn,
      version: '1',
    });
    const file = path.join(dir, 'bench.img');
    const hash = await makeFile(file, size);
    const signed: Awaited<ReturnType<typeof toSigned>>[] = [];
    const runs: Awaited<ReturnType<typeof engineRun>>[] = [];
    const hashes: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const roundDir = path.join(dir, `round-${round}`);
      await mkdir(roundDir);
      signed.push(await toSigned(server, api, client, file, hash, signingKey, roundDir));
      execFileSync('sync');
      // A fresh queue each round, so that no run finds the file's hashes already known.
      runs.push(
        await engineRun(
          path.join(dir, `desk-${round}`),
          server,
          file,
          version.prn,
          `engine-${round}`,
        ),
      );
      hashes.push(await hashPass(file));
    }
    await rm(file);
    const ref = {
      signedMs: median(signed.map((r) => r.ref.signedMs)),
      uploadedMs: median(signed.map((r) => r.ref.uploadedMs)),
      hashMs: median(signed.map((r) => r.ref.hashMs)),
      serverCpuMs: median(signed.map((r) => r.ref.serverCpuMs)),
    };
    const ours = {
      signedMs: median(signed.map((r) => r.cliSignedMs)),
      hashPassMs: median(hashes),
      uploadedMs: median(runs.map((r) => r.uploadedMs)),
      engineCpuMs: median(runs.map((r) => r.engineCpuMs)),
      serverCpuMs: median(runs.map((r) => r.serverCpuMs)),
      signableMs: median(runs.map((r) => r.signableMs)),
      loopDelayP99Ms: Math.max(...runs.map((r) => r.loopDelayP99Ms)),
      loopDelayMaxMs: Math.max(...runs.map((r) => r.loopDelayMaxMs)),
      progressPerSecond: Math.max(...runs.map((r) => r.progressPerSecond)),
    };
    const ratios = signed.map((r) => r.cliSignedMs / r.ref.signedMs);
    const transferRatios = runs.map((r, i) => r.uploadedMs / signed[i]!.ref.uploadedMs);
    const killFile = path.join(dir, 'kill.img');
    await makeFile(killFile, size);
    execFileSync('sync');
    const resent = await resentAfterKill(
      server,
      path.join(dir, 'desk-kill'),
      accessLog,
      killFile,
      version.prn,
    );
    await rm(killFile);
    let peakRssMiB: number | null = null;
    if (rssSize > 0) {
      const big = path.join(dir, 'big.img');
      await makeFile(big, rssSize);
      execFileSync('sync');
      peakRssMiB = await peakRssOfCli(server, path.join(dir, 'desk-rss'), big, version.prn);
      await rm(big);
    }
    const round = (n: number, digits = 0) => Number(n.toFixed(digits));
    // Each round's ratio is of two runs side by side; the headline is their median.
    const ratio = round(median(ratios), 2);
    console.log(
      JSON.stringify(
        {
          file_mib: size / MiB,
          rounds,
          reference_to_signed_ms: round(ref.signedMs),
          engine_to_signed_ms: round(ours.signedMs),
          ratio,
          ratio_per_round: ratios.map((r) => round(r, 2)),
          reference_hash_ms: round(ref.hashMs),
          reference_uploaded_ms: round(ref.uploadedMs),
          engine_uploaded_ms: round(ours.uploadedMs),
          transfer_ratio: round(median(transferRatios), 2),
          transfer_ratio_per_round: transferRatios.map((r) => round(r, 2)),
          engine_hash_pass_ms: round(ours.hashPassMs),
          cpu_ms_reference_server: round(ref.serverCpuMs),
          cpu_ms_engine_uploader: round(ours.engineCpuMs),
          cpu_ms_engine_server: round(ours.serverCpuMs),
          engine_to_signable_ms: round(ours.signableMs),
          event_loop_delay_p99_ms: round(ours.loopDelayP99Ms, 1),
          event_loop_delay_max_ms: round(ours.loopDelayMaxMs, 1),
          progress_events_per_second: round(ours.progressPerSecond, 1),
          parts_sent_again_after_kill_at_50pct: `${resent.partsSentAgain} of ${resent.partsInAll}`,
          bytes_sent_again_at_most_mib: resent.resentAtMostMiB,
          rss_file_mib: rssSize / MiB,
          cli_peak_rss_mib: peakRssMiB === null ? null : round(peakRssMiB),
        },
        null,
        2,
      ),
    );
    const goal = (met: boolean) => (met ? 'met' : 'missed');
    const partMiB = resent.partsInAll > 0 ? Math.ceil(size / resent.partsInAll / MiB) : 0;
    console.log(
      [
        `to signed, peridio-desk upload / scripted loop: ${ratio} (goal <= 0.85: ${goal(ratio <= 0.85)})`,
        `event-loop delay p99: ${round(ours.loopDelayP99Ms, 1)} ms (goal < 20: ${goal(ours.loopDelayP99Ms < 20)})`,
        `re-sent after kill -9: at most ${resent.resentAtMostMiB} MiB (goal <= 4 parts, ${4 * partMiB} MiB: ${goal(resent.resentAtMostMiB <= 4 * partMiB)})`,
        ...(peakRssMiB === null
          ? []
          : [`peak RSS: ${round(peakRssMiB)} MiB (goal < 200: ${goal(peakRssMiB < 200)})`]),
      ].join('\n'),
    );
  } finally {
    client.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
