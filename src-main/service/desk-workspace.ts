// The workspace the service works against, by the credentials room's rules (the environment,
// else the chosen or current profile, else the embedded local server, started here): its
// connection, its upload engine (whose client the commands share) and its queue runner.
import { systemProxyAnswers, withSystemProxy, type SystemProxyResolver } from '../network/index.js';
import type { EventPayloads, WorkspaceInfo } from '../../src-preload/contract.js';
import { resolveConnection } from '../credentials/index.js';
import type { LocalPeridioServer } from '../local-peridio/index.js';
import { messageLogger, type EngineLogger } from '../logging/index.js';
import { loadExtraCaCertificates } from '../peridio/index.js';
import { localWorkspaceDir, type CredentialStores, type WatchRule } from '../settings/index.js';
import type { WatchEvent } from '../watch/index.js';
import { WatchRunner, type WatchRunnerOptions } from '../watch/index.js';
import type { EngineEvent, SigningKeyRef } from '../queue/index.js';
import { jobSignerResolver, signingKeyPrnOf } from './desk-signer.js';
import { createLocalDemo } from './local-demo.js';
import { preferencesView } from './preferences-view.js';
import { workspaceWords } from './organization-check.js';
import { SigningKeyChecks, type CheckedSigningKey } from './signing-key-check.js';
import { UploadEngine, type UploadEngineOptions } from './upload-engine.js';

export interface DeskWorkspaceOptions {
  dataDir: string;
  stores: CredentialStores;
  env: NodeJS.ProcessEnv;
  /** An explicit profile (e.g. `--profile`); wins over PERIDIO_PROFILE and the current one. */
  profileName?: string;
  /** Run the queue (upload jobs as they come); off for a service that only answers commands
   * (a face may then run a part of it with `run`). */
  runQueue: boolean;
  /** Watch the rules' folders while the queue runs (default true). */
  watchFolders?: boolean;
  /** This process's bandwidth cap (`--max-rate`, checked), in force instead of the preference. */
  maxRate?: string;
  /** The rules to watch (a rules file's); the settings' rules unless given. */
  watchRules?: readonly WatchRule[];
  /** Every event of the watch agent, for a face that tells them one by one (the CLI agent). */
  onWatchEvent?: (event: WatchEvent) => void;
  onEvent: (event: EngineEvent) => void;
  /** The engine's logger; each part takes a child of it. */
  logger: EngineLogger;
  /** The watch folders' statuses and file batches, for the faces. */
  onWatchChanged: (payload: EventPayloads['watch:changed']) => void;
  onWatchFiles: (payload: EventPayloads['watch:files']) => void;
  /** Test knobs passed to the engine, and the CLI's `--jobs` and `--concurrency`. */
  engine?: Pick<
    UploadEngineOptions,
    | 'probeDelayMs'
    | 'pollMs'
    | 'jobConcurrency'
    | 'partConcurrency'
    | 'queueBusyTimeoutMs'
    | 'queueRetryMs'
    | 'readOnlyQueue'
  >;
  /** Test knobs passed to the watch agent. */
  watch?: WatchRunnerOptions['agent'];
  /** The system's proxy for a URL (the desktop app asks Electron); not asked when absent. */
  systemProxy?: SystemProxyResolver;
}

export interface DeskWorkspace {
  readonly engine: UploadEngine;
  readonly watch: WatchRunner;
  info(): WorkspaceInfo;
  /** The workspace's organization PRN, or undefined while it cannot be asked (offline). */
  organizationPrn(): Promise<string | undefined>;
  /** Resolves a signing key and checks it before anything is sent; answers its signer. */
  checkSigningKey(ref: SigningKeyRef): Promise<CheckedSigningKey>;
  /** Runs the queue (or only some jobs) until nothing in scope is left, or until `stop`. */
  run(scope: { onlyJobIds?: readonly string[]; forever?: boolean }): Promise<void>;
  /** Ends `run`: running jobs checkpoint and go back in line. */
  stop(): void;
  close(): Promise<void>;
}

/** How long opening a command waits for the server to tell the workspace's organization. */
const ORGANIZATION_WITHIN_MS = 5000;

const KINDS = {
  environment: 'environment',
  profile: 'profile',
  'local-workspace': 'local',
} as const;

export async function openDeskWorkspace(options: DeskWorkspaceOptions): Promise<DeskWorkspace> {
  let local: LocalPeridioServer | undefined;
  const connection = await resolveConnection({
    profiles: options.stores.settings,
    vault: options.stores.vault,
    env: options.env,
    ...(options.profileName !== undefined ? { profileName: options.profileName } : {}),
    localWorkspace: async () => {
      // Loaded only here: a command on a Peridio account never loads the embedded server.
      const { startLocalPeridio } = await import('../local-peridio/index.js');
      local = await startLocalPeridio({
        dataDir: localWorkspaceDir(options.dataDir),
        logger: messageLogger(options.logger.child({ module: 'local-peridio' })),
      });
      return { baseUrl: local.url, apiKey: local.apiKey };
    },
  });
  const caPems = connection.caPath ? loadExtraCaCertificates({ caPath: connection.caPath }) : [];
  // The system's proxy comes last, after the environment's and the profile's; the embedded
  // local workspace is this machine's own server and never goes through one. Its answers are
  // kept per origin for this connection: the base URL's now, each storage server's when a
  // part first goes there.
  const askSystemProxy =
    options.systemProxy === undefined || connection.source === 'local-workspace'
      ? undefined
      : systemProxyAnswers(options.systemProxy, (message) =>
          options.logger.warn({ event: 'system-proxy' }, message),
        );
  const proxy =
    askSystemProxy === undefined
      ? connection.proxyPlan
      : await withSystemProxy(connection.proxyPlan, connection.baseUrl, askSystemProxy);
  const preferences = options.stores.settings.getPreferences();
  // Made just after the engine, which tells nothing before it runs or is given a job.
  let watchRunner: WatchRunner | undefined;
  const engine = new UploadEngine({
    dataDir: options.dataDir,
    connection: {
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      apiVersion: String(connection.apiVersion),
      ...(caPems.length ? { caPems } : {}),
      proxy,
    },
    ...(askSystemProxy ? { askSystemProxy } : {}),
    connectionWords: connection.words,
    workspace: connection.workspaceName,
    resolveSigner: jobSignerResolver(options.stores),
    signingKeyPrn: signingKeyPrnOf(options.stores.settings),
    checkSigningKey: (ref) => keyCheck.check(ref),
    logger: options.logger,
    retention: {
      keepDays: preferences.finishedJobsKeepDays,
      keepLast: preferences.finishedJobsKeepLast,
    },
    partConcurrency: preferences.uploadConcurrency,
    jobConcurrency: preferences.jobConcurrency,
    maxBytesPerSecond: preferencesView(options.stores.settings, options.maxRate).maxRateInForce
      .bytesPerSecond,
    stallTimeoutMs: preferences.stallTimeoutSeconds * 1000,
    onEvent: (event) => {
      options.onEvent(event);
      watchRunner?.engineEvent(event);
    },
    ...options.engine,
  });
  const info = (): WorkspaceInfo => ({
    kind: KINDS[connection.source],
    profileName: connection.profileName,
    baseUrl: connection.baseUrl,
    online: engine.connectivity.online,
    offlineReason: engine.connectivity.offlineReason,
  });
  // What the server said of this workspace's API key is kept with the queue, by the key's
  // digest, so that the next command need not ask again (a build machine's every command
  // would pay the round trips); a queue that cannot be read or written costs only those.
  const serverSaid = { workspace: connection.workspaceName, keyDigest: connection.apiKeyDigest };
  const fromQueue = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch {
      return undefined;
    }
  };
  // The environment's key's organization: a profile keeps its own, the local workspace knows.
  const keepsOrganization = connection.source === 'environment';
  let organization: string | undefined =
    local?.organizationPrn ??
    (connection.source === 'profile' && connection.profileName !== null
      ? options.stores.settings.getProfile(connection.profileName)?.organizationPrn
      : undefined) ??
    (keepsOrganization
      ? fromQueue(() => engine.store.keyOrganization(serverSaid.workspace, serverSaid.keyDigest))
      : undefined);
  const organizationPrn = async (): Promise<string | undefined> => {
    if (organization !== undefined) return organization;
    try {
      const me = await engine.client.users.me({
        signal: AbortSignal.timeout(ORGANIZATION_WITHIN_MS),
        timeoutMs: ORGANIZATION_WITHIN_MS,
      });
      organization = me.organization_prn;
    } catch {
      // Offline or refused: the command's own request says so, with the server's words.
      return undefined;
    }
    const known = organization;
    if (keepsOrganization) {
      fromQueue(() =>
        engine.store.rememberKeyOrganization(serverSaid.workspace, serverSaid.keyDigest, known),
      );
    }
    return organization;
  };
  // Made after the engine, whose client it asks; the engine calls it only when given a job.
  const keyCheck: SigningKeyChecks = new SigningKeyChecks({
    stores: options.stores,
    client: engine.client,
    organizationPrn,
    workspaceWords: () => workspaceWords(info()),
    confirmedAt: (key) =>
      fromQueue(() =>
        engine.store.signingKeyConfirmedAt(serverSaid.workspace, serverSaid.keyDigest, key),
      ),
    confirmed: (key) =>
      fromQueue(() =>
        engine.store.rememberSigningKeyConfirmed(
          serverSaid.workspace,
          serverSaid.keyDigest,
          key,
          Date.now(),
        ),
      ),
  });
  // The watch agent feeds this workspace's queue, so it runs while the queue does.
  const watch = (watchRunner = new WatchRunner({
    engine,
    dataDir: options.dataDir,
    rules: () =>
      options.watchRules ? [...options.watchRules] : options.stores.settings.listWatchRules(),
    active: options.runQueue && options.watchFolders !== false,
    ...(options.onWatchEvent ? { onEvent: options.onWatchEvent } : {}),
    organizationPrn: async () => (await engine.client.users.me()).organization_prn,
    onChanged: (rules) => options.onWatchChanged({ rules }),
    onFiles: options.onWatchFiles,
    logger: options.logger,
    ...(options.watch ? { agent: options.watch } : {}),
  }));
  if (local) {
    try {
      await createLocalDemo(localWorkspaceDir(options.dataDir), engine.client);
    } catch (error) {
      // A local server that cannot store an artifact is broken: close what was opened, say so.
      await engine.close();
      await local.close();
      throw error;
    }
  }
  let running: Promise<void> = Promise.resolve();
  const run = (scope: { onlyJobIds?: readonly string[]; forever?: boolean }) => {
    running = engine.run(scope);
    // The scheduler's loop retries whatever fails inside it; a run that still ends in an error
    // (a second run asked for) is logged and shown, never unhandled.
    running.catch((error: unknown) => {
      const message = `The upload queue stopped: ${(error as Error).message}`;
      options.logger.child({ module: 'queue' }).error({ err: error }, message);
      options.onEvent({ type: 'engine:error', source: 'queue', message });
    });
    return running;
  };
  if (options.runQueue) void run({ forever: true });
  // Not awaited: a big folder's first look must not hold up opening; `watch:changed` tells it.
  watch.reload().catch((error: unknown) => {
    const message = `The watch folders could not be started: ${(error as Error).message}`;
    options.logger.child({ module: 'watch' }).error({ err: error }, message);
    options.onEvent({ type: 'engine:error', source: 'watch', message });
  });
  return {
    engine,
    watch,
    info,
    organizationPrn,
    checkSigningKey: (ref) => keyCheck.check(ref),
    run,
    stop: () => engine.stop(),
    async close() {
      // First, so the files being taken in are queued before the queue stops.
      await watch.close();
      engine.stop();
      await running.catch(() => {});
      await engine.close();
      await local?.close();
    },
  };
}
