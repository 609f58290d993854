// The embedded local workspace greets a new person with a demo artifact and version to drop
// a file on, once: a second start (or a person who removed it) does not bring another.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDeskService } from '../../../src-main/service/index.js';
import { DEMO_ARTIFACT } from '../../../src-main/service/local-demo.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import { startTestServer, tempDir } from '../local-peridio/helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await tempDir('local-demo-');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function demoArtifacts(dataDir: string) {
  const service = await openDeskService({
    dataDir,
    env: {},
    vault: new MemoryVault(),
    runQueue: false,
  });
  try {
    expect(service.workspace.kind).toBe('local');
    const artifacts = await service.call('artifacts.list', {});
    const demos = artifacts.items.filter((a) => a.name === DEMO_ARTIFACT.name);
    const versions = await Promise.all(
      demos.map((a) => service.call('artifactVersions.list', { artifactPrn: a.prn })),
    );
    return { count: artifacts.items.length, demos, versions: versions.flatMap((v) => v.items) };
  } finally {
    await service.close();
  }
}

describe('the local workspace demo', () => {
  it('is there on the first start, with a version to drop files on', async () => {
    const first = await demoArtifacts(path.join(dir, 'desk'));
    expect(first.demos).toHaveLength(1);
    expect(first.versions.map((v) => v.version)).toEqual([DEMO_ARTIFACT.version]);
  });

  it('is made once: a second start of the same workspace adds nothing', async () => {
    const again = await demoArtifacts(path.join(dir, 'desk'));
    expect(again.demos).toHaveLength(1);
    expect(again.count).toBe(1);
  });

  it('only in the local workspace, never on a Peridio server', async () => {
    const server = await startTestServer();
    const service = await openDeskService({
      dataDir: path.join(dir, 'remote'),
      env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
      vault: new MemoryVault(),
      runQueue: false,
    });
    try {
      expect((await service.call('artifacts.list', {})).items).toEqual([]);
    } finally {
      await service.close();
      await server.stop();
    }
  });
});
