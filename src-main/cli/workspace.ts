// Which server a command works against, by the credentials room's rules: the environment
// (PERIDIO_API_KEY, build machines), else the chosen or current profile, else the embedded
// local workspace, started in this process.
import { KeyringVault, resolveConnection } from '../credentials/index.js';
import { startLocalPeridio, type LocalPeridioServer } from '../local-peridio/index.js';
import { loadExtraCaCertificates } from '../peridio/index.js';
import { UploadEngine, type EngineEvent } from '../service/index.js';
import { defaultDataDir, localWorkspaceDir, openSettings } from '../settings/index.js';
import type { ApiConnection } from '../upload/index.js';
import { resolveSigner } from './signer.js';

/**
 * The upload engine for a command's workspace, signing with the CLI's keys; parts in flight
 * per job from `--concurrency`, else the `uploadConcurrency` preference; jobs at once from
 * `jobConcurrency` (the watch agent's `--jobs`), else the engine's default.
 */
export function engineFor(
  workspace: OpenWorkspace,
  options: {
    partConcurrency: number | undefined;
    jobConcurrency?: number | undefined;
    onEvent: (event: EngineEvent) => void;
  },
): UploadEngine {
  const preferences = openSettings({ dataDir: workspace.dataDir }).getPreferences();
  return new UploadEngine({
    dataDir: workspace.dataDir,
    connection: workspace.connection,
    workspace: workspace.name,
    resolveSigner,
    partConcurrency: options.partConcurrency ?? preferences.uploadConcurrency,
    ...(options.jobConcurrency ? { jobConcurrency: options.jobConcurrency } : {}),
    onEvent: options.onEvent,
  });
}

export interface OpenWorkspace {
  /** Names the workspace in the queue: `local`, `profile:<name>` or `environment:<url>`. */
  name: string;
  dataDir: string;
  connection: ApiConnection;
  close(): Promise<void>;
}

async function resolve(env: NodeJS.ProcessEnv, startLocal: boolean) {
  const dataDir = defaultDataDir(env);
  let local: LocalPeridioServer | undefined;
  const connection = await resolveConnection({
    profiles: openSettings({ dataDir }),
    vault: new KeyringVault(),
    env,
    localWorkspace: async () => {
      if (!startLocal) return { baseUrl: 'http://127.0.0.1', apiKey: 'not-connected' };
      local = await startLocalPeridio({ dataDir: localWorkspaceDir(dataDir) });
      return { baseUrl: local.url, apiKey: local.apiKey };
    },
  });
  return { dataDir, connection, local };
}

/** The workspace's name without connecting: enough to queue a job for it. */
export async function workspaceName(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return (await resolve(env, false)).connection.workspaceName;
}

export async function openWorkspace(env: NodeJS.ProcessEnv = process.env): Promise<OpenWorkspace> {
  const { dataDir, connection, local } = await resolve(env, true);
  const caPems = connection.caPath ? loadExtraCaCertificates({ caPath: connection.caPath }) : [];
  return {
    name: connection.workspaceName,
    dataDir,
    connection: {
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      apiVersion: String(connection.apiVersion),
      ...(caPems.length ? { caPems } : {}),
    },
    close: async () => {
      await local?.close();
    },
  };
}
