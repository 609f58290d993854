// The network room: which way a request goes (environment, profile or system proxy, or
// straight) and the agents that take it there.
export { NetworkAgents, type RequestWay } from './network-agents.js';
export { SharedAgents, threadAgents, type AgentsLease } from './shared-agents.js';
export { parsePacAnswer, choosePacRoute, type PacChoice } from './pac-answer.js';
export { bypassesProxy, parseNoProxy, type NoProxyList } from './no-proxy.js';
export {
  readProxyEnvironment,
  type ProxyEnvironment,
  type ProxyVariable,
} from './proxy-environment.js';
export {
  DIRECT_PLAN,
  awaitsSystemAnswer,
  proxySettingWords,
  proxyWay,
  proxyWords,
  routeFor,
  withSystemAnswer,
  type ProxyWay,
  type ProxyPlan,
  type Route,
  type RouteSource,
} from './proxy-route.js';
export { ProxySettingError, checkProxyUrl } from './proxy-url.js';
export { watchProxyAnswer, type ProxyRefusal } from './proxy-connect.js';
export {
  SYSTEM_PROXY_TIMEOUT_MS,
  systemProxyAnswers,
  withSystemProxy,
  type SystemProxyAsker,
  type SystemProxyResolver,
} from './system-proxy.js';
export { isCertificateFailure } from './tls-failure.js';
