// The dashboard's per-start token arrives in the URL fragment (`#token=…`), which browsers
// never send to a server. Read it once, keep it for this tab (sessionStorage, so a reload
// still works), and put the route in its place so the token leaves the address bar.
export const TOKEN_STORAGE_KEY = 'peridio-desk:dashboard-token';
export const START_ROUTE = '#/artifacts';

export interface TokenPlace {
  hash: string;
  replaceHash(hash: string): void;
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

export function takeDashboardToken(place: TokenPlace): string | null {
  const match = /^#token=([^&]+)(?:&route=(.*))?$/.exec(place.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    place.storage.setItem(TOKEN_STORAGE_KEY, token);
    const route = match[2] ? decodeURIComponent(match[2]) : '';
    place.replaceHash(route.startsWith('/') ? `#${route}` : START_ROUTE);
    return token;
  }
  return place.storage.getItem(TOKEN_STORAGE_KEY);
}
