// The workspace the service works against, by the credentials room's rules (the environment,
// else the chosen or current profile, else the embedded local server, started here): its
// connection, its upload engine (whose client the commands share) and its queue runner.
import type { WorkspaceInfo } from '../../src-preload/contract.js';
import { resolveConnection } from '../credentials/index.js';
import { startLocalPeridio, type LocalPeridioServer } from '../local-peridio/index.js';
import { loadExtraCaCertificates } from '../peridio/index.js';
import { localWorkspaceDir, type CredentialStores } from '../settings/index.js';
import { jobSignerResolver } from './desk-signer.js';
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
  /** Test knobs passed to the engine. */
  engine?: Pick<UploadEngineOptions, 'probeDelayMs' | 'pollMs' | 'jobConcurrency'>;
}

export interface DeskWorkspace {
  readonly engine: UploadEngine;
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
    onEvent: options.onEvent,
    ...options.engine,
  });
  const running = options.runQueue ? engine.run({ forever: true }) : Promise.resolve();
  // A queue that stops on its own is reported through the job events; keep it from being unhandled.
  running.catch(() => {});
  return {
    engine,
    info: () => ({
      kind: KINDS[connection.source],
      profileName: connection.profileName,
      baseUrl: connection.baseUrl,
      online: engine.connectivity.online,
      offlineReason: engine.connectivity.offlineReason,
    }),
    async close() {
      engine.stop();
      await running.catch(() => {});
      await engine.close();
      await local?.close();
    },
  };
}
