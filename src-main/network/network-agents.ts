// The kept-alive agents a client sends through, one per way out: straight (http, https) or
// through a proxy (HttpProxyAgent sends http requests in absolute form; HttpsProxyAgent opens
// a CONNECT tunnel for https). Our CA trust goes with each request rather than the agent, so
// it reaches the server's TLS inside a tunnel, not only the proxy's.
//
// The way to an origin is decided once per set of agents. When it is the system's to say and
// the plan has no answer for the origin yet (a storage server's), the system is asked first.
//
// Senders write a request's body only once it has its socket: HttpProxyAgent rewrites the
// request line into absolute form when it makes the socket, and a body buffered before that
// can come out garbled (seen with 8 MiB part bodies through tinyproxy).
import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import {
  DIRECT_PLAN,
  awaitsSystemAnswer,
  routeFor,
  withSystemAnswer,
  type ProxyPlan,
  type Route,
} from './proxy-route.js';
import type { SystemProxyAsker } from './system-proxy.js';

export interface RequestWay {
  agent: http.Agent;
  /** Trusted roots plus extras, for the server's certificate; undefined keeps Node's. */
  ca: string[] | undefined;
  route: Route;
}

export class NetworkAgents {
  readonly #plan: ProxyPlan;
  readonly #ca: string[] | undefined;
  readonly #askSystem: SystemProxyAsker | undefined;
  readonly #direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  readonly #proxied = new Map<string, http.Agent>();
  /** Each origin's way, decided once: every part PUT of an upload goes to the same origin. */
  readonly #routes = new Map<string, Promise<Route>>();

  /**
   * `ca` replaces Node's trust for https, so it must already hold the roots. `askSystem`
   * answers for the origins the plan leaves to the system without an answer; without it they
   * go straight.
   */
  constructor(plan: ProxyPlan | undefined, ca: string[] | undefined, askSystem?: SystemProxyAsker) {
    this.#plan = plan ?? DIRECT_PLAN;
    this.#ca = ca;
    this.#askSystem = askSystem;
  }

  /** The agent and trust for a request to `url`, and the way it takes. */
  async wayTo(url: URL): Promise<RequestWay> {
    let routing = this.#routes.get(url.origin);
    if (routing === undefined) {
      routing = this.#routeTo(url);
      this.#routes.set(url.origin, routing);
    }
    const route = await routing;
    const secure = url.protocol === 'https:';
    if (route.kind === 'direct') {
      return { agent: secure ? this.#direct.https : this.#direct.http, ca: this.#ca, route };
    }
    const key = `${secure ? 'tunnel' : 'forward'} ${route.proxyUrl}`;
    let agent = this.#proxied.get(key);
    if (agent === undefined) {
      // The CA also serves a proxy reached over https behind the same private authority.
      const ca = this.#ca === undefined ? {} : { ca: this.#ca };
      // A tunnel is kept alive like a straight connection. A forwarding proxy (tinyproxy, for
      // one) closes our connection after each answer, so a kept-alive one would be reused
      // after it is gone and fail the next request half-written.
      agent = secure
        ? new HttpsProxyAgent(route.proxyUrl, { keepAlive: true, ...ca })
        : new HttpProxyAgent(route.proxyUrl, { keepAlive: false, ...ca });
      this.#proxied.set(key, agent);
    }
    return { agent, ca: this.#ca, route };
  }

  async #routeTo(url: URL): Promise<Route> {
    const plan = this.#plan;
    if (this.#askSystem === undefined || !awaitsSystemAnswer(plan, url)) {
      return routeFor(plan, url);
    }
    const answer = await this.#askSystem(url.origin);
    return routeFor(withSystemAnswer(plan, url.origin, answer), url);
  }

  /** Closes kept-alive connections; requests after this open new ones. */
  destroy(): void {
    this.#direct.http.destroy();
    this.#direct.https.destroy();
    for (const agent of this.#proxied.values()) agent.destroy();
    this.#proxied.clear();
  }
}
