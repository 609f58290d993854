// Uploads at once, as a build machine sets them: `--jobs N` on the commands that run the
// queue, the `jobs` preference, and what a bad number gets. How many ran at once is read from
// the queue's own journal (each job's first step and its `done`), against a real local server.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../../src-main/queue/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import {
  content,
  createArtifactVersion,
  startTestServer,
  tempDir,
  type TestServer,
} from '../local-peridio/helpers.js';
import { runCli } from '../upload-engine/cli-harness.js';

let dir: string;
let test: TestServer;
let versionPrn: string;
const envFor = (name: string) => ({
  PERIDIO_BASE_URL: test.server.url,
  PERIDIO_API_KEY: test.server.apiKey,
  PERIDIO_PROFILE: '',
  PERIDIO_DESK_DATA_DIR: path.join(dir, name),
});

beforeAll(async () => {
  dir = await tempDir('job-concurrency-');
  test = await startTestServer();
  versionPrn = await createArtifactVersion(test.api);
});
afterAll(async () => {
  await test.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A service on the data folder `name`, which runs no job unless asked. */
function serviceFor(name: string) {
  const env = envFor(name);
  return openDeskService({
    dataDir: env.PERIDIO_DESK_DATA_DIR,
    env,
    vault: new MemoryVault(),
    runQueue: false,
  });
}

/** Queues `count` small files of 64 KiB with `service`, without running them. */
async function queueSmallFiles(service: DeskService, name: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `${name}-${i}.bin`);
    await writeFile(file, content(64 * 1024, i + 1));
    const job = await service.call('uploads.enqueue', {
      path: file,
      artifactVersionPrn: versionPrn,
      target: `${name}-${i}`,
    });
    ids.push(job.id);
  }
  return ids;
}

/** Queues `count` small files in the data folder `name`, and closes the service. */
async function queuedSmallFiles(name: string, count: number): Promise<string[]> {
  const service = await serviceFor(name);
  try {
    return await queueSmallFiles(service, name, count);
  } finally {
    await service.close();
  }
}

/** The most jobs that were between their first step and `done` at the same moment. */
function mostAtOnce(name: string, ids: string[]): number {
  const store = JobStore.open(path.join(dir, name, 'queue.sqlite'));
  try {
    const moments = ids.flatMap((id) => {
      const history = store.history(id);
      const start = history.find((entry) => entry.step === 'hashing-file')!.at;
      const end = history.findLast((entry) => entry.step === 'done')!.at;
      return [
        { at: Date.parse(start), change: 1 },
        { at: Date.parse(end), change: -1 },
      ];
    });
    // An end and a start at the same millisecond: the end first (one after the other).
    moments.sort((a, b) => a.at - b.at || a.change - b.change);
    let running = 0;
    let most = 0;
    for (const { change } of moments) most = Math.max(most, (running += change));
    return most;
  } finally {
    store.close();
  }
}

describe('uploads at once', () => {
  it('runs one job at a time with `queue run --jobs 1`, and small files side by side without it', async () => {
    const one = await queuedSmallFiles('one', 4);
    const run = await runCli(['queue', 'run', '--jobs', '1', '--json'], envFor('one'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.filter((line) => line.event === 'job:done')).toHaveLength(4);
    expect(mostAtOnce('one', one)).toBe(1);

    const adaptive = await queuedSmallFiles('adaptive', 4);
    const again = await runCli(['queue', 'run', '--json'], envFor('adaptive'));
    expect(again.code, again.stderr).toBe(0);
    expect(mostAtOnce('adaptive', adaptive)).toBeGreaterThanOrEqual(2);
  });

  it('keeps a fixed number as the `jobs` preference, and auto takes it back', async () => {
    const env = envFor('preference');
    const set = await runCli(['preferences', 'set', 'jobs', '3'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.lines).toContain('jobs           3');
    const auto = await runCli(['preferences', 'set', 'jobs', 'auto', '--json'], env);
    expect(auto.last.jobConcurrency).toBeNull();
  });

  it('follows the `jobs` preference, also when it changes while the engine is open', async () => {
    const service = await serviceFor('preference-run');
    try {
      const ids = await queueSmallFiles(service, 'preference-run', 3);
      await service.call('preferences.set', { jobConcurrency: 1 });
      await service.runJobs({});
      expect(mostAtOnce('preference-run', ids)).toBe(1);
    } finally {
      await service.close();
    }
  });

  it('refuses a number of jobs it cannot use with exit 2, saying the bounds and the default', async () => {
    const env = envFor('bad');
    const option =
      '--jobs must be a whole number of uploads at once from 1 to 16, got "%s"; leave it out to let the engine choose from the files\' sizes';
    const cases: [string[], string, string][] = [
      [['queue', 'run', '--jobs', 'two'], 'queue', option.replace('%s', 'two')],
      [['watch', '--jobs', '17'], 'watch', option.replace('%s', '17')],
      [['dashboard', '--jobs', '0'], 'dashboard', option.replace('%s', '0')],
      [
        ['preferences', 'set', 'jobs', '0'],
        'preferences',
        'jobs must be a whole number of uploads at once from 1 to 16, or auto to let the engine choose, got "0"',
      ],
    ];
    for (const [args, command, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`peridio-desk ${command}: ${message}`);
    }
  });
});
