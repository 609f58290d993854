// What a proxy URL may be, and how it is shown: only HTTP proxies (reached over http or
// https), a scheme-less `host:port` read as http as curl does, and never a password in output.

export class ProxySettingError extends Error {
  override name = 'ProxySettingError';
}

export type ProxyUrlCheck = { ok: true; url: string } | { ok: false; message: string };

export function checkProxyUrl(text: string): ProxyUrlCheck {
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    return { ok: false, message: `"${proxyOrigin(text)}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      message: `it names a ${url.protocol.slice(0, -1)} proxy, and only HTTP proxies (http:// or https://) are supported`,
    };
  }
  if (url.hostname === '') return { ok: false, message: 'it names no host' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'a proxy URL has no path, query or fragment' };
  }
  return { ok: true, url: url.href.replace(/\/$/, '') };
}

/** `http://proxy:3128`: the proxy without credentials, for messages and logs. */
export function proxyOrigin(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}`;
  } catch {
    // Not a URL: drop anything up to an `@`, where a password would be.
    return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1');
  }
}
