// The embedded Peridio server reachable only through a real proxy: `peridio-desk local serve`
// and tinyproxy run inside an isolated network, the server on the namespace's 127.0.0.1 and
// the proxy on its veth address. From this machine `serverUrl` (http://127.0.0.1:PORT, or
// https with a private CA) is refused when tried directly, and answers through `proxy.url`.
// Presigned part URLs name the same host, so part PUTs need the proxy as well.
//
// With `direct`, the server also answers on the namespace's veth address, which this machine
// reaches without the proxy, and the API and the storage (`storageUrl`, where presigned URLs
// point) are two origins: the one `direct` names at the veth address, the other at 127.0.0.1
// behind the proxy.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnServer, type SpawnedServer } from '../local-peridio/helpers.js';
import {
  createIsolatedNetwork,
  isolatedNetworkSkipReason,
  type IsolatedNetwork,
} from './isolated-network.js';
import { createTestCa } from './test-ca.js';
import { startTinyproxy, type ProxyCredentials, type Tinyproxy } from './tinyproxy.js';

/** Programs the harness runs besides ip and tc. */
const NEEDED_COMMANDS = ['tinyproxy', 'openssl'];

/**
 * Why the harness cannot run here (not root, no namespaces, tinyproxy missing), or
 * undefined. `extraCommands`: what the calling test runs itself (curl).
 */
export function serverBehindProxySkipReason(extraCommands: string[] = []): string | undefined {
  return isolatedNetworkSkipReason([...NEEDED_COMMANDS, ...extraCommands]);
}

export interface ServerBehindProxyOptions {
  /** Serve https with a certificate from a private CA; clients need `caPath`. */
  https?: boolean;
  /** tinyproxy's BasicAuth: requests without these credentials are answered 407. */
  proxyCredentials?: ProxyCredentials;
  /** Default `test-key`. */
  apiKey?: string;
  /** `local serve --presigned-url-ttl`. */
  presignedUrlTtlSeconds?: number;
  /** `local serve --faults`. */
  faults?: string;
  /** Which of the API and the storage is reached without the proxy (at the veth address). A
   * direct API needs `https`: plain http is only allowed for a base URL on this machine. */
  direct?: 'api' | 'storage';
}

/** One line of the server's access log (`local serve --access-log`). */
export interface AccessLine {
  method: string;
  path: string;
  status: number;
  bytes_in: number;
  aborted?: boolean;
}

export interface ServerBehindProxy {
  network: IsolatedNetwork;
  proxy: Tinyproxy;
  /** The API's URL (presigned URLs use the same host, unless `direct` says otherwise). */
  serverUrl: string;
  /** Where presigned URLs point: `serverUrl` unless `direct` was given. */
  storageUrl: string;
  apiKey: string;
  organizationPrn: string;
  /** The private CA's certificate (https only): what PERIDIO_CA_PATH or curl --cacert take. */
  caPath: string | undefined;
  /** The temp folder holding the server's data, the proxy's config and log, the certificates. */
  dir: string;
  /** The running `local serve` process (its stderr holds the server's log). */
  readonly server: SpawnedServer | undefined;
  /** Proxy variables for a child process; credentials in the URL unless `withCredentials` is false. */
  proxyEnvironment(withCredentials?: boolean): Record<string, string>;
  /** What the server answered so far, one entry per request. */
  accessLog(): Promise<AccessLine[]>;
  /** SIGKILL the server (a crash); `startServer` brings it back on the same port and data. */
  killServer(): Promise<void>;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Stops everything and removes the network and the temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

async function ended(server: SpawnedServer | undefined, signal: NodeJS.Signals): Promise<void> {
  if (server === undefined) return;
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await server.exited;
}

export async function startServerBehindProxy(
  options: ServerBehindProxyOptions = {},
): Promise<ServerBehindProxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'peridio-net-'));
  let network: IsolatedNetwork | undefined;
  let server: SpawnedServer | undefined;
  const stopAll = async () => {
    await ended(server, 'SIGKILL');
    await network?.destroy();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    network = await createIsolatedNetwork();
    const inside = network;
    const { direct } = options;
    const ca = options.https
      ? await createTestCa(dir, direct ? [inside.namespaceAddress] : [])
      : undefined;
    const apiKey = options.apiKey ?? 'test-key';
    const port = await inside.freePort();
    const scheme = ca ? 'https' : 'http';
    const behindProxy = `${scheme}://127.0.0.1:${port}`;
    const straight = `${scheme}://${inside.namespaceAddress}:${port}`;
    const origins =
      direct === undefined
        ? undefined
        : direct === 'api'
          ? { api: straight, storage: behindProxy }
          : { api: behindProxy, storage: straight };
    const accessLogPath = path.join(dir, 'access.log');
    const args = [
      '--data-dir',
      path.join(dir, 'server'),
      '--api-key',
      apiKey,
      '--host',
      // One server answering at both addresses, its presigned URLs naming the storage's.
      origins ? '0.0.0.0' : '127.0.0.1',
      '--port',
      String(port),
      ...(origins ? ['--public-url', origins.storage] : []),
      '--access-log',
      accessLogPath,
      ...(options.presignedUrlTtlSeconds !== undefined
        ? ['--presigned-url-ttl', String(options.presignedUrlTtlSeconds)]
        : []),
      ...(options.faults !== undefined ? ['--faults', options.faults] : []),
      ...(ca ? ['--tls-cert', ca.certPath, '--tls-key', ca.keyPath] : []),
    ];
    const launch = () =>
      spawnServer(args, (command, commandArgs, spawnOptions) =>
        inside.spawn(command, commandArgs, spawnOptions),
      );
    server = await launch();
    const proxy = await startTinyproxy(inside, {
      dir,
      ...(options.proxyCredentials ? { credentials: options.proxyCredentials } : {}),
    });
    const first = server;
    return {
      network: inside,
      proxy,
      // Listening on every address, it names itself 0.0.0.0.
      serverUrl: origins?.api ?? first.url,
      storageUrl: origins?.storage ?? first.url,
      apiKey,
      organizationPrn: first.organizationPrn,
      caPath: ca?.caPath,
      dir,
      get server() {
        return server;
      },
      proxyEnvironment(withCredentials = true) {
        const url = withCredentials ? proxy.urlWithCredentials : proxy.url;
        return {
          HTTPS_PROXY: url,
          HTTP_PROXY: url,
          https_proxy: url,
          http_proxy: url,
          NO_PROXY: '',
          no_proxy: '',
        };
      },
      async accessLog() {
        const text = await readFile(accessLogPath, 'utf8').catch(() => '');
        return text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as AccessLine);
      },
      killServer: () => ended(server, 'SIGKILL'),
      stopServer: () => ended(server, 'SIGTERM'),
      async startServer() {
        if (server && server.child.exitCode === null && server.child.signalCode === null) {
          throw new Error('The server is still running; stop or kill it first.');
        }
        server = await launch();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
