import { describe, expect, it } from 'vitest';
import { routeFor, withSystemProxy, type ProxyPlan } from '../../../src-main/network/index.js';

const BASE = 'https://api.cremini.peridio.com';
const NOTHING: ProxyPlan = { environment: {} };

describe("the system's proxy (Electron's session.resolveProxy)", () => {
  it("routes the base URL and the storage servers by the system's answer for the base URL", async () => {
    const asked: string[] = [];
    const plan = await withSystemProxy(
      NOTHING,
      BASE,
      async (url) => {
        asked.push(url);
        return 'PROXY corp-proxy:8080; DIRECT';
      },
      () => {},
    );
    expect(asked).toEqual([BASE]);
    expect(routeFor(plan, new URL(`${BASE}/binaries`))).toMatchObject({
      kind: 'proxy',
      proxyUrl: 'http://corp-proxy:8080',
      source: { kind: 'system' },
    });
    expect(routeFor(plan, new URL('https://bucket.s3.amazonaws.com/part'))).toMatchObject({
      proxyUrl: 'http://corp-proxy:8080',
    });
  });

  it('goes straight, and says why, when the system fails or does not answer in time', async () => {
    const failures: string[] = [];
    const failed = await withSystemProxy(
      NOTHING,
      BASE,
      () => Promise.reject(new Error('no session')),
      (message) => failures.push(message),
    );
    const silent = await withSystemProxy(
      NOTHING,
      BASE,
      () => new Promise<string>(() => {}),
      (message) => failures.push(message),
      20,
    );
    expect(routeFor(failed, new URL(BASE))).toEqual({ kind: 'direct' });
    expect(routeFor(silent, new URL(BASE))).toEqual({ kind: 'direct' });
    expect(failures).toEqual([
      expect.stringMatching(/could not be read \(no session\); going straight/),
      expect.stringMatching(/no answer within 20 ms/),
    ]);
  });

  it('never wins over a proxy variable or a profile proxy', async () => {
    const plan = await withSystemProxy(
      { environment: {}, profile: { url: 'http://profile:3128', profileName: 'prod' } },
      BASE,
      async () => 'PROXY corp-proxy:8080',
      () => {},
    );
    expect(routeFor(plan, new URL(BASE))).toMatchObject({ source: { kind: 'profile' } });
  });
});
