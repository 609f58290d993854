// A profile's proxy on the command line (`login --proxy`, `profiles set-proxy`): the URL is
// checked before anything is asked, the user's password is typed without echo (an argument
// would show in the process list), and the proxy is shown without its password.
import { splitProxyUrl, type ProfileView, type ProxyUrlParts } from '../../src-preload/contract.js';
import { UsageError } from './command.js';
import { askSecret } from './prompt.js';

/** A proxy URL given on the command line; a wrong one is a usage mistake. */
export function proxyUrlOption(what: string, text: string): ProxyUrlParts {
  const checked = splitProxyUrl(text);
  if (!checked.ok) throw new UsageError(`${what}: ${checked.message}`);
  return checked.parts;
}

/**
 * On a terminal, asks for the password of the proxy's user when the URL names a user without
 * one. Nothing typed (or no terminal) gives none, and a saved one stays while the user and
 * host are the same.
 */
export async function askProxyPassword(proxy: ProxyUrlParts): Promise<string | undefined> {
  if (proxy.username === undefined || proxy.password !== undefined) return undefined;
  if (!process.stdin.isTTY) return undefined;
  const { host } = new URL(proxy.url);
  const answer = await askSecret(
    `Password of the proxy user ${decodeURIComponent(proxy.username)} at ${host} (leave empty to keep a saved one): `,
  );
  return answer === '' ? undefined : answer;
}

/** `proxy http://alice@proxy:3128 (password in the keychain)` */
export function proxyLine(profile: Pick<ProfileView, 'proxyUrl' | 'hasProxyPassword'>): string {
  if (profile.proxyUrl === undefined) return 'no proxy';
  const hasUser = new URL(profile.proxyUrl).username !== '';
  const password = profile.hasProxyPassword ? 'password in the keychain' : 'no password saved';
  return `proxy ${profile.proxyUrl}${hasUser ? ` (${password})` : ''}`;
}
