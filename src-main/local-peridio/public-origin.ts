// Where the server's own URLs (presigned part uploads, downloads) point. Never the request's
// Host header, which the client writes: a part created with `Host: attacker.example` would
// hand out an upload URL to that host. The configured public URL when there is one (a server
// behind a port mapping or a reverse proxy), else the address the request reached.
import type { FastifyRequest } from 'fastify';

/** The origin of a `--public-url`; a TypeError saying what is wrong with it otherwise. */
export function publicOriginOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `the public URL "${url}" is not a URL; give one like https://peridio.lan:4000`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`the public URL "${url}" must start with http:// or https://`);
  }
  if (parsed.username || parsed.password) {
    throw new TypeError(`the public URL "${url}" must not hold a user name or password`);
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    throw new TypeError(
      `the public URL "${url}" must be an origin only (scheme, host and port, no path): the server's paths start at /`,
    );
  }
  return parsed.origin;
}

/** The origin for the server's URLs in answer to `request`. */
export function originFor(request: FastifyRequest, publicOrigin: string | undefined): string {
  if (publicOrigin !== undefined) return publicOrigin;
  const { localAddress = '127.0.0.1', localPort } = request.socket;
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
  const address = localAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `${request.protocol}://${host}:${localPort}`;
}
