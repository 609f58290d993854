import { describe, expect, it } from 'vitest';
import { bypassesProxy, parseNoProxy } from '../../../src-main/network/index.js';

const goesStraight = (noProxy: string, url: string) =>
  bypassesProxy(parseNoProxy(noProxy), new URL(url));

describe('NO_PROXY, read as curl reads it', () => {
  it('matches a host and its subdomains, never a longer name that merely ends alike', () => {
    expect(goesStraight('example.com', 'https://example.com/')).toBe(true);
    expect(goesStraight('example.com', 'https://api.example.com/')).toBe(true);
    expect(goesStraight('example.com', 'https://badexample.com/')).toBe(false);
    expect(goesStraight('example.com', 'https://example.com.evil.net/')).toBe(false);
  });

  it('treats a leading dot or *. as the same domain suffix, case-insensitively', () => {
    expect(goesStraight('.Example.COM', 'https://api.example.com/')).toBe(true);
    expect(goesStraight('*.example.com', 'https://a.b.example.com/')).toBe(true);
    expect(goesStraight('.example.com', 'https://example.com/')).toBe(true);
    expect(goesStraight('example.com.', 'https://api.example.com./')).toBe(true);
  });

  it('takes commas and spaces between entries, and * alone for everything', () => {
    expect(goesStraight(' a.test , b.test  c.test', 'http://c.test/')).toBe(true);
    expect(goesStraight('*', 'https://anything.example/')).toBe(true);
    expect(goesStraight('', 'https://anything.example/')).toBe(false);
    // `*` inside a list of names still means every host.
    expect(goesStraight('a.test,*', 'https://other.example/')).toBe(true);
  });

  it('limits an entry with a port to that port, counting default ports', () => {
    expect(goesStraight('example.com:8443', 'https://example.com:8443/')).toBe(true);
    expect(goesStraight('example.com:8443', 'https://example.com/')).toBe(false);
    expect(goesStraight('example.com:443', 'https://example.com/')).toBe(true);
    expect(goesStraight('example.com:80', 'http://example.com/')).toBe(true);
  });

  it('matches IP addresses and CIDR blocks only for hosts written as IP literals', () => {
    expect(goesStraight('10.1.2.3', 'http://10.1.2.3:4000/')).toBe(true);
    expect(goesStraight('10.0.0.0/8', 'http://10.200.7.1/')).toBe(true);
    expect(goesStraight('10.0.0.0/8', 'http://11.0.0.1/')).toBe(false);
    expect(goesStraight('192.168.0.0/16', 'http://192.168.4.4/')).toBe(true);
    expect(goesStraight('127.0.0.1', 'http://localhost/')).toBe(false);
    expect(goesStraight('::1', 'http://[::1]:8080/')).toBe(true);
    expect(goesStraight('[::1]:8080', 'http://[::1]:8080/')).toBe(true);
    expect(goesStraight('[::1]:8080', 'http://[::1]:9090/')).toBe(false);
    expect(goesStraight('fd00::/8', 'https://[fd12::1]/')).toBe(true);
    expect(goesStraight('fd00::/8', 'https://[fe80::1]/')).toBe(false);
  });

  it('ignores entries it cannot read instead of bypassing everything', () => {
    expect(goesStraight('10.0.0.0/99, ,,', 'http://10.0.0.1/')).toBe(false);
  });
});
