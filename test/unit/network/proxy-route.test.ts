import { describe, expect, it } from 'vitest';
import {
  awaitsSystemAnswer,
  checkProxyUrl,
  proxyWords,
  readProxyEnvironment,
  routeFor,
  withSystemAnswer,
  type ProxyPlan,
} from '../../../src-main/network/index.js';

const API = new URL('https://api.cremini.peridio.com/');
const PLAIN = new URL('http://127.0.0.1:4000/');

function routeWith(env: NodeJS.ProcessEnv, rest: Omit<ProxyPlan, 'environment'> = {}) {
  return (url: URL) => routeFor({ environment: readProxyEnvironment(env), ...rest }, url);
}

describe('the proxy variables, with curl precedence', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http URLs', () => {
    const route = routeWith({ HTTPS_PROXY: 'http://tls-proxy:3128', HTTP_PROXY: 'http://p:8080' });
    expect(route(API)).toMatchObject({
      kind: 'proxy',
      proxyUrl: 'http://tls-proxy:3128',
      source: { kind: 'environment', variable: 'HTTPS_PROXY' },
    });
    expect(route(PLAIN)).toMatchObject({ proxyUrl: 'http://p:8080' });
  });

  it('lets the lowercase form win over the uppercase one', () => {
    const route = routeWith({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' });
    expect(route(API)).toMatchObject({
      proxyUrl: 'http://lower:1',
      source: { variable: 'https_proxy' },
    });
  });

  it('falls back to ALL_PROXY, and goes straight when nothing is set', () => {
    expect(routeWith({ ALL_PROXY: 'http://all:3128' })(API)).toMatchObject({
      proxyUrl: 'http://all:3128',
      source: { variable: 'ALL_PROXY' },
    });
    expect(routeWith({ HTTPS_PROXY: 'http://p:1' })(PLAIN)).toEqual({ kind: 'direct' });
    expect(routeWith({})(API)).toEqual({ kind: 'direct' });
  });

  it('reads an empty variable as unset and a bare host:port as an http proxy', () => {
    expect(routeWith({ https_proxy: ' ', HTTPS_PROXY: 'proxy:3128' })(API)).toMatchObject({
      proxyUrl: 'http://proxy:3128',
      source: { variable: 'HTTPS_PROXY' },
    });
  });

  it('sends NO_PROXY hosts straight, even past a profile or system proxy', () => {
    const route = routeWith(
      { HTTPS_PROXY: 'http://p:3128', no_proxy: '.peridio.com' },
      { profile: { url: 'http://profile:3128', profileName: 'prod' } },
    );
    expect(route(API)).toEqual({ kind: 'direct' });
  });

  it('refuses a variable that is not an HTTP proxy, naming it and what to do', () => {
    expect(() => readProxyEnvironment({ HTTPS_PROXY: 'socks5://s:1080' })).toThrow(
      /HTTPS_PROXY cannot be used: .*socks5 proxies are not supported.*http:\/\/proxy\.example\.com:3128/,
    );
    expect(() => readProxyEnvironment({ http_proxy: 'http://p:3128/some/path' })).toThrow(
      /http_proxy cannot be used: a proxy URL has no path/,
    );
  });

  it('never quotes a password back when a variable is refused', () => {
    let message = '';
    try {
      readProxyEnvironment({ HTTPS_PROXY: 'http://user:s3cret@[bad' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/HTTPS_PROXY cannot be used/);
    expect(message).not.toContain('s3cret');
  });
});

describe('the order of the settings: environment, profile, system, straight', () => {
  const profile = { url: 'http://bob:pw@profile:3128', profileName: 'prod' };
  const system = { byOrigin: { [API.origin]: 'PROXY pac:8080; DIRECT' } };

  it('lets the environment win over the profile and the profile over the system', () => {
    expect(routeWith({ HTTPS_PROXY: 'http://env:1' }, { profile, system })(API)).toMatchObject({
      source: { kind: 'environment' },
    });
    expect(routeWith({}, { profile, system })(API)).toMatchObject({
      proxyUrl: profile.url,
      source: { kind: 'profile', profileName: 'prod' },
    });
    expect(routeWith({}, { system })(API)).toMatchObject({
      proxyUrl: 'http://pac:8080',
      source: { kind: 'system' },
    });
  });

  it('awaits the system only for an origin it has not answered and no setting decides', () => {
    const storage = new URL('http://storage.example/bucket');
    const plan = (env: NodeJS.ProcessEnv) => ({ environment: readProxyEnvironment(env), system });
    expect(awaitsSystemAnswer(plan({}), API)).toBe(false);
    expect(awaitsSystemAnswer(plan({}), storage)).toBe(true);
    // Until it answers, such an origin goes straight.
    expect(routeFor(plan({}), storage)).toEqual({ kind: 'direct' });
    // HTTPS_PROXY says nothing for an http origin; NO_PROXY does.
    expect(awaitsSystemAnswer(plan({ HTTPS_PROXY: 'http://env:1' }), storage)).toBe(true);
    expect(awaitsSystemAnswer(plan({ NO_PROXY: 'storage.example' }), storage)).toBe(false);
    expect(awaitsSystemAnswer({ environment: {}, profile, system }, storage)).toBe(false);
    expect(awaitsSystemAnswer({ environment: {} }, storage)).toBe(false);
    const answered = withSystemAnswer(plan({}), storage.origin, 'PROXY s3-proxy:3128');
    expect(awaitsSystemAnswer(answered, storage)).toBe(false);
    expect(routeFor(answered, storage)).toMatchObject({ proxyUrl: 'http://s3-proxy:3128' });
    expect(routeFor(answered, API)).toMatchObject({ proxyUrl: 'http://pac:8080' });
  });

  it('names the proxy and its setting in words without the password', () => {
    const route = routeWith({}, { profile })(API);
    if (route.kind !== 'proxy') throw new Error('expected a proxy');
    expect(proxyWords(route)).toBe('the proxy http://bob:***@profile:3128 of the profile "prod"');
  });
});

describe('proxy URLs', () => {
  it('keeps credentials in the URL for the agent', () => {
    expect(checkProxyUrl('http://user:p%40ss@proxy:3128')).toEqual({
      ok: true,
      url: 'http://user:p%40ss@proxy:3128',
    });
    expect(checkProxyUrl('proxy.corp:8080')).toEqual({ ok: true, url: 'http://proxy.corp:8080' });
  });

  it("follows a profile proxy's rules, saying what is wrong", () => {
    expect(checkProxyUrl('ftp://p:21')).toMatchObject({ ok: false, message: /ftp proxies/ });
    expect(checkProxyUrl('http://p:3128?x=1')).toMatchObject({ ok: false, message: /no query/ });
    expect(checkProxyUrl('http://[bad')).toMatchObject({ ok: false, message: /not a valid URL/ });
  });
});
