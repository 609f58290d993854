// Which servers an API key may be sent to. The key rides in the Authorization header of
// every request, so over plain http anyone on the network path could read it and act as its
// owner: http is only allowed when the server is on this machine (the embedded local
// workspace), where the key never crosses a network.

export type BaseUrlCheck = { ok: true; baseUrl: string } | { ok: false; message: string };

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Checks a base URL and returns it without trailing slashes. */
export function checkBaseUrl(value: string): BaseUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: 'must be a URL such as https://api.cremini.peridio.com' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: 'must start with https://' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message:
        'must use https:// (plain http would send the API key readably over the network; ' +
        'it is only allowed for localhost, 127.0.0.1 and ::1)',
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'must not hold a user name or password' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'must not have a query or fragment' };
  }
  return { ok: true, baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
