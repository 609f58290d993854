// The workspace the service works against, by the credentials room's rules (the environment,
// else the chosen or current profile, else the embedded local server, started here): its
// connection, its upload engine (whose client the commands share) and its queue runner.
import type { EventPayloads, WorkspaceInfo } from '../../src-preload/contract.js';
import { resolveConnection } from '../credentials/index.js';
import { startLocalPeridio, type LocalPeridioServer } from '../local-peridio/index.js';
import { loadExtraCaCertificates } from '../peridio/index.js';
import { localWorkspaceDir, type CredentialStores } from '../settings/index.js';
import { WatchRunner, type WatchRunnerOptions } from '../watch/index.js';
import { jobSignerResolver } from './desk-signer.js';
import { createLocalDemo } from './local-demo.js';
import { UploadEngine, type EngineEvent, type UploadEngineOptions } from './upload-engine.js';

export interface DeskWorkspaceOptions {
  dataDir: string;
  stores: CredentialStores;
  env: NodeJS.ProcessEnv;
  /** An explicit profile (e.g. `--profile`); wins over PERIDIO_PROFILE and the current one. */
  profileName?: string;
  /** Run the queue (upload jobs as they come); off for a service that only answers commands. */
  runQueue: boolean;
  onEvent: (event: EngineEvent) => void;
  /** The watch folders' statuses and file batches, for the faces. */
  onWatchChanged: (payload: EventPayloads['watch:changed']) => void;
  onWatchFiles: (payload: EventPayloads['watch:files']) => void;
  /** Test knobs passed to the engine. */
  engine?: Pick<UploadEngineOptions, 'probeDelayMs' | 'pollMs' | 'jobConcurrency'>;
  /** Test knobs passed to the watch agent. */
  watch?: WatchRunnerOptions['agent'];
}

export interface DeskWorkspace {
  readonly engine: UploadEngine;
  readonly watch: WatchRunner;
  info(): WorkspaceInfo;
  close(): Promise<void>;
}

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
      local = await startLocalPeridio({ dataDir: localWorkspaceDir(options.dataDir) });
      return { baseUrl: local.url, apiKey: local.apiKey };
    },
  });
  const caPems = connection.caPath ? loadExtraCaCertificates({ caPath: connection.caPath }) : [];
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
    },
    workspace: connection.workspaceName,
    resolveSigner: jobSignerResolver(options.stores),
    partConcurrency: preferences.uploadConcurrency,
    onEvent: (event) => {
      options.onEvent(event);
      watchRunner?.engineEvent(event);
    },
    ...options.engine,
  });
  // The watch agent feeds this workspace's queue, so it runs while the queue does.
  const watch = (watchRunner = new WatchRunner({
    engine,
    dataDir: options.dataDir,
    rules: () => options.stores.settings.listWatchRules(),
    active: options.runQueue,
    organizationPrn: async () => (await engine.client.users.me()).organization_prn,
    onChanged: (rules) => options.onWatchChanged({ rules }),
    onFiles: options.onWatchFiles,
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
  const running = options.runQueue ? engine.run({ forever: true }) : Promise.resolve();
  // A queue that stops on its own is reported through the job events; keep it from being unhandled.
  running.catch(() => {});
  // Not awaited: a big folder's first look must not hold up opening; `watch:changed` tells it.
  watch.reload().catch(() => {});
  return {
    engine,
    watch,
    info: () => ({
      kind: KINDS[connection.source],
      profileName: connection.profileName,
      baseUrl: connection.baseUrl,
      online: engine.connectivity.online,
      offlineReason: engine.connectivity.offlineReason,
    }),
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
