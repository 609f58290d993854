import { KeyringVault } from '../credentials/index.js';
import { PeridioClient } from '../peridio/index.js';
import { defaultDataDir, openSettings, type CredentialStores } from '../settings/index.js';
import { openWorkspace } from './workspace.js';

/** The settings file and the keychain, as the commands use them. */
export function openStores(): CredentialStores {
  return { settings: openSettings({ dataDir: defaultDataDir() }), vault: new KeyringVault() };
}

/** Runs `use` with a client for the command's workspace, closing both afterwards. */
export async function withClient<T>(use: (client: PeridioClient) => Promise<T>): Promise<T> {
  const workspace = await openWorkspace();
  const { connection } = workspace;
  const client = new PeridioClient({
    baseUrl: connection.baseUrl,
    apiKey: connection.apiKey,
    ...(connection.apiVersion ? { apiVersion: connection.apiVersion } : {}),
    ...(connection.caPems ? { caPems: connection.caPems } : {}),
  });
  try {
    return await use(client);
  } finally {
    client.close();
    await workspace.close();
  }
}
