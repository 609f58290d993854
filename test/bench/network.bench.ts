// npm run bench:network — the engine on a slow link, through a real proxy, as from an office.
// The local server and tinyproxy run in a network namespace (test/integration/network) whose
// veth is capped with `tc ... tbf`; `peridio-desk upload` (the build) goes through the proxy.
// Two runs: uncapped, where the engine should reach at least 90 % of the link's rate, and
// with `--max-rate` below the link's rate, where it should stay within 10 % of the cap. The
// rate is the file's bytes over the upload phase (from its first progress report to the step
// that completes the upload), as the person sees it. Needs root (namespaces, tc) and tinyproxy.
// Knobs: BENCH_LINK_RATE (tc's syntax, default 100mbit), BENCH_SIZE_MIB (default 256),
// BENCH_MAX_RATE (default 4MB/s).
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PeridioClient } from '../../src-main/peridio/index.js';
import { readProxyEnvironment } from '../../src-main/network/index.js';
import { REPO_ROOT } from '../integration/local-peridio/helpers.js';
import {
  serverBehindProxySkipReason,
  startServerBehindProxy,
  type ServerBehindProxy,
} from '../integration/network/server-behind-proxy.js';

const MiB = 1024 * 1024;
const CLI = path.join(REPO_ROOT, 'dist/cli/bin.cjs');
const linkRate = process.env.BENCH_LINK_RATE ?? '100mbit';
const size = Number(process.env.BENCH_SIZE_MIB ?? 256) * MiB;
const maxRate = process.env.BENCH_MAX_RATE ?? '4MB/s';

/** Bytes per second from tc's `100mbit`, `20mbps` (bytes), `800kbit`. */
function tcBytesPerSecond(rate: string): number {
  const match = /^(\d+(?:\.\d+)?)(k|m|g)?(bit|bps)$/i.exec(rate);
  if (!match) throw new Error(`BENCH_LINK_RATE "${rate}" is not tc's rate syntax, e.g. 100mbit`);
  const scale = { k: 1e3, m: 1e6, g: 1e9 }[(match[2] ?? '').toLowerCase() as 'k'] ?? 1;
  const perSecond = Number(match[1]) * scale;
  return match[3]!.toLowerCase() === 'bit' ? perSecond / 8 : perSecond;
}

/** Bytes per second from our `--max-rate` syntax, for the comparison (5MB/s, 40Mbit/s). */
function capBytesPerSecond(rate: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(k|M|G|Ki|Mi|Gi)?(B|bit)\/s$/.exec(rate);
  if (!match) throw new Error(`BENCH_MAX_RATE "${rate}" is not like 4MB/s or 30Mbit/s`);
  const units: Record<string, number> = {
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 1024,
    Mi: MiB,
    Gi: 1024 * MiB,
  };
  const perSecond = Number(match[1]) * (units[match[2] ?? ''] ?? 1);
  return match[3] === 'bit' ? perSecond / 8 : perSecond;
}

async function makeFile(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file);
  const block = Buffer.alloc(8 * MiB);
  for (let written = 0; written < bytes; written += block.length) {
    randomFillSync(block);
    if (!out.write(Buffer.from(block.subarray(0, Math.min(block.length, bytes - written))))) {
      await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

async function newVersion(h: ServerBehindProxy, env: Record<string, string>): Promise<string> {
  const client = new PeridioClient({
    baseUrl: h.serverUrl,
    apiKey: h.apiKey,
    proxy: { environment: readProxyEnvironment(env) },
  });
  try {
    const artifact = await client.artifacts.create({ name: `bench-${Date.now()}` });
    return (await client.artifactVersions.create({ artifact_prn: artifact.prn, version: '1.0.0' }))
      .prn;
  } finally {
    client.close();
  }
}

/** Uploads `file` with the CLI; answers the upload phase's rate in bytes per second. */
async function uploadRate(file: string, env: Record<string, string>, extra: string[]) {
  const child = spawn(
    process.execPath,
    [CLI, 'upload', file, '--target', 'x86_64-unknown-linux-gnu', '--json', ...extra],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let started: number | undefined;
  let sent: number | undefined;
  let last: Record<string, unknown> = {};
  for await (const text of createInterface({ input: child.stdout })) {
    const line = JSON.parse(text) as Record<string, unknown>;
    last = line;
    if (line.event === 'job:progress' && line.phase === 'uploading') started ??= performance.now();
    if (line.event === 'job:step' && line.step === 'completing') sent ??= performance.now();
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 || started === undefined || sent === undefined) {
    throw new Error(`the upload failed (${code}): ${JSON.stringify(last)}\n${stderr}`);
  }
  return size / ((sent - started) / 1000);
}

const skip = serverBehindProxySkipReason();
if (skip !== undefined) {
  console.error(`bench:network cannot run here: ${skip}`);
  process.exit(1);
}

const h = await startServerBehindProxy();
try {
  const env = {
    PERIDIO_BASE_URL: h.serverUrl,
    PERIDIO_API_KEY: h.apiKey,
    PERIDIO_DESK_DATA_DIR: path.join(h.dir, 'desk'),
    ...h.proxyEnvironment(),
  };
  const file = path.join(h.dir, 'bench.img');
  await makeFile(file, size);
  await h.network.limitRate(linkRate);
  const link = tcBytesPerSecond(linkRate);

  const versionA = await newVersion(h, env);
  const uncapped = await uploadRate(file, env, ['--artifact-version', versionA]);
  const versionB = await newVersion(h, env);
  const capped = await uploadRate(file, env, [
    '--artifact-version',
    versionB,
    '--max-rate',
    maxRate,
  ]);
  const cap = capBytesPerSecond(maxRate);

  const mb = (bytesPerSecond: number) => Math.round(bytesPerSecond / 1e4) / 100;
  const result = {
    measurement: 'network',
    fileMiB: size / MiB,
    through: 'tinyproxy (absolute-form http) in a network namespace',
    linkRate,
    linkMBps: mb(link),
    uncappedMBps: mb(uncapped),
    uncappedOfLink: Math.round((uncapped / link) * 1000) / 1000,
    maxRate,
    capMBps: mb(cap),
    cappedMBps: mb(capped),
    cappedOfCap: Math.round((capped / cap) * 1000) / 1000,
    goals: { uncappedOfLink: '>= 0.90', cappedOfCap: '0.90 .. 1.10' },
  };
  console.log(JSON.stringify(result));
  const ok = result.uncappedOfLink >= 0.9 && Math.abs(result.cappedOfCap - 1) <= 0.1;
  console.log(ok ? 'bench:network: goals met' : 'bench:network: a goal was missed');
  process.exitCode = ok ? 0 : 1;
} finally {
  await h.stop();
}
