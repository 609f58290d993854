// What app://desk/<path> answers: a file of the renderer build and nothing outside it, under
// the same security headers as the dashboard. Plain Node (the global Response), so it is
// tested without Electron; main.ts hands it to `protocol.handle`.
import { readFile } from 'node:fs/promises';
import { SECURITY_HEADERS, lookUpStatic } from '../renderer-files/index.js';
import { APP_HOST, APP_SCHEME, isAppUrl } from './app-origin.js';

/**
 * Privileges for `protocol.registerSchemesAsPrivileged`: `standard` gives app://desk a real
 * origin (so the CSP's 'self', storage and relative URLs work), `secure` makes it a secure
 * context like https. Nothing that loosens the page: no bypassCSP, no CORS, no service workers.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
} as const;

function headersFor(contentType: string, extra: Record<string, string> = {}): Headers {
  return new Headers({
    ...SECURITY_HEADERS,
    'content-type': contentType,
    'cache-control': 'no-cache',
    ...extra,
  });
}

function plain(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: headersFor('text/plain; charset=utf-8', extra),
  });
}

function notBuiltPage(rendererDir: string): string {
  const folder = rendererDir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Peridio Desk: not built</title></head>',
    '<body><h1>The interface is not built yet</h1>',
    `<p>There is no <code>index.html</code> in <code>${folder}</code>.</p>`,
    '<p>Run <code>npm run build</code> in the project, then start the app again.</p>',
    '</body></html>',
    '',
  ].join('\n');
}

export interface AppRequest {
  url: string;
  method: string;
}

/**
 * The response to one app:// request. Only GET and HEAD, only the app's own host; the path
 * is checked by the dashboard's static file lookup (no `.`/`..`, no hidden files, no
 * backslash or colon, and the real file must lie inside `rendererDir`).
 */
export async function appProtocolResponse(
  rendererDir: string,
  request: AppRequest,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return plain(405, `${request.method} is not served here: the app's files are read-only.`, {
      allow: 'GET, HEAD',
    });
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return plain(400, 'That address cannot be read.');
  }
  // The scheme, the host `desk`, and no port or credentials (isAppUrl).
  if (!isAppUrl(request.url)) {
    return plain(404, `Only ${APP_SCHEME}://${APP_HOST}/ is served.`);
  }
  const pathname = url.pathname === '' ? '/' : url.pathname;
  const found = await lookUpStatic(rendererDir, pathname);
  if (found.kind === 'refused') return plain(400, `That path is refused: ${found.reason}.`);
  if (found.kind === 'missing') {
    if (pathname === '/' || pathname === '/index.html') {
      return new Response(notBuiltPage(rendererDir), {
        status: 200,
        headers: headersFor('text/html; charset=utf-8', { 'cache-control': 'no-store' }),
      });
    }
    return plain(404, 'There is no such file in the app.');
  }
  const body = request.method === 'HEAD' ? null : await readFile(found.file);
  return new Response(body, {
    status: 200,
    headers: headersFor(found.contentType, { 'content-length': String(found.size) }),
  });
}
