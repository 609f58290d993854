// A connection given by environment variables is named so in failure messages: a 403 says
// "check PERIDIO_API_KEY", never "the profile's API key", and a profile's connection names
// the profile.
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAccount, resolveConnection } from '../../../src-main/credentials/index.js';
import { PeridioClient, PeridioError } from '../../../src-main/peridio/index.js';
import { MemoryVault } from '../memory-vault.js';
import { API_KEY, FAST_RETRY, sendJson, startServer, type TestServer } from './test-server.js';

let server: TestServer | undefined;
let client: PeridioClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = client = undefined;
});

const PROD = { name: 'prod', baseUrl: 'https://api.example' };
const profiles = (current: string | null) => ({
  currentProfileName: () => current,
  getProfile: (name: string) => (name === PROD.name ? PROD : undefined),
});

async function forbiddenMessage(env: NodeJS.ProcessEnv, current: string | null): Promise<string> {
  server = await startServer((_request, response) =>
    sendJson(response, 403, { status: 'forbidden' }),
  );
  const vault = new MemoryVault();
  await vault.set(apiKeyAccount('prod'), API_KEY);
  const connection = await resolveConnection({
    profiles: profiles(current),
    vault,
    env: { ...env, PERIDIO_BASE_URL: server.baseUrl },
    localWorkspace: () => ({ baseUrl: server!.baseUrl, apiKey: API_KEY }),
  });
  client = new PeridioClient({
    baseUrl: connection.baseUrl,
    apiKey: API_KEY,
    retry: FAST_RETRY,
    words: connection.words,
  });
  const error = await client.users.me().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(PeridioError);
  return (error as PeridioError).message;
}

describe('failure messages name where the connection came from', () => {
  it('says PERIDIO_API_KEY and PERIDIO_BASE_URL for a connection from the environment', async () => {
    const message = await forbiddenMessage({ PERIDIO_API_KEY: API_KEY }, null);
    expect(message).toContain('Check PERIDIO_API_KEY');
    expect(message).toContain('PERIDIO_BASE_URL is the right server');
    expect(message).not.toMatch(/profile/);
  });

  it('says PERIDIO_API_KEY even when a current profile gives the rest', async () => {
    const message = await forbiddenMessage({ PERIDIO_API_KEY: API_KEY }, 'prod');
    expect(message).toContain('Check PERIDIO_API_KEY');
    expect(message).not.toContain('API key of the profile');
  });
});

it('names the profile for a profile’s connection', async () => {
  const vault = new MemoryVault();
  await vault.set(apiKeyAccount('prod'), API_KEY);
  const connection = await resolveConnection({
    profiles: profiles('prod'),
    vault,
    env: {},
    localWorkspace: () => ({ baseUrl: 'http://127.0.0.1:1', apiKey: API_KEY }),
  });
  expect(connection.words).toEqual({
    apiKey: 'the API key of the profile "prod"',
    baseUrl: 'the base URL of the profile "prod"',
    caSetting: 'the CA file of the profile "prod"',
  });
});
