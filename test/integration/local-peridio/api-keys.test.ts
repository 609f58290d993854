// Where `local serve` takes its API key: a file, stdin or the environment, so that the key is
// not in the process list for every user of the machine to read; and a key the server
// generates replaces the one it generated before, instead of every start adding one more
// key that stays valid for good.
import { spawn, type SpawnOptions } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { apiFor, runCommand, spawnServer, tempDir, type SpawnedServer } from './helpers.js';

const running: SpawnedServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
});

/** `local serve` with the environment and stdin given, started and ready. */
async function serve(
  dataDir: string,
  args: string[] = [],
  io: { env?: Record<string, string>; stdin?: string } = {},
): Promise<SpawnedServer> {
  const launch = (command: string, commandArgs: string[], options: SpawnOptions) => {
    const child = spawn(command, commandArgs, {
      ...options,
      env: { ...process.env, ...io.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin!.end(io.stdin ?? '');
    return child;
  };
  const server = await spawnServer(['--data-dir', dataDir, ...args], launch);
  running.push(server);
  return server;
}

async function stop(server: SpawnedServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  server.child.kill('SIGTERM');
  await server.exited;
}

const statusWith = async (server: SpawnedServer, key: string) =>
  (await apiFor(server.url, key)('GET', '/users/me')).status;

describe('local serve and its API key', () => {
  test('takes the key from a file, out of the process list', async () => {
    const dir = await tempDir('api-key-file-');
    const keyFile = path.join(dir, 'key.txt');
    await writeFile(keyFile, 'from-a-file-key\n', { mode: 0o600 });
    const server = await serve(path.join(dir, 'data'), ['--api-key-file', keyFile]);
    expect(server.apiKey).toBeUndefined();
    expect(await statusWith(server, 'from-a-file-key')).toBe(200);
    const commandLine = await readFile(`/proc/${server.child.pid}/cmdline`, 'utf8');
    expect(commandLine).toContain('--api-key-file');
    expect(commandLine).not.toContain('from-a-file-key');
  });

  test('takes the key from stdin, or from PERIDIO_LOCAL_API_KEY', async () => {
    const dir = await tempDir('api-key-io-');
    const fromStdin = await serve(path.join(dir, 'a'), ['--api-key-stdin'], {
      stdin: 'piped-key\n',
    });
    expect(await statusWith(fromStdin, 'piped-key')).toBe(200);
    const fromEnv = await serve(path.join(dir, 'b'), [], {
      env: { PERIDIO_LOCAL_API_KEY: 'env-key' },
    });
    expect(fromEnv.apiKey).toBeUndefined();
    expect(await statusWith(fromEnv, 'env-key')).toBe(200);
  });

  test('a generated key replaces the one generated before; a given key stays', async () => {
    const dataDir = path.join(await tempDir('api-key-generated-'), 'data');
    const given = await serve(dataDir, [], { env: { PERIDIO_LOCAL_API_KEY: 'given-key' } });
    await stop(given);
    const first = await serve(dataDir);
    expect(first.apiKey).toMatch(/^lp_/);
    await stop(first);
    const second = await serve(dataDir);
    expect(second.apiKey).not.toBe(first.apiKey);
    expect(await statusWith(second, second.apiKey!)).toBe(200);
    expect(await statusWith(second, first.apiKey!)).toBe(403);
    expect(await statusWith(second, 'given-key')).toBe(200);
  });

  test('says what is wrong with the key given, and never shows it', async () => {
    const dir = await tempDir('api-key-mistakes-');
    const keyFile = path.join(dir, 'key.txt');
    await writeFile(keyFile, 'two words\n');
    const data = path.join(dir, 'data');
    const twoWays = await runCommand([
      'local',
      'serve',
      '--data-dir',
      data,
      '--api-key',
      'k',
      '--api-key-file',
      keyFile,
    ]);
    expect(twoWays.code).toBe(2);
    expect(twoWays.stderr).toContain('give the API key one way: --api-key and --api-key-file');
    const badContent = await runCommand([
      'local',
      'serve',
      '--data-dir',
      data,
      '--api-key-file',
      keyFile,
    ]);
    expect(badContent.code).toBe(2);
    expect(badContent.stderr).toContain(`the API key file ${keyFile} must hold one API key`);
    expect(badContent.stderr).not.toContain('two words');
    const missing = path.join(dir, 'nope.txt');
    const absent = await runCommand([
      'local',
      'serve',
      '--data-dir',
      data,
      '--api-key-file',
      missing,
    ]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain(`The API key file ${missing} does not exist.`);
    expect([twoWays, badContent, absent].map((run) => run.stdout)).toEqual(['', '', '']);
  });
});
