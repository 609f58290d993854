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
//
// TLS (node:https, node:tls) and the proxy agents load at their first use: a command that only
// talks plain http to a straight server (the local workspace) does not pay for them at start.
import http from 'node:http';
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
  /** `http.request` or `https.request`, by the URL's scheme. */
  request: typeof http.request;
  agent: http.Agent;
  /** Trusted roots plus extras, for the server's certificate; undefined keeps Node's. */
  ca: string[] | undefined;
  route: Route;
}

export class NetworkAgents {
  readonly #plan: ProxyPlan;
  readonly #ca: string[] | undefined;
  readonly #askSystem: SystemProxyAsker | undefined;
  readonly #directHttp = new http.Agent({ keepAlive: true });
  #directHttps: http.Agent | undefined;
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
    const request = secure ? (await import('node:https')).request : http.request;
    if (route.kind === 'direct') {
      const agent = secure ? await this.#httpsAgent() : this.#directHttp;
      return { request, agent, ca: this.#ca, route };
    }
    const key = `${secure ? 'tunnel' : 'forward'} ${route.proxyUrl}`;
    let agent = this.#proxied.get(key);
    if (agent === undefined) {
      // The CA also serves a proxy reached over https behind the same private authority.
      const ca = this.#ca === undefined ? {} : { ca: this.#ca };
      // A tunnel is kept alive like a straight connection. A forwarding proxy (tinyproxy, for
      // one) closes our connection after each answer, so a kept-alive one would be reused
      // after it is gone and fail the next request half-written.
      const made = secure
        ? new (await import('https-proxy-agent')).HttpsProxyAgent(route.proxyUrl, {
            keepAlive: true,
            ...ca,
          })
        : new (await import('http-proxy-agent')).HttpProxyAgent(route.proxyUrl, {
            keepAlive: false,
            ...ca,
          });
      // Another request to this proxy may have made one while this one loaded the module.
      agent = this.#proxied.get(key) ?? made;
      if (agent !== made) made.destroy();
      this.#proxied.set(key, agent);
    }
    return { request, agent, ca: this.#ca, route };
  }

  async #httpsAgent(): Promise<http.Agent> {
    const { Agent } = await import('node:https');
    this.#directHttps ??= new Agent({ keepAlive: true });
    return this.#directHttps;
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
    this.#directHttp.destroy();
    this.#directHttps?.destroy();
    for (const agent of this.#proxied.values()) agent.destroy();
    this.#proxied.clear();
  }
}
