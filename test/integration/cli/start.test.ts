// `npm start` (peridio-desk start): the embedded local workspace, ready to use, stopped cleanly.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, test } from 'vitest';
import { REPO_ROOT, apiFor, tempDir } from '../local-peridio/helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

test('start serves the local workspace in the data folder and stops on SIGTERM', async () => {
  const dataDir = await tempDir('start-');
  dirs.push(dataDir);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'src-main/cli/bin.ts'),
      'start',
      '--data-dir',
      dataDir,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const fields: Record<string, string> = {};
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^\s+(API key|API|org|data)\s+(\S+)/.exec(line);
    if (match) fields[match[1]!] = match[2]!;
    if (line.startsWith('Press Ctrl+C')) break;
  }
  expect(fields.data).toBe(path.join(dataDir, 'local-workspace'));
  const me = await apiFor(fields.API!, fields['API key']!)('GET', '/users/me');
  expect(me.status).toBe(200);
  expect(me.body.data.organization_prn).toBe(fields.org);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

test('start refuses a bad port with a clear message and exit 2', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'src-main/cli/bin.ts'), 'start', '--port', 'eighty'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('--port must be a whole number from 0 to 65535, got "eighty"');
});
