// node --import tsx test/bench/server-hashing.bench.ts [REPO...] — the embedded server's time
// from `hashing` to `signable` for one binary (BENCH_SIZE_MIB, default 1024, in parts of
// BENCH_PART_MIB, default 8), uploaded from memory with 4 parts in flight to `local serve` run
// from each REPO (default this one), so that two checkouts can be compared on one machine in
// one run. BENCH_ROUNDS (default 3) alternate the repos; medians are reported, with the upload
// time (the running hash is fed during it) and how many parts the running hash covered.
// BENCH_RESTART=1 restarts the server between the upload and `hashing`: a full pass from disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, apiFor, type Api } from '../integration/local-peridio/helpers.js';

const MiB = 1024 * 1024;
const size = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MiB;
const partSize = Number(process.env.BENCH_PART_MIB ?? 8) * MiB;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const repos = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [REPO_ROOT];
const restart = process.env.BENCH_RESTART === '1';
const IN_FLIGHT = 4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Served {
  child: ChildProcess;
  api: Api;
  stderr: () => string;
}

async function serve(repo: string, dataDir: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/cli/bin.ts',
      'local',
      'serve',
      '--data-dir',
      dataDir,
      '--api-key',
      'bench-key',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', resolve),
  );
  const ready = JSON.parse(first) as { url: string };
  return { child, api: apiFor(ready.url, 'bench-key'), stderr: () => stderr };
}

async function call(api: Api, method: string, pathname: string, body?: unknown) {
  const response = await api(method, pathname, body);
  if (response.status >= 300)
    throw new Error(`${method} ${pathname}: ${JSON.stringify(response.body)}`);
  return response.body;
}

async function stop(server: Served): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

async function round(repo: string, data: Buffer, hash: string) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-server-hashing-'));
  let server = await serve(repo, dataDir);
  try {
    let { api } = server;
    const artifact = await call(api, 'POST', '/artifacts', { name: `a-${Date.now()}` });
    const version = await call(api, 'POST', '/artifact_versions', {
      artifact_prn: artifact.artifact.prn,
      version: '1.0.0',
    });
    const { binary } = await call(api, 'POST', '/binaries', {
      artifact_version_prn: version.artifact_version.prn,
      target: 'bench',
      hash,
      size: data.length,
    });
    const uploadStart = performance.now();
    let next = 0;
    const count = Math.ceil(data.length / partSize);
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) {
          const index = ++next;
          const bytes = data.subarray((index - 1) * partSize, index * partSize);
          const { binary_part: part } = await call(
            api,
            'PUT',
            `/binaries/${binary.prn}/parts/${index}`,
            {
              expected_binary_size: data.length,
              hash: createHash('sha256').update(bytes).digest('hex'),
              size: bytes.length,
            },
          );
          const put = await fetch(part.presigned_upload_url, {
            method: 'PUT',
            headers: {
              'x-amz-checksum-sha256': createHash('sha256').update(bytes).digest('base64'),
            },
            body: bytes,
          });
          if (put.status !== 200) throw new Error(`part ${index}: ${put.status}`);
        }
      }),
    );
    const uploadMs = performance.now() - uploadStart;
    if (restart) {
      await stop(server);
      server = await serve(repo, dataDir);
      api = server.api;
    }
    await call(api, 'PATCH', `/binaries/${binary.prn}`, { state: 'hashable' });
    await call(api, 'PATCH', `/binaries/${binary.prn}`, { state: 'hashing' });
    const hashingStart = performance.now();
    for (;;) {
      const state = (await call(api, 'GET', `/binaries/${binary.prn}`)).binary.state as string;
      if (state === 'signable') break;
      if (state !== 'hashing') throw new Error(`hashing ended in ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const hashingMs = performance.now() - hashingStart;
    const reused = /"parts_from_running_hash":(\d+)/.exec(server.stderr())?.[1] ?? 'n/a';
    return { uploadMs, hashingMs, reused };
  } finally {
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const data = randomFillSync(Buffer.allocUnsafe(size));
const hash = createHash('sha256').update(data).digest('hex');
const results = new Map<string, { uploadMs: number[]; hashingMs: number[]; reused: string }>();
for (let r = 0; r < rounds; r += 1) {
  for (const repo of repos) {
    const result = await round(repo, data, hash);
    const entry = results.get(repo) ?? { uploadMs: [], hashingMs: [], reused: result.reused };
    entry.uploadMs.push(result.uploadMs);
    entry.hashingMs.push(result.hashingMs);
    results.set(repo, entry);
    console.log(
      `${repo} round ${r + 1}: upload ${result.uploadMs.toFixed(0)} ms, hashing -> signable ${result.hashingMs.toFixed(0)} ms, parts from the running hash ${result.reused}`,
    );
  }
}
console.log(`\n${size / MiB} MiB in ${Math.ceil(size / partSize)} parts, median of ${rounds}:`);
for (const [repo, entry] of results) {
  console.log(
    `${repo}: hashing -> signable ${median(entry.hashingMs).toFixed(0)} ms, upload ${median(entry.uploadMs).toFixed(0)} ms`,
  );
}
