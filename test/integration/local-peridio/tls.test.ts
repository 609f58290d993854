// `local serve --tls-cert FILE --tls-key FILE`: the local server over https with a
// certificate from a private CA, as a company's own Peridio-compatible endpoint would be.
// Clients that trust the CA get the API and presigned part URLs on the same https origin;
// clients that do not are refused; and wrong files are named in the error before any start.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalServeArgs } from '../../../src-main/cli/local-serve.js';
import { readTlsFiles, startLocalPeridio } from '../../../src-main/local-peridio/index.js';
import { PeridioClient } from '../../../src-main/peridio/index.js';
import { createTestCa, type TestCa } from '../network/test-ca.js';
import { runCommand, spawnServer, tempDir, type SpawnedServer } from './helpers.js';

let ca: TestCa;
let otherCa: TestCa;
const running: SpawnedServer[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ca = await createTestCa();
  otherCa = await createTestCa();
});

afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await rm(ca.dir, { recursive: true, force: true });
  await rm(otherCa.dir, { recursive: true, force: true });
});

async function newDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}

async function serveTls(cert = ca.certPath, key = ca.keyPath): Promise<SpawnedServer> {
  const server = await spawnServer([
    '--data-dir',
    await newDir(),
    '--api-key',
    'k',
    '--tls-cert',
    cert,
    '--tls-key',
    key,
  ]);
  running.push(server);
  return server;
}

/** A PUT over https trusting only `caPem`; answers the status or the TLS error's code. */
function httpsPut(url: string, body: Buffer, caPem: string | undefined): Promise<string | number> {
  return new Promise((resolve) => {
    const request = https.request(url, {
      method: 'PUT',
      ...(caPem === undefined ? {} : { ca: caPem }),
      headers: {
        'content-length': String(body.length),
        'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'),
      },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end(body);
  });
}

describe('local serve over https', () => {
  it('serves the API and presigned part URLs on https to a client that trusts the CA', async () => {
    const server = await serveTls();
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const client = new PeridioClient({ baseUrl: server.url, apiKey: 'k', caPath: ca.caPath });
    try {
      expect((await client.users.me()).organization_prn).toBe(server.organizationPrn);
      const artifact = await client.artifacts.create({ name: 'tls-firmware' });
      const version = await client.artifactVersions.create({
        artifact_prn: artifact.prn,
        version: '1.0.0',
      });
      const content = Buffer.from('bytes over tls');
      const hash = createHash('sha256').update(content).digest('hex');
      const binary = await client.binaries.create({
        artifact_version_prn: version.prn,
        target: 'arm64',
        hash,
        size: content.length,
      });
      const part = await client.binaryParts.create(binary.prn, 1, {
        expected_binary_size: content.length,
        hash,
        size: content.length,
      });
      expect(part.presigned_upload_url.startsWith(`${server.url}/presigned/parts/`)).toBe(true);
      const caPem = await readFile(ca.caPath, 'utf8');
      expect(await httpsPut(part.presigned_upload_url, content, caPem)).toBe(200);
    } finally {
      client.close();
    }
  });

  it('is refused by clients that do not trust the CA', async () => {
    const server = await serveTls();
    const otherPem = await readFile(otherCa.caPath, 'utf8');
    const refused = await httpsPut(`${server.url}/users/me`, Buffer.alloc(0), otherPem);
    expect(refused).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const client = new PeridioClient({ baseUrl: server.url, apiKey: 'k' });
    try {
      // The user sees why: the certificate could not be verified.
      await expect(client.users.me()).rejects.toThrow('unable to verify the first certificate');
    } finally {
      client.close();
    }
  });

  it('starts in process with a certificate and key given as PEM text', async () => {
    const dataDir = await newDir();
    const server = await startLocalPeridio({
      dataDir,
      apiKey: 'k',
      tls: { cert: await readFile(ca.certPath, 'utf8'), key: await readFile(ca.keyPath, 'utf8') },
    });
    try {
      expect(server.url.startsWith('https://127.0.0.1:')).toBe(true);
    } finally {
      await server.close();
    }
    await expect(
      startLocalPeridio({
        dataDir,
        tls: {
          cert: await readFile(ca.certPath, 'utf8'),
          key: await readFile(otherCa.keyPath, 'utf8'),
        },
      }),
    ).rejects.toThrow('tls.key is not the private key of the certificate in tls.cert');
  });
});

describe('local serve --tls-cert/--tls-key mistakes', () => {
  async function serve(...args: string[]) {
    return runCommand(['local', 'serve', '--data-dir', await newDir(), ...args]);
  }

  it('asks for both options together (exit 2)', async () => {
    const onlyCert = await serve('--tls-cert', ca.certPath);
    expect(onlyCert.code).toBe(2);
    expect(onlyCert.stderr).toContain('--tls-cert needs --tls-key');
    expect(() => parseLocalServeArgs(['--tls-key', ca.keyPath])).toThrow(
      '--tls-key needs --tls-cert',
    );
  });

  it('names the file that is missing, not PEM, or not the pair of the other (exit 1)', async () => {
    const mismatched = await serve('--tls-cert', ca.certPath, '--tls-key', otherCa.keyPath);
    expect(mismatched.code).toBe(1);
    expect(mismatched.stderr).toContain(
      `${otherCa.keyPath} is not the private key of the certificate in ${ca.certPath}`,
    );
    expect(mismatched.stdout).toBe('');

    const dir = await newDir();
    const missing = path.join(dir, 'nope.pem');
    const notPem = path.join(dir, 'notes.txt');
    await writeFile(notPem, 'this is not a certificate\n');
    const cases: [string, string, string][] = [
      [missing, ca.keyPath, `The TLS certificate file ${missing} does not exist.`],
      [ca.certPath, missing, `The TLS key file ${missing} does not exist.`],
      [dir, ca.keyPath, `The TLS certificate file ${dir} is not a file.`],
      [notPem, ca.keyPath, `${notPem} does not hold a PEM certificate`],
      [ca.certPath, ca.certPath, `${ca.certPath} does not hold a PEM private key`],
    ];
    for (const [cert, key, message] of cases) {
      await expect(readTlsFiles(cert, key)).rejects.toThrow(message);
    }
  });
});
