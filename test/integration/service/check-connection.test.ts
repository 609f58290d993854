// "Check now": after a long outage the next probe may be a minute away. A person who knows
// the server is back (or the system saying the network is) asks, and the waiting upload goes
// on at once: here the scheduled probe is an hour away, so only the ask can bring it back.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeskEvent } from '../../../src-preload/contract.js';
import {
  startLocalPeridio,
  type LocalPeridioServer,
} from '../../../src-main/local-peridio/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import { content, tempDir } from '../local-peridio/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function eventOf(service: DeskService, match: (event: DeskEvent) => boolean): Promise<DeskEvent> {
  return new Promise((resolve) => {
    const stop = service.subscribe((event) => {
      if (!match(event)) return;
      stop();
      resolve(event);
    });
  });
}

describe('workspace.checkConnection', () => {
  it('brings a waiting upload back at once when the server is back', async () => {
    const dir = await tempDir('check-connection-');
    const serverDir = path.join(dir, 'server');
    let server: LocalPeridioServer = await startLocalPeridio({ dataDir: serverDir, apiKey: 'k' });
    const port = Number(new URL(server.url).port);
    const service = await openDeskService({
      dataDir: path.join(dir, 'desk'),
      env: { PERIDIO_BASE_URL: server.url, PERIDIO_API_KEY: 'k' },
      vault: new MemoryVault(),
      engine: { pollMs: 100, probeDelayMs: { initial: 3_600_000, max: 3_600_000 } },
    });
    cleanups.push(async () => {
      await service.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    });
    const artifact = await service.call('artifacts.create', { name: 'outage' });
    const version = await service.call('artifactVersions.create', {
      artifactPrn: artifact.prn,
      version: '1.0.0',
    });
    const file = path.join(dir, 'fw.img');
    await writeFile(file, content(256 * 1024, 3));

    // While online, asking changes nothing.
    expect(await service.call('workspace.checkConnection')).toMatchObject({ online: true });

    await server.close();
    const offline = eventOf(service, (e) => e.name === 'connectivity:changed' && !e.payload.online);
    const job = await service.call('uploads.enqueue', {
      path: file,
      artifactVersionPrn: version.prn,
      target: 'aarch64-unknown-linux-gnu',
    });
    await offline;
    expect(await service.call('workspace.checkConnection')).toMatchObject({ online: false });
    const [waiting] = (await service.call('jobs.list', {})).items;
    expect(waiting).toMatchObject({ id: job.id, status: 'waiting' });

    server = await startLocalPeridio({ dataDir: serverDir, apiKey: 'k', port });
    const ended = eventOf(service, (e) => e.name === 'job:ended' && e.payload.job.id === job.id);
    const back = await service.call('workspace.checkConnection');
    expect(back).toMatchObject({ online: true, offlineReason: null });
    const end = await ended;
    expect(end.name === 'job:ended' && end.payload.outcome).toEqual({ status: 'done' });
  });
});
