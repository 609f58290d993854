// app://desk serves the renderer build and nothing outside it, with the dashboard's headers.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolResponse } from '../../../src-main/electron/app-protocol.js';
import { SECURITY_HEADERS } from '../../../src-main/renderer-files/index.js';

let dir: string;
let renderer: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'app-protocol-'));
  renderer = path.join(dir, 'renderer');
  await mkdir(path.join(renderer, 'assets'), { recursive: true });
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Peridio Desk</title>');
  await writeFile(path.join(renderer, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(path.join(renderer, '.env'), 'SECRET=1');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the renderer');
  await symlink(path.join(dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => appProtocolResponse(renderer, { url, method });

describe('app:// responses', () => {
  it('serves index.html for the root and for its name, with the strict CSP', async () => {
    for (const url of ['app://desk/', 'app://desk', 'app://desk/index.html']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('<title>Peridio Desk</title>');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(response.headers.get(name)).toBe(value);
      }
    }
    const csp = (await get('app://desk/')).headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('serves assets with their content type; a query or fragment does not matter', async () => {
    const response = await get('app://desk/assets/app.js?v=1#x');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log("app")');
  });

  it('answers HEAD without a body and refuses writes', async () => {
    const head = await get('app://desk/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('console.log("app")'.length));
    expect(await head.text()).toBe('');
    const post = await get('app://desk/index.html', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each([
    'app://desk/../secret.txt',
    'app://desk/%2e%2e/secret.txt',
    'app://desk/assets/..%2f..%2fsecret.txt',
    'app://desk/..%5csecret.txt',
    'app://desk/%2e%2e%2f%2e%2e%2fetc/passwd',
    'app://desk/C:%5cWindows%5cwin.ini',
    'app://desk/.env',
    'app://desk/index.html%00.js',
  ])('never serves anything outside the build or hidden: %s', async (url) => {
    const response = await get(url);
    expect([400, 404]).toContain(response.status);
    const body = await response.text();
    expect(body).not.toContain('outside the renderer');
    expect(body).not.toContain('SECRET');
    expect(response.headers.get('content-security-policy')).toBe(
      SECURITY_HEADERS['content-security-policy'],
    );
  });

  it('does not follow a symlink out of the build', async () => {
    const response = await get('app://desk/assets/link.txt');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it('serves only its own host, without a port or credentials', async () => {
    for (const url of [
      'app://elsewhere/index.html',
      'app://desk:8080/index.html',
      'app://user:secret@desk/index.html',
      'app://user@desk/index.html',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).toContain('Only app://desk/ is served');
    }
  });

  it('says to build the app when there is no build', async () => {
    const response = await appProtocolResponse(path.join(dir, 'nothing'), {
      url: 'app://desk/',
      method: 'GET',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('npm run build');
    expect((await get('app://desk/missing.js')).status).toBe(404);
  });
});
