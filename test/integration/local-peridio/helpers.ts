// Shared fixtures for the local Peridio server tests: a server on a temp data folder, a
// small fetch wrapper, content helpers, and the spawned CLI for kill tests.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  startLocalPeridio,
  type LocalPeridioOptions,
  type LocalPeridioServer,
} from '../../../src-main/local-peridio/index.js';

export const MiB = 1024 * 1024;
export const PART_MIN = 5 * MiB;
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

// Response bodies are plain JSON that the tests check field by field, so they are read loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export type Api = <T = Json>(
  method: string,
  pathname: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse<T>>;

export function apiFor(url: string, apiKey: string): Api {
  return async (method, pathname, body, headers = {}) => {
    const response = await fetch(`${url}${pathname}`, {
      method,
      headers: {
        authorization: `Token ${apiKey}`,
        'x-api-version': '2',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (an S3-style XML error): keep the text.
    }
    return { status: response.status, body: parsed as never, headers: response.headers };
  };
}

export async function tempDir(prefix = 'local-peridio-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface TestServer {
  server: LocalPeridioServer;
  api: Api;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  options: Partial<LocalPeridioOptions> = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDir());
  const server = await startLocalPeridio({ apiKey: 'test-key', ...options, dataDir });
  return {
    server,
    api: apiFor(server.url, server.apiKey),
    dataDir,
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function checksumHeader(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}

/** Deterministic, non-repeating content of a given size. */
export function content(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`seed-${seed}`).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The contract page's test vector key: seed bytes 0..31. */
export const TEST_VECTOR = {
  value: 'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=',
  privateKey: createPrivateKey({
    key: Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(Array.from({ length: 32 }, (_, i) => i)),
    ]),
    format: 'der',
    type: 'pkcs8',
  }),
};

export function signHash(hash: string, privateKey = TEST_VECTOR.privateKey): string {
  return sign(null, Buffer.from(hash, 'ascii'), privateKey).toString('hex').toUpperCase();
}

let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Date.now()}`;
}

/** An artifact version to hang binaries on. */
export async function createArtifactVersion(api: Api): Promise<string> {
  const artifact = await api('POST', '/artifacts', { name: unique('artifact') });
  if (artifact.status !== 201) throw new Error(`artifact create: ${JSON.stringify(artifact.body)}`);
  const version = await api('POST', '/artifact_versions', {
    artifact_prn: artifact.body.artifact.prn,
    version: unique('v'),
  });
  if (version.status !== 201) throw new Error(`version create: ${JSON.stringify(version.body)}`);
  return version.body.artifact_version.prn as string;
}

export async function createBinary(
  api: Api,
  data: Buffer,
  extra: Record<string, unknown> = {},
): Promise<Json> {
  const artifactVersionPrn =
    (extra.artifact_version_prn as string) ?? (await createArtifactVersion(api));
  const response = await api('POST', '/binaries', {
    artifact_version_prn: artifactVersionPrn,
    target: unique('target'),
    hash: sha256Hex(data),
    size: data.length,
    ...extra,
  });
  if (response.status !== 201) throw new Error(`binary create: ${JSON.stringify(response.body)}`);
  return response.body.binary;
}

export async function createPart(
  api: Api,
  binary: { prn: string; size: number },
  index: number,
  data: Buffer,
) {
  const response = await api('PUT', `/binaries/${binary.prn}/parts/${index}`, {
    expected_binary_size: binary.size,
    hash: sha256Hex(data),
    size: data.length,
  });
  if (response.status !== 201) throw new Error(`part create: ${JSON.stringify(response.body)}`);
  return response.body.binary_part;
}

export async function putBytes(url: string, data: Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      'x-amz-checksum-sha256': checksumHeader(data),
      ...headers,
    },
    body: data,
  });
  return { status: response.status, text: await response.text() };
}

/** Splits content into parts of `partSize` (the last one smaller) and uploads them all. */
export async function uploadAll(
  api: Api,
  binary: { prn: string; size: number },
  data: Buffer,
  partSize = PART_MIN,
) {
  for (let index = 1, at = 0; at < data.length; index += 1, at += partSize) {
    const bytes = data.subarray(at, at + partSize);
    const part = await createPart(api, binary, index, bytes);
    const put = await putBytes(part.presigned_upload_url, bytes);
    if (put.status !== 200) throw new Error(`part ${index} upload: ${put.status} ${put.text}`);
  }
}

export async function listAll(api: Api, pathname: string, key: string): Promise<Json[]> {
  const items: Json[] = [];
  let page: string | null = null;
  do {
    const separator = pathname.includes('?') ? '&' : '?';
    const response: ApiResponse = await api(
      'GET',
      `${pathname}${page ? `${separator}page=${encodeURIComponent(page)}` : ''}`,
    );
    if (response.status !== 200)
      throw new Error(`list ${pathname}: ${JSON.stringify(response.body)}`);
    items.push(...response.body[key]);
    page = response.body.next_page;
  } while (page);
  return items;
}

/** Every binary of an artifact version, page after page. */
export function binariesOf(api: Api, versionPrn: string): Promise<Json[]> {
  const search = encodeURIComponent(`artifact_version_prn:'${versionPrn}'`);
  return listAll(api, `/binaries?search=${search}&limit=100`, 'binaries');
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Drives a binary from uploadable to signable (content must already be uploaded). */
export async function hashToSignable(api: Api, prn: string): Promise<Json> {
  const hashable = await api('PATCH', `/binaries/${prn}`, { state: 'hashable' });
  if (hashable.status !== 200) throw new Error(`hashable: ${JSON.stringify(hashable.body)}`);
  const hashing = await api('PATCH', `/binaries/${prn}`, { state: 'hashing' });
  if (hashing.status !== 200) throw new Error(`hashing: ${JSON.stringify(hashing.body)}`);
  const done = await waitFor(
    'hashing to finish',
    () => api('GET', `/binaries/${prn}`),
    (r) => r.body.binary.state !== 'hashing',
  );
  return done.body.binary;
}

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  organizationPrn: string;
  apiKey: string | undefined;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How a process is started: `spawn`, or a wrapper (inside a network namespace). */
/** Runs `peridio-desk ARGS` from the sources to its end: its exit status and output. */
export function runCommand(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/bin.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export type Launcher = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

/** Runs `local serve` as its own process (so kill -9 hits the server) and waits for ready. */
export async function spawnServer(
  args: string[],
  launch: Launcher = spawn,
): Promise<SpawnedServer> {
  const child = launch(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'src-main/cli/bin.ts'), 'local', 'serve', ...args],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((exit) => {
      throw new Error(`local serve exited before ready (${JSON.stringify(exit)}): ${stderr}`);
    }),
  ]);
  const ready = JSON.parse(first) as {
    event: string;
    url: string;
    organization_prn: string;
    api_key?: string;
  };
  if (ready.event !== 'ready') throw new Error(`unexpected first line: ${first}`);
  return {
    child,
    url: ready.url,
    organizationPrn: ready.organization_prn,
    apiKey: ready.api_key,
    stderr: () => stderr,
    exited,
  };
}

export interface SlowUpload {
  /** Resolves once `bytes` bytes have been handed to the socket. */
  written: Promise<void>;
  /** Settles when the request ends: the status, or the error that cut it off. */
  result: Promise<{ status?: number; error?: string }>;
  abort(): void;
}

/**
 * PUTs the first `sendBytes` of a part to a presigned URL (declaring the full length) and
 * then stalls, like a slow client, until aborted or the server goes away.
 */
export function startSlowUpload(url: string, data: Buffer, sendBytes: number): SlowUpload {
  const request = httpRequest(url, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(data.length),
      'x-amz-checksum-sha256': checksumHeader(data),
    },
  });
  const result = new Promise<{ status?: number; error?: string }>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode });
    });
    request.on('error', (error) => resolve({ error: error.message }));
  });
  const written = new Promise<void>((resolve) =>
    request.write(data.subarray(0, sendBytes), () => resolve()),
  );
  return { written, result, abort: () => request.destroy() };
}
