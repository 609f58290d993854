// The desktop app's security decisions as plain functions, so each is tested without
// Electron: where a page may navigate, which permission a page may get, and which links may
// leave the app for the person's browser. window-security.ts wires them into Electron.
import { isAppUrl } from './app-origin.js';

/** A page of ours may only ever show another page of ours. */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Permissions our pages may have; everything else (camera, notifications from the page,
 * geolocation, clipboard reading, HID, serial, ...) is denied. Writing plain text to the
 * clipboard is how "copy PRN" buttons work; Chromium sanitizes what is written.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** `requestingUrl` is the page's URL (request handler) or origin (check handler). */
export function permissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

/** Where links may take the person, in their own browser: Peridio's site and docs. */
export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set([
  'peridio.com',
  'www.peridio.com',
  'docs.peridio.com',
]);

/**
 * The URL to hand to the system browser, or null when it must not leave the app: only https,
 * only a host on the allow-list (exactly, so `peridio.com.evil.example` is refused), no
 * credentials and no explicit port. Returns the parsed, normalized form, never the raw text.
 */
export function externalUrlToOpen(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:') return null;
  if (!EXTERNAL_HOSTS.has(parsed.hostname)) return null;
  if (parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return null;
  return parsed.href;
}
