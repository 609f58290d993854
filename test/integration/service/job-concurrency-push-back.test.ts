// The engine hears the server push back: a 429 or a 503 on an Admin API request halves the
// jobs it starts at once, as the local server's fault injection answers them.
import { afterEach, describe, expect, it } from 'vitest';
import { UploadEngine } from '../../../src-main/service/index.js';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function engineAgainst(faults: string): Promise<UploadEngine> {
  const test: TestServer = await startTestServer({ faults });
  const engine = new UploadEngine({
    dataDir: await tempDir('push-back-'),
    connection: { baseUrl: test.server.url, apiKey: test.server.apiKey },
    workspace: 'push-back',
    resolveSigner: async () => {
      throw new Error('no signing here');
    },
    signingKeyPrn: () => undefined,
  });
  cleanups.push(
    () => test.stop(),
    () => engine.close(),
  );
  return engine;
}

describe('job concurrency and the server', () => {
  it('halves the jobs at once after a 429, and after a 503', async () => {
    for (const faults of ['rate429=1,seed=1', 'api503=1,seed=1']) {
      const engine = await engineAgainst(faults);
      expect(engine.jobConcurrency.limit).toBe(8);
      await expect(engine.client.users.me()).rejects.toThrow();
      // Three tries, two retries told within the same burst: halved once.
      expect(engine.jobConcurrency.limit, faults).toBe(4);
    }
  });

  it('keeps eight at once while the server answers', async () => {
    const engine = await engineAgainst('seed=1');
    await engine.client.users.me();
    expect(engine.jobConcurrency.limit).toBe(8);
  });
});
