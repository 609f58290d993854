// A watch agent and its engine in this process, against a spawned local server (which the
// tests can stop and start again on the same port and data), with real temporary folders.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { KeyringVault } from '../../../src-main/credentials/index.js';
import {
  UploadEngine,
  jobSignerResolver,
  signingKeyPrnOf,
} from '../../../src-main/service/index.js';
import { openSettings } from '../../../src-main/settings/index.js';
import { WatchAgent, parseWatchRules, type WatchEvent } from '../../../src-main/watch/index.js';
import {
  TEST_VECTOR,
  apiFor,
  createArtifactVersion,
  sha256Hex,
  spawnServer,
  tempDir,
  type Api,
  type Json,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { writeTestVectorPem } from '../upload-engine/cli-harness.js';

export const KEY = 'watch-key';

export interface Workbench {
  dir: string;
  /** The folder the rules watch (created). */
  folder: string;
  deskDir: string;
  server: SpawnedServer;
  api: Api;
  versionPrn: string;
  signingKeyPrn: string;
  pem: string;
  /** Stops the server (kill -9); `startServer` brings it back on the same port and data. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): Promise<void>;
}

export async function workbench(): Promise<Workbench> {
  const dir = await tempDir('watch-');
  const folder = path.join(dir, 'out');
  await mkdir(folder);
  let server = await spawnServer(['--data-dir', path.join(dir, 'server'), '--api-key', KEY]);
  const port = new URL(server.url).port;
  const api = apiFor(server.url, KEY);
  const versionPrn = await createArtifactVersion(api);
  const key = await api('POST', '/signing_keys', { name: 'vector', value: TEST_VECTOR.value });
  const bench: Workbench = {
    dir,
    folder,
    deskDir: path.join(dir, 'desk'),
    server,
    api,
    versionPrn,
    signingKeyPrn: key.body.signing_key.prn,
    pem: await writeTestVectorPem(path.join(dir, 'keys')),
    async stopServer() {
      server.child.kill('SIGKILL');
      await server.exited;
    },
    async startServer() {
      server = await spawnServer([
        '--data-dir',
        path.join(dir, 'server'),
        '--api-key',
        KEY,
        '--port',
        port,
      ]);
      bench.server = server;
    },
    async close() {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
      }
      await server.exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
  return bench;
}

/** A rule for the bench's folder, signed with the test vector key; `extra` overrides. */
export function ruleFor(bench: Workbench, extra: Record<string, unknown> = {}): Json {
  return {
    name: 'builds',
    folder: bench.folder,
    target: 'aarch64-unknown-linux-gnu',
    artifactVersionPrn: bench.versionPrn,
    signingKey: { privateKeyPath: bench.pem, signingKeyPrn: bench.signingKeyPrn },
    settleMs: 200,
    ...extra,
  };
}

export interface RunningAgent {
  agent: WatchAgent;
  engine: UploadEngine;
  events: WatchEvent[];
  /** Resolves with the first event (already seen or to come) that `match` accepts. */
  waitFor<T extends WatchEvent['type']>(
    type: T,
    match?: (event: Extract<WatchEvent, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<WatchEvent, { type: T }>>;
  /** Resolves once `count` events of `type` (matching) have been seen. */
  waitForCount<T extends WatchEvent['type']>(
    type: T,
    count: number,
    match?: (event: Extract<WatchEvent, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<WatchEvent, { type: T }>[]>;
  of<T extends WatchEvent['type']>(type: T): Extract<WatchEvent, { type: T }>[];
  /** Stops the agent, then the engine's queue, and closes both. */
  stop(): Promise<void>;
}

export async function startAgent(
  bench: Workbench,
  rules: Json[],
  options: { jobConcurrency?: number; healthPollMs?: number } = {},
): Promise<RunningAgent> {
  const events: WatchEvent[] = [];
  const listeners = new Set<() => void>();
  const settings = openSettings({ dataDir: bench.deskDir });
  const engine = new UploadEngine({
    dataDir: bench.deskDir,
    connection: { baseUrl: bench.server.url, apiKey: KEY },
    workspace: 'watch-test',
    resolveSigner: jobSignerResolver({ settings, vault: new KeyringVault() }),
    signingKeyPrn: signingKeyPrnOf(settings),
    jobConcurrency: options.jobConcurrency ?? 4,
    probeDelayMs: { initial: 250, max: 1000 },
    pollMs: 250,
    onEvent: (event) => agent.engineEvent(event),
  });
  const agent = new WatchAgent({
    engine,
    rules: parseWatchRules({ rules }),
    dataDir: bench.deskDir,
    healthPollMs: options.healthPollMs ?? 200,
    onEvent: (event) => {
      events.push(event);
      for (const listener of [...listeners]) listener();
    },
  });
  const running = engine.run({ forever: true });
  await agent.start();
  const of = <T extends WatchEvent['type']>(type: T) =>
    events.filter((e): e is Extract<WatchEvent, { type: T }> => e.type === type);
  const waitForCount = <T extends WatchEvent['type']>(
    type: T,
    count: number,
    match: (event: Extract<WatchEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 30_000,
  ) =>
    new Promise<Extract<WatchEvent, { type: T }>[]>((resolve, reject) => {
      const look = () => {
        const found = of(type).filter(match);
        if (found.length >= count) {
          listeners.delete(look);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(look);
        const seen = events.map((e) => JSON.stringify(e)).slice(-20);
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${count} ${type}; last events:\n${seen.join('\n')}`,
          ),
        );
      }, timeoutMs);
      listeners.add(look);
      look();
    });
  return {
    agent,
    engine,
    events,
    of,
    waitForCount,
    async waitFor(type, match, timeoutMs) {
      const [first] = await waitForCount(type, 1, match, timeoutMs);
      return first!;
    },
    async stop() {
      await agent.stop();
      engine.stop();
      await running;
      await engine.close();
    },
  };
}

export async function download(api: Api, binaryPrn: string): Promise<Buffer> {
  const url = await api('GET', `/binaries/${binaryPrn}/download_url`);
  return Buffer.from(await (await fetch(url.body.download_url)).arrayBuffer());
}

export { sha256Hex };
