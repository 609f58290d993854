// A profile's proxy URL: what is accepted, how the password is split off for the keychain and
// put back for the connection (escaped as a URL needs it), and how it is shown without it.
import { describe, expect, it } from 'vitest';
import {
  checkProxyInput,
  shownProxyUrl,
  splitProxyUrl,
  withProxyPassword,
} from '../../../src-preload/contract.js';

function parts(text: string) {
  const checked = splitProxyUrl(text);
  if (!checked.ok) throw new Error(`refused ${text}: ${checked.message}`);
  return checked.parts;
}

function problem(text: string): string {
  const checked = splitProxyUrl(text);
  if (checked.ok) throw new Error(`accepted ${text}`);
  return checked.message;
}

describe('splitProxyUrl', () => {
  it('keeps the scheme, user, host and port, and splits the password off', () => {
    expect(parts('http://proxy.example.com:3128')).toEqual({
      url: 'http://proxy.example.com:3128',
    });
    expect(parts('HTTPS://Proxy.Example.com/')).toEqual({ url: 'https://proxy.example.com' });
    expect(parts('http://alice@proxy:3128')).toEqual({
      url: 'http://alice@proxy:3128',
      username: 'alice',
    });
    expect(parts('http://alice:s3cret@proxy:3128')).toEqual({
      url: 'http://alice@proxy:3128',
      username: 'alice',
      password: 's3cret',
    });
    expect(parts('http://bob:pw@[::1]:8080').url).toBe('http://bob@[::1]:8080');
    expect(parts('http://10.1.2.3:80').url).toBe('http://10.1.2.3');
  });

  it('unescapes the password for the keychain, and takes an unescaped @ in it', () => {
    expect(parts('http://alice:p%40ss%3Aw%2Fd@proxy:3128').password).toBe('p@ss:w/d');
    expect(parts('http://alice:p@ss@proxy:3128')).toMatchObject({
      url: 'http://alice@proxy:3128',
      password: 'p@ss',
    });
    // The user name stays as written (escaped), as a URL carries it.
    expect(parts('http://DOMAIN%5Calice:pw@proxy:3128').url).toBe(
      'http://DOMAIN%5Calice@proxy:3128',
    );
  });

  it('says what is wrong, without quoting the URL', () => {
    expect(problem('proxy:3128')).toBe(
      'the proxy URL must start with http:// or https:// (for example http://proxy.example.com:3128)',
    );
    expect(problem('socks5://alice:pw@proxy:1080')).toBe(
      'the proxy URL must start with http:// or https:// (socks5 proxies are not supported)',
    );
    expect(problem('http://alice:pw@proxy:3128/path')).toMatch(/^a proxy URL has no path/);
    expect(problem('http://proxy:3128/?')).toBe('a proxy URL has no query ("?…")');
    expect(problem('http://proxy:3128#')).toBe('a proxy URL has no fragment ("#…")');
    expect(problem('http://:pw@proxy')).toMatch(/password but no user name/);
    expect(problem('http://alice:%zz@proxy')).toMatch(/write "%" as %25/);
    expect(problem('http://proxy:3128\n')).toMatch(/spaces or control characters/);
    expect(problem(`http://${'a'.repeat(2048)}`)).toMatch(/at most 2048 characters/);
    expect(problem('http://')).toMatch(/not a valid URL/);
    for (const text of ['http://alice:pw@proxy:3128/path', 'http://alice:%zz@proxy']) {
      expect(problem(text)).not.toContain('pw');
      expect(problem(text)).not.toContain('%zz');
    }
  });
});

describe('putting the password back and showing the URL', () => {
  it('escapes the password as a URL needs, and it comes back whole', () => {
    for (const password of ['s3cret', 'p@ss:w/rd?#%', 'sp ace', 'ünï']) {
      const url = withProxyPassword('http://alice@proxy:3128', password);
      expect(url).toMatch(/^http:\/\/alice:[^@/?# ]+@proxy:3128$/);
      expect(decodeURIComponent(new URL(url).password)).toBe(password);
      expect(splitProxyUrl(url)).toEqual({
        ok: true,
        parts: { url: 'http://alice@proxy:3128', username: 'alice', password },
      });
    }
  });

  it('shows a password as ***', () => {
    expect(shownProxyUrl('http://alice:s3cret@proxy:3128')).toBe('http://alice:***@proxy:3128');
    expect(shownProxyUrl('http://alice@proxy:3128')).toBe('http://alice@proxy:3128');
    expect(shownProxyUrl('http://proxy:3128')).toBe('http://proxy:3128');
    expect(shownProxyUrl('not a url alice:s3cret@proxy')).not.toContain('s3cret');
  });
});

describe('checkProxyInput', () => {
  it('takes the password from the field or the URL, once, with a user', () => {
    expect(checkProxyInput('http://alice@proxy:3128', 'pw')).toEqual({
      ok: true,
      parts: { url: 'http://alice@proxy:3128', username: 'alice', password: 'pw' },
    });
    expect(checkProxyInput('http://proxy:3128', 'pw')).toMatchObject({
      ok: false,
      field: 'proxyPassword',
    });
    expect(checkProxyInput('http://alice:pw@proxy:3128', 'pw')).toMatchObject({
      ok: false,
      field: 'proxyPassword',
    });
    expect(checkProxyInput('ftp://proxy', 'pw')).toMatchObject({ ok: false, field: 'proxyUrl' });
  });
});
