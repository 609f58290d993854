// A proxy variable's value follows the rules of a profile's proxy URL (the contract's: http
// or https, a host, a port, a user and password, nothing else), with curl's one allowance:
// a bare `host:port` is an http proxy.
import { splitProxyUrl, withProxyPassword } from '../../src-preload/proxy-url.js';

export class ProxySettingError extends Error {
  override name = 'ProxySettingError';
}

export type ProxyUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** The URL for the agent, credentials kept, or why it cannot be one (never quoting it). */
export function checkProxyUrl(text: string): ProxyUrlCheck {
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const checked = splitProxyUrl(written);
  if (!checked.ok) return checked;
  const { url, password } = checked.parts;
  return { ok: true, url: password === undefined ? url : withProxyPassword(url, password) };
}
