import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PeridioClient,
  PeridioError,
  loadExtraCaCertificates,
  trustedCertificates,
} from '../../../src-main/peridio/index.js';
import { API_KEY, sendJson, startServer, type TestServer } from './test-server.js';

let dir: string;
let certPath: string;
let cert: string;
let server: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peridio-ca-'));
  certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=peridio-desk test CA',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(certPath, 'utf8');
  server = await startServer(
    (_request, response) =>
      sendJson(response, 200, {
        data: { email: 'a@b.c', username: 'a', organization_prn: 'prn:1:x' },
      }),
    { key: readFileSync(keyPath, 'utf8'), cert },
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function meWith(options: { caPath?: string; caPems?: string[] }) {
  const client = new PeridioClient({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    ...options,
  });
  try {
    return await client.users.me();
  } finally {
    client.close();
  }
}

describe('extra CA certificates', () => {
  it('refuses a server with a private certificate when its CA is not added, without retrying', async () => {
    const before = server.requests.length;
    const error = await meWith({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PeridioError);
    expect((error as PeridioError).code).toBe('tls');
    expect((error as PeridioError).message).toContain('CA setting');
    expect((error as PeridioError).attempts).toBe(1);
    expect(server.requests.length).toBe(before);
  });

  it('trusts the server once its CA file is added', async () => {
    await expect(meWith({ caPath: certPath })).resolves.toMatchObject({ username: 'a' });
  });

  it('trusts the server once its CA PEM is added', async () => {
    await expect(meWith({ caPems: [cert] })).resolves.toMatchObject({ username: 'a' });
  });

  it('appends to the system roots instead of replacing them', () => {
    const trusted = trustedCertificates(loadExtraCaCertificates({ caPath: certPath }));
    expect(trusted).toHaveLength(rootCertificates.length + 1);
    expect(trusted?.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(trusted?.at(-1)?.trim()).toBe(cert.trim());
    expect(trustedCertificates([])).toBeUndefined();
  });

  it('names a missing CA file', () => {
    const missing = join(dir, 'nope.pem');
    expect(() => new PeridioClient({ apiKey: API_KEY, caPath: missing })).toThrow(
      `The CA certificate file "${missing}" does not exist`,
    );
  });

  it('names a CA file that holds no certificate, or a broken one', () => {
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'not a certificate');
    expect(() => loadExtraCaCertificates({ caPath: empty })).toThrow(
      `The CA certificate file "${empty}" holds no PEM certificate`,
    );
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    let error: unknown;
    try {
      loadExtraCaCertificates({ caPath: broken });
    } catch (caught) {
      error = caught;
    }
    expect((error as PeridioError).code).toBe('invalid_ca');
    expect((error as PeridioError).message).toContain(
      `"${broken}": certificate 1 of 1 cannot be read`,
    );
  });

  it('names a CA path that is a folder', () => {
    expect(() => loadExtraCaCertificates({ caPath: dir })).toThrow('is a folder, not a file');
  });
});
