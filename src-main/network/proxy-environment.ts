// The proxy variables, read as curl reads them: the lowercase form wins over the uppercase one,
// `https_proxy` for https URLs, `http_proxy` for http ones, `all_proxy` for either when its own
// is unset, and `no_proxy` for the hosts that go straight. Unlike curl, uppercase HTTP_PROXY
// counts too (curl ignores it to protect CGI scripts, which we are not), as in Node tools.
import { PROXY_URL_EXAMPLE } from '../../src-preload/proxy-url.js';
import { ProxySettingError, checkProxyUrl } from './proxy-url.js';

export interface ProxyVariable {
  /** The proxy URL, credentials included: never print it (`shownProxyUrl` masks them). */
  url: string;
  /** The variable it came from, e.g. `HTTPS_PROXY`, for messages. */
  variable: string;
}

/** A snapshot of the variables, plain data so it can cross to an upload worker. */
export interface ProxyEnvironment {
  https?: ProxyVariable;
  http?: ProxyVariable;
  all?: ProxyVariable;
  noProxy?: { value: string; variable: string };
}

function first(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
): { value: string; variable: string } | undefined {
  for (const variable of names) {
    const value = env[variable]?.trim();
    if (value !== undefined && value !== '') return { value, variable };
  }
  return undefined;
}

function proxyVariable(env: NodeJS.ProcessEnv, lower: string): ProxyVariable | undefined {
  const found = first(env, [lower, lower.toUpperCase()]);
  if (found === undefined) return undefined;
  const checked = checkProxyUrl(found.value);
  if (!checked.ok) {
    throw new ProxySettingError(
      `${found.variable} cannot be used: ${checked.message}. ` +
        `Set it to an HTTP proxy such as ${PROXY_URL_EXAMPLE}, or unset it.`,
    );
  }
  return { url: checked.url, variable: found.variable };
}

/** Reads the proxy variables; a malformed one is refused with a ProxySettingError naming it. */
export function readProxyEnvironment(env: NodeJS.ProcessEnv = process.env): ProxyEnvironment {
  const https = proxyVariable(env, 'https_proxy');
  const http = proxyVariable(env, 'http_proxy');
  const all = proxyVariable(env, 'all_proxy');
  const noProxy = first(env, ['no_proxy', 'NO_PROXY']);
  return {
    ...(https === undefined ? {} : { https }),
    ...(http === undefined ? {} : { http }),
    ...(all === undefined ? {} : { all }),
    ...(noProxy === undefined ? {} : { noProxy }),
  };
}
