// The renderer's built files, from one folder and nothing outside it. A request path is
// decoded once and refused when any segment is `.` or `..`, hidden, or holds a backslash,
// a colon or NUL; the resolved file (after symlinks) must still lie inside the folder.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; file: string; size: number; contentType: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'missing' };

function isInside(root: string, file: string): boolean {
  return file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The request path's segments, or why it is refused. */
export function segmentsOf(rawUrl: string): string[] | { refused: string } {
  const pathname = rawUrl.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith('/')) return { refused: 'the path must start with "/"' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { refused: 'the path is not valid percent-encoding' };
  }
  const segments = decoded.split('/').slice(1);
  for (const segment of segments) {
    if (segment === '.' || segment === '..') return { refused: 'the path may not contain . or ..' };
    if (/[\\:\0]/.test(segment)) return { refused: 'the path holds a character files here lack' };
    if (segment.startsWith('.')) return { refused: 'hidden files are not served' };
  }
  // `//etc/passwd` is `etc/passwd` inside the folder, never an absolute path.
  const named = segments.filter((segment) => segment !== '');
  if (decoded.endsWith('/')) named.push('index.html');
  return named;
}

/** Finds the file a GET names inside `rootDir` (`/` is index.html). */
export async function lookUpStatic(rootDir: string, rawUrl: string): Promise<StaticLookup> {
  const segments = segmentsOf(rawUrl);
  if (!Array.isArray(segments)) return { kind: 'refused', reason: segments.refused };
  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...segments);
  if (!isInside(root, file)) return { kind: 'refused', reason: 'the path leaves the folder' };
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!isInside(realRoot, realFile)) return { kind: 'missing' };
    const info = await stat(realFile);
    if (!info.isFile()) return { kind: 'missing' };
    return { kind: 'file', file: realFile, size: info.size, contentType: contentTypeOf(realFile) };
  } catch {
    return { kind: 'missing' };
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * What `/` shows before the renderer is built: plain HTML with no script and no inline style,
 * so the strict Content-Security-Policy holds for it too.
 */
export function notBuiltPage(rendererDir: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Peridio Desk dashboard: not built yet</title></head>',
    '<body>',
    '<h1>The dashboard is running, but its interface is not built yet</h1>',
    `<p>No renderer build was found in <code>${escapeHtml(rendererDir)}</code> ` +
      '(there is no <code>index.html</code> there).</p>',
    '<p>Build the renderer (the Svelte app in <code>src-renderer</code>) into that folder, ' +
      'or start the dashboard with <code>--renderer-dir DIR</code> pointing at a build, ' +
      'then reload this page. The engine API under <code>/api/</code> already works.</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
