import { describe, expect, it } from 'vitest';
import { choosePacRoute, parsePacAnswer } from '../../../src-main/network/index.js';

describe("a PAC answer (Electron's session.resolveProxy)", () => {
  it('lists the entries in order, PROXY as http and HTTPS as a proxy reached over TLS', () => {
    expect(parsePacAnswer('PROXY proxy.corp:3128; HTTPS secure.corp:443; DIRECT')).toEqual([
      { kind: 'proxy', url: 'http://proxy.corp:3128' },
      { kind: 'proxy', url: 'https://secure.corp:443' },
      { kind: 'direct' },
    ]);
  });

  it('chooses the first usable entry, skipping SOCKS ones', () => {
    expect(choosePacRoute('SOCKS5 socks.corp:1080; PROXY p:8080')).toEqual({
      kind: 'proxy',
      url: 'http://p:8080',
    });
    expect(choosePacRoute('DIRECT')).toEqual({ kind: 'direct' });
    expect(choosePacRoute('direct; PROXY p:8080')).toEqual({ kind: 'direct' });
  });

  it('goes straight when the answer holds nothing usable', () => {
    expect(choosePacRoute('')).toEqual({ kind: 'direct' });
    expect(choosePacRoute('SOCKS s:1080')).toEqual({ kind: 'direct' });
    expect(choosePacRoute('PROXY')).toEqual({ kind: 'direct' });
    expect(choosePacRoute('PROXY a b')).toEqual({ kind: 'direct' });
    expect(choosePacRoute('PROXY user@evil:1/path')).toEqual({ kind: 'direct' });
  });

  it('reads IPv6 proxies and ignores spacing', () => {
    expect(parsePacAnswer('  PROXY   [::1]:3128 ;DIRECT ')).toEqual([
      { kind: 'proxy', url: 'http://[::1]:3128' },
      { kind: 'direct' },
    ]);
  });
});
