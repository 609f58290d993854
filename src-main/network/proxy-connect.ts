// Who answered: a proxy that refuses a CONNECT tunnel answers the CONNECT, not our request,
// and HttpsProxyAgent replays that answer as if the server had sent it; a forwarding proxy
// that wants credentials answers 407, which only proxies do. Watching the tunnel's own answer
// tells the proxy's refusals apart from the server's answers, so messages say who refused.
import http from 'node:http';

export interface ProxyRefusal {
  status: number;
  /** `the proxy answered 407 Proxy Authentication Required` */
  words: string;
  /** 407 (credentials) or 403 (forbidden): no retry helps. Others (502…) may pass. */
  final: boolean;
}

/**
 * Starts watching `request`, which goes through a proxy; the function answers whether the
 * answer with `status` is the proxy's refusal rather than the server's.
 */
export function watchProxyAnswer(
  request: http.ClientRequest,
): (status: number | undefined) => ProxyRefusal | undefined {
  let tunnel: { status: number; statusText: string } | undefined;
  request.on('proxyConnect', (connect: { statusCode?: number; statusText?: string }) => {
    // HttpProxyAgent tells of its plain connection too, without an answer to judge.
    const status = connect.statusCode;
    if (status !== undefined && status !== 200) {
      tunnel = { status, statusText: connect.statusText ?? '' };
    }
  });
  return (status) => {
    const refused =
      tunnel ?? (status === 407 ? { status, statusText: http.STATUS_CODES[407]! } : undefined);
    if (refused === undefined) return undefined;
    return {
      status: refused.status,
      words: `the proxy answered ${refused.status} ${refused.statusText}`.trim(),
      final: refused.status === 407 || refused.status === 403,
    };
  };
}
