// Which way a request goes, decided in one place. The environment wins (its proxy for the
// URL's scheme, or NO_PROXY sending it straight, over any other setting), then the profile's
// proxy, then the system's (the desktop app asks Electron, which reads PAC files and WPAD),
// then straight to the server.
import { choosePacRoute } from './pac-answer.js';
import type { ProxyEnvironment, ProxyVariable } from './proxy-environment.js';
import { bypassesProxy, parseNoProxy } from './no-proxy.js';
import { shownProxyUrl } from '../../src-preload/proxy-url.js';

/**
 * Everything that decides the way, as plain data: the engine builds it once per connection
 * and it crosses to upload workers as it is. Credentials are inside; never log it.
 */
export interface ProxyPlan {
  environment: ProxyEnvironment;
  /** The profile's proxy, its password filled in from the keychain. */
  profile?: { url: string; profileName: string };
  /**
   * The system's answers (`PROXY host:port; DIRECT`) per origin, as far as they were asked. An
   * origin not asked yet (a storage server's, known only once a part is created) is asked
   * before its first request, by whoever sends it (NetworkAgents, with a SystemProxyAsker).
   */
  system?: { byOrigin: Record<string, string> };
}

export type RouteSource =
  | { kind: 'environment'; variable: string }
  | { kind: 'profile'; profileName: string }
  | { kind: 'system' };

export type Route =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      /** With credentials: for the agent only. */ proxyUrl: string;
      source: RouteSource;
    };

/** No setting at all: every request goes straight (the embedded local workspace). */
export const DIRECT_PLAN: ProxyPlan = { environment: {} };

function environmentProxy(env: ProxyEnvironment, url: URL): ProxyVariable | undefined {
  return (url.protocol === 'https:' ? env.https : env.http) ?? env.all;
}

/** The way a variable or the profile sets for `url`; undefined leaves it to the system. */
function setRoute(plan: ProxyPlan, url: URL): Route | undefined {
  const env = plan.environment;
  if (env.noProxy !== undefined && bypassesProxy(parseNoProxy(env.noProxy.value), url)) {
    return { kind: 'direct' };
  }
  const fromEnvironment = environmentProxy(env, url);
  if (fromEnvironment !== undefined) {
    return {
      kind: 'proxy',
      proxyUrl: fromEnvironment.url,
      source: { kind: 'environment', variable: fromEnvironment.variable },
    };
  }
  if (plan.profile !== undefined) {
    return {
      kind: 'proxy',
      proxyUrl: plan.profile.url,
      source: { kind: 'profile', profileName: plan.profile.profileName },
    };
  }
  return undefined;
}

/** The way to `url`; an origin the system has not answered for goes straight. */
export function routeFor(plan: ProxyPlan, url: URL): Route {
  const set = setRoute(plan, url);
  if (set !== undefined) return set;
  const systemAnswer = plan.system?.byOrigin[url.origin];
  if (systemAnswer !== undefined) {
    const choice = choosePacRoute(systemAnswer);
    if (choice.kind === 'proxy') {
      return { kind: 'proxy', proxyUrl: choice.url, source: { kind: 'system' } };
    }
  }
  return { kind: 'direct' };
}

/** Whether the way to `url` is the system's to say and its origin was not asked yet. */
export function awaitsSystemAnswer(plan: ProxyPlan, url: URL): boolean {
  return (
    plan.system !== undefined &&
    !Object.hasOwn(plan.system.byOrigin, url.origin) &&
    setRoute(plan, url) === undefined
  );
}

/** The plan with the system's `answer` for `origin` added. */
export function withSystemAnswer(plan: ProxyPlan, origin: string, answer: string): ProxyPlan {
  return { ...plan, system: { byOrigin: { ...plan.system?.byOrigin, [origin]: answer } } };
}

/** `the proxy http://proxy:3128 (HTTPS_PROXY)`: how messages name it, a password as `***`. */
export function proxyWords(route: Route & { kind: 'proxy' }): string {
  const origin = shownProxyUrl(route.proxyUrl);
  switch (route.source.kind) {
    case 'environment':
      return `the proxy ${origin} (${route.source.variable})`;
    case 'profile':
      return `the proxy ${origin} of the profile "${route.source.profileName}"`;
    default:
      return `the system's proxy ${origin}`;
  }
}

/** Where a person changes it: `HTTPS_PROXY`, or the profile's or the system's setting. */
export function proxySettingWords(route: Route & { kind: 'proxy' }): string {
  switch (route.source.kind) {
    case 'environment':
      return route.source.variable;
    case 'profile':
      return `the proxy setting of the profile "${route.source.profileName}"`;
    default:
      return "the system's proxy settings";
  }
}

/** How failure messages name a request's way through a proxy. */
export interface ProxyWay {
  /** `the proxy http://proxy:3128 (HTTPS_PROXY)` */
  proxy: string;
  /** `HTTPS_PROXY`, `the proxy setting of the profile "prod"` */
  setting: string;
}

export function proxyWay(route: Route): ProxyWay | undefined {
  return route.kind === 'proxy'
    ? { proxy: proxyWords(route), setting: proxySettingWords(route) }
    : undefined;
}
