// The app's own processes, as a person would start them: `peridio-desk local serve` (a
// Peridio-compatible server the test can kill and start again on the same port and data
// folder) and `peridio-desk dashboard` (the engine and the built renderer for a browser).
// Both print one JSON ready line on stdout; everything else goes to stderr, kept for failures.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO_ROOT, 'dist/cli/bin.cjs');
const READY_TIMEOUT_MS = 30_000;
const SERVER_NICENESS = 10;

export interface AppProcess {
  readonly child: ChildProcess;
  /** The parsed ready line. */
  readonly ready: Record<string, unknown>;
  /** What the process wrote to stderr so far (its logs). */
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: the process gets no chance to close anything (a crash, a pulled plug). */
  kill(): Promise<void>;
}

async function startAppProcess(
  what: string,
  args: string[],
  env: Record<string, string | undefined>,
  niceness = 0,
): Promise<AppProcess> {
  // `nice` execs node in place: the child keeps its pid, and every thread inherits the priority.
  const [command, ...commandArgs] =
    niceness === 0
      ? [process.execPath, BIN, ...args]
      : ['nice', '-n', String(niceness), process.execPath, BIN, ...args];
  const child = spawn(command!, commandArgs, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env as NodeJS.ProcessEnv,
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // Bounded: a long upload logs a lot, and only the end helps with a failure.
    stderr = (stderr + chunk.toString()).slice(-200_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((exit) => {
      throw new Error(`${what} exited before it was ready (${JSON.stringify(exit)}):\n${stderr}`);
    }),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${what} printed no ready line in ${READY_TIMEOUT_MS} ms:\n${stderr}`)),
        READY_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  lines.on('line', () => {
    // Later stdout lines are not expected; reading them keeps the pipe from filling up.
  });
  let ready: Record<string, unknown>;
  try {
    ready = JSON.parse(first) as Record<string, unknown>;
  } catch {
    child.kill('SIGKILL');
    throw new Error(`${what} printed a first line that is not JSON: ${first}`);
  }
  if (ready.event !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`${what} printed an unexpected first line: ${first}`);
  }
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    ready,
    stderr: () => stderr,
    exited,
    async stop(graceMs = 10_000) {
      if (ended()) return;
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(late);
    },
    async kill() {
      if (ended()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The environment a child gets: ours without any Peridio settings, plus `extra`. */
export function childEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('PERIDIO_')) delete env[name];
  }
  return { ...env, ...extra };
}

export interface LocalServerOptions {
  dataDir: string;
  apiKey: string;
  /** 0 for any free port; give the old one to start again where clients look for it. */
  port?: number;
  accessLogPath?: string;
  /** `local serve --faults`, e.g. `latencyMs=200` for a slow link. */
  faults?: string;
}

export interface LocalServerProcess extends AppProcess {
  url: string;
  port: number;
  organizationPrn: string;
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServerProcess> {
  const args = ['local', 'serve', '--data-dir', options.dataDir, '--api-key', options.apiKey];
  args.push('--port', String(options.port ?? 0));
  if (options.accessLogPath) args.push('--access-log', options.accessLogPath);
  if (options.faults) args.push('--faults', options.faults);
  // The server stands for Peridio's cloud, which in use does not share the person's cores:
  // below normal priority, it cannot take frames from the page the measurements watch.
  const started = await startAppProcess(
    'peridio-desk local serve',
    args,
    childEnv({}),
    SERVER_NICENESS,
  );
  const url = String(started.ready.url);
  return {
    ...started,
    url,
    port: Number(new URL(url).port),
    organizationPrn: String(started.ready.organization_prn),
  };
}

export interface DashboardProcess extends AppProcess {
  /** The URL to open, token in its fragment. */
  url: string;
  origin: string;
  token: string;
}

/**
 * `peridio-desk dashboard` on a fresh data folder: against `server` (through PERIDIO_BASE_URL
 * and PERIDIO_API_KEY) or, without one, the embedded local workspace it starts itself.
 */
export async function startDashboard(options: {
  dataDir: string;
  server?: { url: string; apiKey: string };
}): Promise<DashboardProcess> {
  const env = childEnv({
    PERIDIO_DESK_DATA_DIR: options.dataDir,
    ...(options.server
      ? { PERIDIO_BASE_URL: options.server.url, PERIDIO_API_KEY: options.server.apiKey }
      : {}),
  });
  const started = await startAppProcess(
    'peridio-desk dashboard',
    ['dashboard', '--port', '0', '--json'],
    env,
  );
  const url = new URL(String(started.ready.url));
  const token = /^#token=(.+)$/.exec(url.hash)?.[1];
  if (!token) throw new Error(`the dashboard's URL carries no token: ${url.origin}/#…`);
  return { ...started, url: url.href, origin: url.origin, token };
}
