// A proxy that refuses a CONNECT tunnel answers the CONNECT, not our request; HttpsProxyAgent
// then replays that answer as if the server had sent it. Watching the tunnel's own answer
// tells a proxy's 407 or 502 apart from the server's, so messages can say who refused.
import type http from 'node:http';

export interface ProxyConnectAnswer {
  status: number;
  statusText: string;
}

/** Starts watching `request`; the getter answers the proxy's refusal, if there was one. */
export function proxyConnectFailure(
  request: http.ClientRequest,
): () => ProxyConnectAnswer | undefined {
  let refusal: ProxyConnectAnswer | undefined;
  request.on('proxyConnect', (connect: { statusCode?: number; statusText?: string }) => {
    // HttpProxyAgent tells of its plain connection too, without an answer to judge.
    const status = connect.statusCode;
    if (status !== undefined && status !== 200) {
      refusal = { status, statusText: connect.statusText ?? '' };
    }
  });
  return () => refusal;
}
