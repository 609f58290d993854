// The URLs the server hands out (presigned part uploads, downloads) point where the server
// is, never where the request's Host header says: a client that sends `Host:
// attacker.example:8443` must not get an upload URL to that host. `--public-url` names the
// origin for a server reached through a port mapping or a proxy.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import {
  content,
  createBinary,
  createPart,
  putBytes,
  runCommand,
  hashToSignable,
  startTestServer,
  tempDir,
  type Json,
  type TestServer,
} from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** A JSON API request with the Host header given (fetch would not let a test set it). */
function withHost(
  server: TestServer,
  method: string,
  path: string,
  host: string,
  body?: Json,
): Promise<{ status: number; body: Json }> {
  const url = new URL(path, server.server.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method,
      headers: {
        host,
        authorization: `Token ${server.server.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
      );
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('the origin of the URLs the server hands out', () => {
  test('a part created with a foreign Host header gets an upload URL to this server', async () => {
    t = await startTestServer();
    const data = content(1024);
    const binary = await createBinary(t.api, data);
    const created = await withHost(
      t,
      'PUT',
      `/binaries/${binary.prn}/parts/1`,
      'attacker.example:8443',
      {
        expected_binary_size: binary.size,
        hash: binary.hash,
        size: data.length,
      },
    );
    expect(created.status).toBe(201);
    const url = created.body.binary_part.presigned_upload_url as string;
    expect(url.startsWith(`${t.server.url}/presigned/parts/`)).toBe(true);
    expect(url).not.toContain('attacker.example');
  });

  test('a download URL asked with a foreign Host header points to this server', async () => {
    t = await startTestServer();
    const data = content(1024);
    const binary = await createBinary(t.api, data);
    const part = await createPart(t.api, binary, 1, data);
    await putBytes(part.presigned_upload_url, data);
    await hashToSignable(t.api, binary.prn);
    const link = await withHost(
      t,
      'GET',
      `/binaries/${binary.prn}/download_url`,
      'attacker.example',
    );
    expect(link.status).toBe(200);
    expect((link.body.download_url as string).startsWith(`${t.server.url}/`)).toBe(true);
  });

  test('--public-url names the origin of every URL, whatever the Host header says', async () => {
    t = await startTestServer({ publicUrl: 'https://peridio.lan:4000/' });
    const data = content(1024);
    const binary = await createBinary(t.api, data);
    const created = await withHost(
      t,
      'PUT',
      `/binaries/${binary.prn}/parts/1`,
      'attacker.example',
      {
        expected_binary_size: binary.size,
        hash: binary.hash,
        size: data.length,
      },
    );
    expect(created.body.binary_part.presigned_upload_url).toMatch(
      /^https:\/\/peridio\.lan:4000\/presigned\/parts\//,
    );
  });

  test.each([
    ['ftp://peridio.lan', 'must start with http:// or https://'],
    ['http://admin:pw@peridio.lan', 'must not hold a user name or password'],
    ['http://peridio.lan/api', 'must be an origin only'],
    ['peridio.lan:4000', 'must start with http:// or https://'],
    ['not a url', 'is not a URL'],
  ])('local serve --public-url %s is refused: %s (exit 2, nothing started)', async (url, says) => {
    const dataDir = await tempDir('public-url-');
    const { code, stdout, stderr } = await runCommand([
      ...['local', 'serve', '--data-dir', dataDir, '--public-url', url],
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--public-url: the public URL "${url}" ${says}`);
    expect(stdout).toBe('');
  });
});
