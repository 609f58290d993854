// A file the user may not read is refused before anything reaches the server: the command
// names the file and what to do, and no binary is created for it. Tests run as root, who may
// read every file, so the command runs as `nobody`.
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  apiFor,
  content,
  createArtifactVersion,
  spawnServer,
  tempDir,
  type Api,
  binariesOf,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { nobodyUser, runCli } from './cli-harness.js';

const KEY = 'unreadable-file-key';

let dir: string;
let server: SpawnedServer;
let api: Api;

beforeAll(async () => {
  dir = await tempDir('unreadable-file-');
  server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  api = apiFor(server.url, KEY);
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

it('refuses a file the user may not read, naming it and what to do, before any binary exists', async () => {
  const nobody = await nobodyUser(dir);
  if (!nobody) return;
  const versionPrn = await createArtifactVersion(api);
  const file = path.join(dir, 'root-only.img');
  await writeFile(file, content(3 * 1024 * 1024, 7));
  await chmod(file, 0o600);

  const result = await runCli(
    ['upload', file, '--artifact-version', versionPrn, '--target', 'arm64', '--json'],
    { PERIDIO_BASE_URL: server.url, PERIDIO_API_KEY: KEY, ...nobody.env },
    '',
    nobody.as,
  );

  // A failure the user must fix (1), not a usage mistake (2).
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`${file} cannot be read (permission denied)`);
  expect(result.stderr).toContain(`chmod a+r ${file}`);
  expect(await binariesOf(api, versionPrn)).toEqual([]);
  const queue = await runCli(['queue', 'list', '--json'], nobody.env, '', nobody.as);
  expect(queue.last.jobs).toEqual([]);
});
