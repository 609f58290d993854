// `peridio-desk watch` end to end, as a build machine runs it (the built CLI, `npm run build`
// first): a rules file, JSON lines out, a burst of 1,000 small build outputs all signed and
// none twice, SIGTERM ending it with status 0 and Ctrl+C with 130. `watch --check` names the rule and field
// of every mistake in a rules file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, binariesOf, content, type Json } from '../local-peridio/helpers.js';
import { KEY, ruleFor, sha256Hex, workbench, type Workbench } from './watch-harness.js';

const BUILT_CLI = path.join(REPO_ROOT, 'dist/cli/bin.cjs');

let bench: Workbench;
let env: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npm run build\``);
  bench = await workbench();
  env = {
    PERIDIO_BASE_URL: bench.server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_DESK_DATA_DIR: bench.deskDir,
  };
});

afterAll(async () => {
  await bench.close();
});

function cli(args: string[]) {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: Json[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Json = text;
    try {
      line = JSON.parse(text);
    } catch {
      // A line for people.
    }
    lines.push(line);
    for (const listener of [...listeners]) listener();
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    count: (event: string) => lines.filter((l) => l?.event === event).length,
    waitFor(done: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const look = () => {
          if (!done()) return;
          listeners.delete(look);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(look);
          reject(new Error(`no ${what} in ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        listeners.add(look);
        void exited.then(() =>
          setTimeout(() => reject(new Error(`exited before ${what}: ${stderr}`)), 10),
        );
        look();
      });
    },
  };
}

describe('peridio-desk watch', () => {
  it('--check names the rule and the field of each mistake, and describes a valid file', async () => {
    const bad = path.join(bench.dir, 'bad-rules.json');
    await writeFile(
      bad,
      JSON.stringify({
        rules: [
          ruleFor(bench, { name: 'nightly', settleMs: -5 }),
          ruleFor(bench, { name: 'release', target: { fromPath: '^[^/]+$' } }),
        ],
      }),
    );
    const checked = cli(['watch', '--check', bad]);
    expect(await checked.exited).toBe(1);
    const message = checked.stderr();
    expect(message).toContain(bad);
    expect(message).toMatch(/rule "nightly", field "settleMs": .*0/);
    expect(message).toMatch(/rule "release", field "target[^"]*": .*named group "target"/);

    const good = path.join(bench.dir, 'rules.json');
    await writeFile(good, JSON.stringify({ rules: [ruleFor(bench)] }));
    const ok = cli(['watch', '--check', good]);
    expect(await ok.exited).toBe(0);
    expect(ok.lines[0]).toBe(`${good} is valid: 1 rule`);
    expect(ok.lines.join('\n')).toContain(`builds: ${bench.folder}`);

    const usage = cli(['watch', '--check']);
    expect(await usage.exited).toBe(2);
  });

  it('with no rules says so and exits 2', async () => {
    const run = cli(['watch']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('no watch rules');

    const empty = path.join(bench.dir, 'empty-rules.json');
    await writeFile(empty, JSON.stringify({ rules: [] }));
    const none = cli(['watch', '--config', empty]);
    expect(await none.exited).toBe(2);
    expect(none.stderr()).toContain(`The watch rules file "${empty}" holds no rules`);
  });

  it('exits 1 for a rules file it cannot read, naming it', async () => {
    const missing = path.join(bench.dir, 'no-such-rules.json');
    const run = cli(['watch', '--config', missing]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/The watch rules file ".*no-such-rules\.json" does not exist/);
    expect(run.lines).toEqual([]);
  });

  it('ends with 130 on Ctrl+C, as every command does (SIGTERM, a service manager’s stop, is 0)', async () => {
    const rules = path.join(bench.dir, 'interrupt-rules.json');
    await writeFile(rules, JSON.stringify({ rules: [ruleFor(bench, { name: 'interrupted' })] }));
    const run = cli(['watch', '--config', rules, '--json']);
    await run.waitFor(() => run.count('watch:ready') === 1, 'ready line');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.lines.at(-1)).toEqual({ event: 'watch:stopped' });
  });

  it('watches with --json: a burst of 1,000 small files all signed, none twice; SIGTERM exits 0', async () => {
    const rules = path.join(bench.dir, 'burst-rules.json');
    await writeFile(
      rules,
      JSON.stringify({
        rules: [ruleFor(bench, { target: { fromPath: '^(?<target>[^/]+)\\.bin$' } })],
      }),
    );
    const run = cli(['watch', '--config', rules, '--json', '--jobs', '16']);
    await run.waitFor(() => run.count('watch:ready') === 1, 'ready line');
    const files = Array.from({ length: 1000 }, (_, i) => ({
      name: `c${String(i).padStart(4, '0')}`,
      data: content(1 + ((i * 613) % 1024), 5000 + i),
    }));
    const started = Date.now();
    for (let at = 0; at < files.length; at += 50) {
      await Promise.all(
        files
          .slice(at, at + 50)
          .map((f) => writeFile(path.join(bench.folder, `${f.name}.bin`), f.data)),
      );
    }
    await run.waitFor(() => run.count('job:queued') >= files.length, '1,000 queued', 300_000);
    const queuedMs = Date.now() - started;
    await run.waitFor(() => run.count('job:done') >= files.length, '1,000 done', 400_000);
    // The agent's peak memory over the whole burst (Linux tells it as VmHWM).
    const status = await readFile(`/proc/${run.child.pid}/status`, 'utf8').catch(() => '');
    const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    console.info(
      `CLI burst of ${files.length}: queued in ${queuedMs} ms, signed in ${Date.now() - started} ms, peak RSS ${Math.round(peakKiB / 1024)} MiB`,
    );
    // Bounded: sixteen upload threads at once and the queue, not a thousand files' worth.
    if (peakKiB > 0) expect(peakKiB).toBeLessThan(600 * 1024);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toBe('');
    expect(run.lines.at(-1)).toEqual({ event: 'watch:stopped' });

    const queued = run.lines.filter((l) => l.event === 'job:queued');
    expect(new Set(queued.map((l) => l.path)).size).toBe(files.length);
    expect(queued[0]).toMatchObject({
      rule: 'builds',
      job_id: expect.any(String),
      target: expect.stringMatching(/^c\d{4}$/),
      artifact_version_prn: bench.versionPrn,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(run.lines.filter((l) => l.event === 'job:failed')).toEqual([]);
    const seen = run.lines.filter((l) => l.event === 'file:seen');
    expect(seen[0]).toMatchObject({
      rule: 'builds',
      path: expect.any(String),
      size: expect.any(Number),
    });
    const binaries = await binariesOf(bench.api, bench.versionPrn);
    expect(binaries).toHaveLength(files.length);
    const byTarget = new Map(binaries.map((b) => [b.target, b]));
    for (const f of files) {
      expect(byTarget.get(f.name)).toMatchObject({ state: 'signed', hash: sha256Hex(f.data) });
    }
  }, 600_000);
});
