// A command loads only what it uses: `--help` and `--version` load the command table and
// nothing else, a command's own help loads no engine, a command on a Peridio account never
// loads the embedded server or the dashboard, one that detects no target loads no zlib, and
// one over plain http loads no TLS. Every module the process loads is recorded by a loader
// hook (import-recorder.mjs).
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnServer, tempDir, type SpawnedServer } from '../local-peridio/helpers.js';

const KEY = 'start-fast-key';
const RECORDER = path.join(import.meta.dirname, 'import-recorder.mjs');

let dir: string;
let server: SpawnedServer;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir('start-fast-');
  server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  env = {
    PERIDIO_BASE_URL: server.url,
    PERIDIO_API_KEY: KEY,
    PERIDIO_PROFILE: '',
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
  };
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs the command from sources and answers its exit code, the modules it loaded and Node's
 * own modules it imported (`node:tls`).
 */
async function modulesLoadedBy(
  args: string[],
): Promise<{ code: number | null; loaded: string[]; builtins: string[] }> {
  const record = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', RECORDER, path.join(REPO_ROOT, 'src-main/cli/bin.ts'), ...args],
    {
      cwd: REPO_ROOT,
      stdio: 'ignore',
      env: { ...process.env, ...env, IMPORT_RECORDER_FILE: record },
    },
  );
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const text = await readFile(record, 'utf8').catch(() => '');
  // tsx's own modules load before the recorder and on demand; they are the test's, not ours.
  const urls = text.split('\n').filter((url) => url !== '');
  const loaded = urls.filter(
    (url) => !url.startsWith('node:') && !url.includes('/node_modules/tsx/'),
  );
  return { code, loaded, builtins: urls.filter((url) => url.startsWith('node:')) };
}

/** The repository paths (or package names) of the loaded modules. */
function names(loaded: string[]): string[] {
  return loaded.map((url) => {
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    return inPackage ? inPackage[1]! : path.relative(REPO_ROOT, new URL(url).pathname);
  });
}

describe('what a command loads', () => {
  it.each([['--help'], ['--version'], ['(no arguments)']])(
    '`peridio-desk %s` loads the command table alone',
    async (shown) => {
      const { code, loaded } = await modulesLoadedBy(shown.startsWith('-') ? [shown] : []);
      expect(code).toBe(0);
      expect(new Set(names(loaded))).toEqual(
        new Set([
          'src-main/cli/bin.ts',
          'src-main/cli/main.ts',
          'src-main/cli/command.ts',
          'src-main/cli/commands.ts',
          'src-main/cli/session.ts',
        ]),
      );
    },
  );

  it("a command's help loads no engine, no embedded server and no watch room", async () => {
    const { code, loaded } = await modulesLoadedBy(['upload', '--help']);
    expect(code).toBe(0);
    const modules = names(loaded);
    expect(modules).toContain('src-main/cli/upload.ts');
    for (const room of ['service', 'local-peridio', 'watch', 'dashboard', 'queue', 'upload']) {
      expect(modules.filter((m) => m.startsWith(`src-main/${room}/`))).toEqual([]);
    }
    expect(modules).not.toContain('fastify');
    expect(modules).not.toContain('xstate');
  });

  it('a command on a Peridio account loads neither the embedded server nor the dashboard', async () => {
    const { code, loaded } = await modulesLoadedBy(['artifacts', 'list', '--json']);
    expect(code).toBe(0);
    const modules = names(loaded);
    expect(modules).toContain('src-main/service/index.ts');
    expect(modules.filter((m) => m.startsWith('src-main/local-peridio/'))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('src-main/dashboard/'))).toEqual([]);
    expect(modules).not.toContain('fastify');
  });

  it('a command that detects no target loads neither target detection nor zlib, and asks nothing', async () => {
    const { code, loaded, builtins } = await modulesLoadedBy(['artifacts', 'list', '--json']);
    expect(code).toBe(0);
    expect(names(loaded).filter((m) => m.startsWith('src-main/targets/'))).toEqual([]);
    expect(builtins).not.toContain('node:zlib');
    expect(builtins).not.toContain('node:readline');
    // The same room loads when a target is to be told.
    const detect = await modulesLoadedBy(['detect', path.join(REPO_ROOT, 'package.json')]);
    expect(names(detect.loaded)).toContain('src-main/targets/index.ts');
    expect(detect.builtins).toContain('node:zlib');
  });

  it('a command over plain http, straight to the server, loads no TLS and no proxy agent', async () => {
    const { code, loaded, builtins } = await modulesLoadedBy(['artifacts', 'list', '--json']);
    expect(code).toBe(0);
    expect(builtins).toContain('node:http');
    expect(builtins).not.toContain('node:https');
    expect(builtins).not.toContain('node:tls');
    const modules = names(loaded);
    for (const agent of ['http-proxy-agent', 'https-proxy-agent', 'agent-base']) {
      expect(modules).not.toContain(agent);
    }
  });
});
