// A real HTTP proxy (Debian's tinyproxy) inside an isolated network, listening on the
// namespace's veth address with a config written for the test: only this machine's end of
// the veth may use it, CONNECT goes to any port (no ConnectPort line), optionally Basic
// authentication (407 without it), and a log the test reads to prove requests went through.
// It can be stopped or killed and started again on the same address and port.
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { IsolatedNetwork } from './isolated-network.js';

/** tinyproxy's config takes only these characters in BasicAuth's user and password. */
const CONFIG_WORD = /^[-A-Za-z0-9._]+$/;

export interface ProxyCredentials {
  /** Letters, digits, `-`, `.` and `_` only (tinyproxy's config grammar). */
  user: string;
  password: string;
}

export interface TinyproxyOptions {
  /** Where the config and the log go. */
  dir: string;
  /** `BasicAuth user password`: requests without them are answered 407. */
  credentials?: ProxyCredentials;
}

/** One request line tinyproxy logged: `GET http://127.0.0.1:4000/x` or `CONNECT 127.0.0.1:4000`. */
export interface ProxiedRequest {
  method: string;
  target: string;
}

export interface Tinyproxy {
  readonly address: string;
  readonly port: number;
  /** `http://ADDRESS:PORT`, without credentials. */
  readonly url: string;
  /** `http://user:password@ADDRESS:PORT` when credentials are set, else `url`. */
  readonly urlWithCredentials: string;
  readonly logPath: string;
  readonly configPath: string;
  /** Whether the process is running (started and not stopped, killed or crashed). */
  readonly running: boolean;
  /** The whole log so far. */
  log(): Promise<string>;
  /** The requests the log shows, in order (the log survives restarts). */
  requests(): Promise<ProxiedRequest[]>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: tunnels in flight are cut with no goodbye. */
  kill(): Promise<void>;
  /** Starts it again on the same address and port; resolves once it accepts connections. */
  start(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

function configText(
  network: IsolatedNetwork,
  port: number,
  logPath: string,
  credentials: ProxyCredentials | undefined,
): string {
  return [
    `Listen ${network.namespaceAddress}`,
    `Port ${port}`,
    `Allow ${network.hostAddress}`,
    // Long enough for a part PUT on a throttled link; the tests end their tunnels themselves.
    'Timeout 600',
    'MaxClients 200',
    `LogFile "${logPath}"`,
    'LogLevel Info',
    ...(credentials ? [`BasicAuth ${credentials.user} ${credentials.password}`] : []),
    '',
  ].join('\n');
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startTinyproxy(
  network: IsolatedNetwork,
  options: TinyproxyOptions,
): Promise<Tinyproxy> {
  const { credentials } = options;
  if (
    credentials &&
    !(CONFIG_WORD.test(credentials.user) && CONFIG_WORD.test(credentials.password))
  ) {
    throw new Error(
      'tinyproxy\'s BasicAuth takes only letters, digits, "-", "." and "_" in the user and ' +
        'the password: choose test credentials from those.',
    );
  }
  const port = await network.freePort();
  const address = network.namespaceAddress;
  const logPath = path.join(options.dir, 'tinyproxy.log');
  const configPath = path.join(options.dir, 'tinyproxy.conf');
  await writeFile(configPath, configText(network, port, logPath, options.credentials));
  const url = `http://${address}:${port}`;
  const urlWithCredentials = credentials
    ? `http://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@${address}:${port}`
    : url;

  let child: ChildProcess | undefined;
  let output = '';
  const isRunning = () =>
    child !== undefined && child.exitCode === null && child.signalCode === null;

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    if (running === undefined || !isRunning()) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };

  const start = async (): Promise<void> => {
    if (isRunning()) throw new Error(`tinyproxy is already running on ${address}:${port}`);
    output = '';
    // -d: stays in the foreground, so the pid is tinyproxy's and a kill reaches it.
    const started = network.spawn('tinyproxy', ['-d', '-c', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await accepts(address, port))) {
      if (!isRunning()) {
        throw new Error(`tinyproxy exited before it listened on ${address}:${port}:\n${output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `tinyproxy did not listen on ${address}:${port} in ${READY_TIMEOUT_MS} ms:\n${output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const log = () => readFile(logPath, 'utf8').catch(() => '');
  await start();
  return {
    address,
    port,
    url,
    urlWithCredentials,
    logPath,
    configPath,
    get running() {
      return isRunning();
    },
    log,
    async requests() {
      const requests: ProxiedRequest[] = [];
      for (const match of (await log()).matchAll(/Request \(file descriptor \d+\): (\S+) (\S+)/g)) {
        requests.push({ method: match[1]!, target: match[2]! });
      }
      return requests;
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    start,
  };
}
