// Who may talk to the dashboard: a browser tab this machine's user opened from the URL with
// the per-start token, and nothing else. The listener is loopback only; a request must name
// our own host (so a DNS-rebinding page on another name is refused), may carry only our own
// Origin, and every API call presents the token, compared in constant time.
import crypto from 'node:crypto';

/** A refusal the server answers with: an HTTP status and the contract's error words. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** 32 random bytes, base64url: the secret of one dashboard start. */
export function newDashboardToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Whether `presented` is the token. Both sides are hashed first so the comparison runs over
 * equal lengths; `timingSafeEqual` then takes the same time wherever they differ.
 */
export function tokenMatches(presented: unknown, token: string): boolean {
  if (typeof presented !== 'string' || presented === '' || presented.length > 1024) return false;
  const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
  return crypto.timingSafeEqual(digest(presented), digest(token));
}

/** The token of `authorization: Bearer <token>`, or undefined. */
export function bearerTokenOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  return /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
}

/** Only this machine: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost' || bare === '::1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/** The `Host` values that name this server: its bound address and `localhost`, with the port. */
export function ownHostsOf(boundAddress: string, port: number): Set<string> {
  const address = boundAddress.includes(':') ? `[${boundAddress}]` : boundAddress;
  return new Set([`${address}:${port}`, `localhost:${port}`].map((host) => host.toLowerCase()));
}

/** A `Host` header that is not ours: a rebinding attack, or a misdirected request. */
export function checkHost(header: unknown, ownHosts: ReadonlySet<string>): Refusal | undefined {
  if (typeof header === 'string' && ownHosts.has(header.toLowerCase())) return undefined;
  return {
    status: 421,
    code: 'wrong_host',
    message:
      'This dashboard answers only requests addressed to itself on this machine ' +
      `(${[...ownHosts].join(' or ')}). Open the URL that peridio-desk dashboard printed.`,
  };
}

/** An `Origin` that is present and not ours: another site's page trying to call the engine. */
export function checkOrigin(header: unknown, ownHosts: ReadonlySet<string>): Refusal | undefined {
  if (header === undefined) return undefined;
  if (typeof header === 'string' && header.toLowerCase().startsWith('http://')) {
    if (ownHosts.has(header.slice('http://'.length).toLowerCase())) return undefined;
  }
  return {
    status: 403,
    code: 'foreign_origin',
    message:
      'Requests from other sites are refused: only the dashboard page itself may call the ' +
      'engine. Open the URL that peridio-desk dashboard printed.',
  };
}

export const UNAUTHORIZED: Refusal = {
  status: 401,
  code: 'unauthorized',
  message:
    'The dashboard token is missing or wrong. Open the URL that peridio-desk dashboard printed ' +
    '(it carries the token, and a new one is made at every start); API calls send it as ' +
    '"authorization: Bearer <token>", the event stream as "?token=<token>".',
};
