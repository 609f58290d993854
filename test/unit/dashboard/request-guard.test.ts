// Who may talk to the dashboard: loopback hosts, our own Host and Origin, the token.
import { describe, expect, it } from 'vitest';
import {
  bearerTokenOf,
  checkHost,
  checkOrigin,
  isLoopbackHost,
  newDashboardToken,
  ownHostsOf,
  tokenMatches,
} from '../../../src-main/dashboard/request-guard.js';

describe('the request guard', () => {
  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '127.0.0.256', '128.0.0.1', 'evil.example']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('accepts only its own Host, with the port', () => {
    const own = ownHostsOf('127.0.0.1', 4000);
    expect([...own]).toEqual(['127.0.0.1:4000', 'localhost:4000']);
    expect(checkHost('127.0.0.1:4000', own)).toBeUndefined();
    expect(checkHost('LocalHost:4000', own)).toBeUndefined();
    for (const host of ['evil.example:4000', '127.0.0.1', '127.0.0.1:4001', undefined, '']) {
      expect(checkHost(host, own)?.status, String(host)).toBe(421);
    }
    expect([...ownHostsOf('::1', 5)]).toEqual(['[::1]:5', 'localhost:5']);
  });

  it('accepts no Origin or its own, and refuses every other', () => {
    const own = ownHostsOf('127.0.0.1', 4000);
    expect(checkOrigin(undefined, own)).toBeUndefined();
    expect(checkOrigin('http://127.0.0.1:4000', own)).toBeUndefined();
    expect(checkOrigin('http://localhost:4000', own)).toBeUndefined();
    for (const origin of [
      'null',
      'https://127.0.0.1:4000',
      'http://127.0.0.1:4001',
      'http://evil.example',
      '',
    ]) {
      expect(checkOrigin(origin, own)?.status, origin).toBe(403);
    }
  });

  it('makes 32-byte tokens and compares them whole', () => {
    const token = newDashboardToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newDashboardToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(tokenMatches(['x'], token)).toBe(false);
  });

  it('reads a Bearer authorization header', () => {
    expect(bearerTokenOf('Bearer abc-_1')).toBe('abc-_1');
    expect(bearerTokenOf('bearer abc')).toBe('abc');
    expect(bearerTokenOf('Token abc')).toBeUndefined();
    expect(bearerTokenOf('Bearer')).toBeUndefined();
    expect(bearerTokenOf(undefined)).toBeUndefined();
  });
});
