// The desktop app's own origin: the renderer is served from app://desk/, never from file://
// (where every local file would be same-origin) and never from the network.

export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * Whether `url` is a page of ours. Compared by scheme and host, not `URL.origin`: Node's URL
 * gives every non-http scheme the opaque origin "null", so that comparison would always fail.
 * Credentials and ports have no place in app:// URLs; one that has them is not ours.
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url === '') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
