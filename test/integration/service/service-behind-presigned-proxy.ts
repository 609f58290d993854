// A DeskService whose part PUTs pass the presigned proxy (test/integration/upload), which can
// hold them or note when each byte arrived: for tests of what the engine does to running PUTs
// (the bandwidth cap, the stall timeout) through the service's door.
import { randomBytes, randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyringVault } from '../../../src-main/credentials/index.js';
import {
  openDeskService,
  type DeskService,
  type OpenDeskServiceOptions,
} from '../../../src-main/service/index.js';
import type { DeskEvent } from '../../../src-preload/contract.js';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import {
  startPresignedProxy,
  type PresignedProxy,
  type PutTreatment,
} from '../upload/presigned-proxy.js';

export interface ServiceBehindProxy {
  dir: string;
  server: TestServer;
  proxy: PresignedProxy;
  /** Opens the service on `dir/desk`, talking to the server through the proxy. */
  open(options?: OpenDeskServiceOptions): Promise<DeskService>;
  /** Closes the service now (its log flushed for reading); `close` then leaves it. */
  closeService(): Promise<void>;
  /** Closes the service, the proxy and the server, and removes `dir`. */
  close(): Promise<void>;
}

const vault = new KeyringVault({ service: `peridio-desk-test-${randomUUID()}` });

export async function startServiceBehindProxy(
  name: string,
  treat: (putNumber: number) => PutTreatment,
): Promise<ServiceBehindProxy> {
  const dir = await tempDir(`${name}-`);
  const proxy = await startPresignedProxy(treat);
  const server = await startTestServer({ publicUrl: proxy.url });
  proxy.forwardTo(server.server.url);
  let service: DeskService | undefined;
  return {
    dir,
    server,
    proxy,
    async open(options = {}) {
      service = await openDeskService({
        dataDir: path.join(dir, 'desk'),
        // The API straight, the storage (the presigned URLs) through the proxy: two origins, as
        // on the cloud, so that no part PUT rides a connection the API opened.
        env: { PERIDIO_BASE_URL: server.server.url, PERIDIO_API_KEY: server.server.apiKey },
        vault,
        engine: { pollMs: 100 },
        ...options,
      });
      return service;
    },
    async closeService() {
      await service?.close();
      service = undefined;
    },
    async close() {
      await service?.close();
      await proxy.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Queues a file of `size` random bytes in a new version; `ended` resolves when its job ends. */
export async function queueUpload(
  desk: DeskService,
  dir: string,
  size: number,
): Promise<{ ended: Promise<DeskEvent> }> {
  const artifact = await desk.call('artifacts.create', { name: `fw-${randomUUID()}` });
  const version = await desk.call('artifactVersions.create', {
    artifactPrn: artifact.prn,
    version: '1.0.0',
  });
  const file = path.join(dir, `${randomUUID()}.img`);
  await writeFile(file, randomBytes(size));
  const job = await desk.call('uploads.enqueue', {
    path: file,
    artifactVersionPrn: version.prn,
    target: 'arm',
  });
  const ended = new Promise<DeskEvent>((resolve) => {
    desk.subscribe((event) => {
      if (event.name === 'job:ended' && event.payload.job.id === job.id) resolve(event);
    });
  });
  return { ended };
}
