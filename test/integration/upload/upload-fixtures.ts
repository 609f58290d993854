// What the transfer tests share: a real local server with a client for the test's own checks,
// an artifact version to hang binaries on, temp files, and the checks a user would make
// afterwards (which parts the server holds, and the bytes it gives back).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Binary, BinaryPart, PeridioClient } from '../../../src-main/peridio/index.js';
import type { LocalPeridioOptions } from '../../../src-main/local-peridio/index.js';
import {
  isUploadError,
  type UploadError,
  type ApiConnection,
  type HashedFile,
} from '../../../src-main/upload/index.js';
import { startClientWorkspace, type ClientWorkspace } from '../client/client-workspace.js';
import { unique, waitFor } from '../local-peridio/helpers.js';

export { MiB } from '../../../src-main/upload/index.js';

export const sha256 = (data: Buffer | string): string =>
  createHash('sha256').update(data).digest('hex');

export interface UploadWorkspace extends ClientWorkspace {
  /** The worker's connection straight to the server. */
  connection: ApiConnection;
  dir: string;
  /** Writes `size` random bytes to a new temp file. */
  writeFile(name: string, size: number): Promise<{ path: string; data: Buffer }>;
  /** A new `uploadable` binary for this file's hash and size. */
  createBinary(file: Pick<HashedFile, 'sha256' | 'size'>): Promise<Binary>;
  parts(binaryPrn: string): Promise<BinaryPart[]>;
  /** PATCH hashable, PATCH hashing, wait for the server's own hash; answers the binary. */
  finish(binaryPrn: string): Promise<Binary>;
  /** The SHA-256 of what `download_url` serves. */
  downloadedHash(binaryPrn: string): Promise<string>;
}

export async function startUploadWorkspace(
  options: Partial<LocalPeridioOptions> = {},
): Promise<UploadWorkspace> {
  const ws = await startClientWorkspace(options);
  const client: PeridioClient = ws.client;
  const dir = await mkdtemp(path.join(tmpdir(), 'upload-files-'));
  const artifact = await client.artifacts.create({ name: unique('firmware') });
  const version = await client.artifactVersions.create({
    artifact_prn: artifact.prn,
    version: unique('v'),
  });
  return {
    ...ws,
    connection: { baseUrl: ws.server.url, apiKey: ws.server.apiKey },
    dir,
    async writeFile(name, size) {
      const data = randomBytes(size);
      const file = path.join(dir, name);
      await writeFile(file, data);
      return { path: file, data };
    },
    createBinary: (file) =>
      client.binaries.create({
        artifact_version_prn: version.prn,
        target: unique('target'),
        hash: file.sha256,
        size: file.size,
      }),
    async parts(binaryPrn) {
      const parts: BinaryPart[] = [];
      for await (const part of client.binaryParts.listAll(binaryPrn)) parts.push(part);
      return parts.sort((a, b) => a.index - b.index);
    },
    async finish(binaryPrn) {
      await client.binaries.setState(binaryPrn, 'hashable');
      await client.binaries.setState(binaryPrn, 'hashing');
      return waitFor(
        'the server to finish hashing',
        () => client.binaries.get(binaryPrn),
        (binary) => binary.state !== 'hashing',
      );
    },
    async downloadedHash(binaryPrn) {
      const response = await fetch(await client.binaries.downloadUrl(binaryPrn));
      if (response.status !== 200) throw new Error(`download answered ${response.status}`);
      return sha256(Buffer.from(await response.arrayBuffer()));
    },
    async stop() {
      await ws.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The UploadError a promise rejects with (anything else fails the test). */
export async function uploadFailure(promise: Promise<unknown>): Promise<UploadError> {
  try {
    await promise;
  } catch (error) {
    if (isUploadError(error)) return error;
    throw error;
  }
  throw new Error('expected the upload to fail');
}

/** Summarises parts as `index:state` for readable assertions. */
export function partStates(parts: readonly BinaryPart[]): string[] {
  return parts.map((part) => `${part.index}:${part.state}`);
}
