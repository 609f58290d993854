// A profile's proxy URL: what it may be, and how its password is split off for the keychain
// and put back for the connection. Environment-free (the contract, the settings and the UI
// share it): only the URL parser every JavaScript runtime has.

/** A checked proxy URL, taken apart. */
export interface ProxyUrlParts {
  /** As the settings keep it: `http://user@proxy.example.com:3128`, never a password. */
  url: string;
  /** The user name as written in the URL (percent-escapes kept), when there is one. */
  username?: string;
  /** The password the URL held, unescaped: for the keychain only. */
  password?: string;
}

export type ProxyUrlCheck = { ok: true; parts: ProxyUrlParts } | { ok: false; message: string };

export const PROXY_URL_EXAMPLE = 'http://proxy.example.com:3128';
export const PROXY_URL_MAX_LENGTH = 2048;

// Spaces and control characters would be dropped or escaped silently by the URL parser, so
// what is stored would differ from what was typed; refused instead.
// eslint-disable-next-line no-control-regex
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

function unescaped(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function joined(url: URL, userinfo: string): string {
  return `${url.protocol}//${userinfo === '' ? '' : `${userinfo}@`}${url.host}`;
}

/**
 * Checks a proxy URL (`http://` or `https://`, a host, optionally a port and a user name with
 * a password) and splits the password off. Messages never quote the URL, which may hold one.
 */
export function splitProxyUrl(text: string): ProxyUrlCheck {
  const refuse = (message: string): ProxyUrlCheck => ({ ok: false, message });
  if (text === '') return refuse('the proxy URL is empty');
  if (text.length > PROXY_URL_MAX_LENGTH) {
    return refuse(`the proxy URL must be at most ${PROXY_URL_MAX_LENGTH} characters`);
  }
  if (SPACE_OR_CONTROL.test(text)) {
    return refuse('the proxy URL must not contain spaces or control characters');
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    return refuse(
      `the proxy URL must start with http:// or https://` +
        (scheme === undefined
          ? ` (for example ${PROXY_URL_EXAMPLE})`
          : ` (${scheme} proxies are not supported)`),
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(`the proxy URL is not a valid URL: write it as ${PROXY_URL_EXAMPLE}`);
  }
  if (url.hostname === '') return refuse('the proxy URL names no host');
  if (url.pathname !== '/' && url.pathname !== '') {
    return refuse(`a proxy URL has no path: give only the host and port, as ${PROXY_URL_EXAMPLE}`);
  }
  if (url.search !== '' || text.includes('?')) return refuse('a proxy URL has no query ("?…")');
  if (url.hash !== '' || text.includes('#')) return refuse('a proxy URL has no fragment ("#…")');
  if (url.username === '' && url.password !== '') {
    return refuse(
      'the proxy URL has a password but no user name: write http://USER:PASSWORD@host:port',
    );
  }
  const password = url.password === '' ? undefined : unescaped(url.password);
  if (unescaped(url.username) === undefined || (url.password !== '' && password === undefined)) {
    return refuse(
      'the user name or password in the proxy URL has a "%" that is not a %XX escape: write "%" as %25',
    );
  }
  return {
    ok: true,
    parts: {
      url: joined(url, url.username),
      ...(url.username === '' ? {} : { username: url.username }),
      ...(password === undefined ? {} : { password }),
    },
  };
}

export type ProxyInputCheck =
  | { ok: true; parts: ProxyUrlParts }
  | { ok: false; field: 'proxyUrl' | 'proxyPassword'; message: string };

/**
 * A proxy URL with a password typed apart (a form's password field, a prompt): the password
 * needs a user name in the URL to go with, and is given once. The parts carry the password
 * from wherever it was given.
 */
export function checkProxyInput(proxyUrl: string, proxyPassword?: string): ProxyInputCheck {
  const checked = splitProxyUrl(proxyUrl);
  if (!checked.ok) return { ok: false, field: 'proxyUrl', message: checked.message };
  if (proxyPassword === undefined) return checked;
  const refuse = (message: string): ProxyInputCheck => ({
    ok: false,
    field: 'proxyPassword',
    message,
  });
  if (checked.parts.username === undefined) {
    return refuse('a proxy password needs a user name in the proxy URL (http://USER@host:port)');
  }
  if (checked.parts.password !== undefined) {
    return refuse('give the proxy password either in the URL or in the password field, not both');
  }
  return { ok: true, parts: { ...checked.parts, password: proxyPassword } };
}

/** Why `text` cannot be a proxy URL, or undefined when it can. */
export function proxyUrlProblem(text: string): string | undefined {
  const checked = splitProxyUrl(text);
  return checked.ok ? undefined : checked.message;
}

/** The stored URL with `password` put back (escaped as a URL needs it), for the proxy agent. */
export function withProxyPassword(url: string, password: string): string {
  const parsed = new URL(url);
  // The setter escapes some characters but leaves "%" as it is, which would then read back as
  // an escape: escaped whole first, so the proxy agent unescapes exactly what was saved.
  parsed.password = encodeURIComponent(password);
  return joined(parsed, `${parsed.username}:${parsed.password}`);
}

/** The URL as people and logs may see it: a password shows as `***`. */
export function shownProxyUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const userinfo = parsed.password === '' ? parsed.username : `${parsed.username}:***`;
    return joined(parsed, userinfo);
  } catch {
    // Not a URL: drop anything up to an `@`, where a password would be.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1***@');
  }
}
