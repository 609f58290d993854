import { describe, expect, it } from 'vitest';
import {
  NetworkAgents,
  readProxyEnvironment,
  systemProxyAnswers,
  withSystemProxy,
  type ProxyPlan,
  type SystemProxyResolver,
} from '../../../src-main/network/index.js';

const BASE = 'https://api.cremini.peridio.com';
const STORAGE = 'https://bucket.s3.amazonaws.com';
const NOTHING: ProxyPlan = { environment: {} };

/** A PAC file as a table: each origin's own answer; it records what it was asked. */
function pacFile(answers: Record<string, string>): SystemProxyResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (url: string) => {
    asked.push(url);
    return answers[new URL(url).origin] ?? 'DIRECT';
  };
  return Object.assign(resolve, { asked });
}

/** The ways a connection's requests take: the base URL asked ahead, as the engine opens. */
async function waysFor(plan: ProxyPlan, resolve: SystemProxyResolver, failures: string[] = []) {
  const ask = systemProxyAnswers(resolve, (message) => failures.push(message), 20);
  const agents = new NetworkAgents(await withSystemProxy(plan, BASE, ask), undefined, ask);
  return {
    route: async (url: string) => (await agents.wayTo(new URL(url))).route,
    agents,
  };
}

describe("the system's proxy (Electron's session.resolveProxy), asked per origin", () => {
  it('sends the API and the storage each the way its own answer says, asking once each', async () => {
    const pac = pacFile({ [BASE]: 'DIRECT', [STORAGE]: 'PROXY s3-proxy:3128; DIRECT' });
    const { route, agents } = await waysFor(NOTHING, pac);
    try {
      expect(pac.asked).toEqual([BASE]);
      expect(await route(`${BASE}/binaries`)).toEqual({ kind: 'direct' });
      // Parts in flight at once ask together; one question goes out.
      const parts = await Promise.all(
        [1, 2, 3].map((part) => route(`${STORAGE}/bin/part-${part}?X-Amz-Signature=abc`)),
      );
      for (const part of parts) {
        expect(part).toMatchObject({
          kind: 'proxy',
          proxyUrl: 'http://s3-proxy:3128',
          source: { kind: 'system' },
        });
      }
      expect(pac.asked).toEqual([BASE, STORAGE]);
    } finally {
      agents.destroy();
    }
  });

  it('and the reverse: the API through the proxy, the storage straight', async () => {
    const pac = pacFile({ [BASE]: 'PROXY corp-proxy:8080', [STORAGE]: 'DIRECT' });
    const { route, agents } = await waysFor(NOTHING, pac);
    try {
      expect(await route(`${BASE}/binaries`)).toMatchObject({ proxyUrl: 'http://corp-proxy:8080' });
      expect(await route(`${STORAGE}/bin/part-1`)).toEqual({ kind: 'direct' });
    } finally {
      agents.destroy();
    }
  });

  it('goes straight to an origin the system fails for or does not answer in time, saying so once', async () => {
    const failures: string[] = [];
    const silent = () => new Promise<string>(() => {});
    const { route, agents } = await waysFor(NOTHING, silent, failures);
    const failing = systemProxyAnswers(
      () => Promise.reject(new Error('no session')),
      (message) => failures.push(message),
    );
    try {
      expect(await route(`${BASE}/binaries`)).toEqual({ kind: 'direct' });
      expect(await route(`${STORAGE}/part-1`)).toEqual({ kind: 'direct' });
      expect(await route(`${STORAGE}/part-2`)).toEqual({ kind: 'direct' });
      expect(await failing(STORAGE)).toBe('DIRECT');
      expect(await failing(STORAGE)).toBe('DIRECT');
    } finally {
      agents.destroy();
    }
    expect(failures).toEqual([
      `The system's proxy settings for ${BASE} could not be read (no answer within 20 ms); going straight to it.`,
      `The system's proxy settings for ${STORAGE} could not be read (no answer within 20 ms); going straight to it.`,
      `The system's proxy settings for ${STORAGE} could not be read (no session); going straight to it.`,
    ]);
  });

  it('never wins over a proxy variable or a profile proxy, and is not asked then', async () => {
    const pac = pacFile({ [BASE]: 'PROXY corp-proxy:8080', [STORAGE]: 'PROXY corp-proxy:8080' });
    const profile = { url: 'http://profile:3128', profileName: 'prod' };
    const byProfile = await waysFor({ environment: {}, profile }, pac);
    const byVariable = await waysFor(
      { environment: readProxyEnvironment({ HTTPS_PROXY: 'http://env:3128' }) },
      pac,
    );
    try {
      expect(await byProfile.route(`${STORAGE}/part-1`)).toMatchObject({
        source: { kind: 'profile' },
      });
      expect(await byVariable.route(`${STORAGE}/part-1`)).toMatchObject({
        source: { kind: 'environment', variable: 'HTTPS_PROXY' },
      });
      expect(pac.asked).toEqual([]);
      // HTTPS_PROXY says nothing for an http storage server: the system does.
      expect(await byVariable.route('http://storage.lan:9000/part-1')).toEqual({ kind: 'direct' });
      expect(pac.asked).toEqual(['http://storage.lan:9000']);
    } finally {
      byProfile.agents.destroy();
      byVariable.agents.destroy();
    }
  });
});
