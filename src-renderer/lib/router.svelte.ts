// Hash routes: `#/artifacts`, `#/versions/<prn>`, `#/uploads`, `#/keys`, `#/profiles`,
// `#/watch`. Hash routing works the same under app:// and http:// with no server help.
export type Route =
  | { name: 'artifacts' }
  | { name: 'versions'; prn: string }
  | { name: 'uploads' }
  | { name: 'keys' }
  | { name: 'profiles' }
  | { name: 'watch' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const version = /^\/versions\/(.+)$/.exec(path);
  if (version) return { name: 'versions', prn: decodeURIComponent(version[1]!) };
  switch (path) {
    case '/uploads':
      return { name: 'uploads' };
    case '/keys':
      return { name: 'keys' };
    case '/profiles':
      return { name: 'profiles' };
    case '/watch':
      return { name: 'watch' };
    default:
      return { name: 'artifacts' };
  }
}

/** PRNs are letters, digits, ':' and '-': all fine in a fragment, so the URL shows it as is. */
export function versionHref(prn: string): string {
  return `#/versions/${prn}`;
}

class Router {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }
}

export const router = new Router();
