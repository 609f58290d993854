// A client talking over HTTP to a real local server on a temp data folder.
import { rm } from 'node:fs/promises';
import { PeridioClient, type RetryNotice } from '../../../src-main/peridio/index.js';
import {
  startLocalPeridio,
  type LocalPeridioOptions,
  type LocalPeridioServer,
} from '../../../src-main/local-peridio/index.js';
import { tempDir } from '../local-peridio/helpers.js';

export interface ClientWorkspace {
  server: LocalPeridioServer;
  client: PeridioClient;
  retries: RetryNotice[];
  stop(): Promise<void>;
}

export async function startClientWorkspace(
  options: Partial<LocalPeridioOptions> = {},
): Promise<ClientWorkspace> {
  const dataDir = await tempDir('client-workspace-');
  const server = await startLocalPeridio({ ...options, dataDir });
  const retries: RetryNotice[] = [];
  const client = new PeridioClient({
    baseUrl: server.url,
    apiKey: server.apiKey,
    // Short delays keep the retry tests quick; the policy itself is the real one.
    retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 50, maxAttempts: 8 },
    onRetry: (notice) => retries.push(notice),
  });
  return {
    server,
    client,
    retries,
    async stop() {
      client.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
