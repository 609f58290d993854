// Where pages may go, which permissions they get, and which links leave the app.
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_PERMISSIONS,
  externalUrlToOpen,
  navigationAllowed,
  permissionAllowed,
} from '../../../src-main/electron/security-policy.js';

describe('navigation', () => {
  it('stays inside app://desk', () => {
    expect(navigationAllowed('app://desk/index.html#/jobs')).toBe(true);
    expect(navigationAllowed('https://docs.peridio.com/')).toBe(false);
    expect(navigationAllowed('file:///etc/passwd')).toBe(false);
    expect(navigationAllowed('javascript:alert(1)')).toBe(false);
    expect(navigationAllowed('app://elsewhere/')).toBe(false);
  });
});

describe('permissions', () => {
  it('lets our pages write plain text to the clipboard, and nothing more', () => {
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://desk/index.html')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://desk')).toBe(true);
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'openExternal'])(
    'denies %s even to our pages',
    (permission) => expect(permissionAllowed(permission, 'app://desk/')).toBe(false),
  );

  it('denies the allowed permission to any other origin, or to an unknown one', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
});

describe('external links', () => {
  it.each([
    ['https://docs.peridio.com/', 'https://docs.peridio.com/'],
    ['https://peridio.com', 'https://peridio.com/'],
    ['https://www.peridio.com/pricing?x=1#y', 'https://www.peridio.com/pricing?x=1#y'],
    ['HTTPS://DOCS.PERIDIO.COM/admin-api', 'https://docs.peridio.com/admin-api'],
  ])('opens %s as %s', (url, opened) => expect(externalUrlToOpen(url)).toBe(opened));

  it.each([
    'http://docs.peridio.com/',
    'https://peridio.com.evil.example/',
    'https://evil.example/?https://docs.peridio.com',
    'https://docs.peridio.com@evil.example/',
    'https://user:pw@docs.peridio.com/',
    'https://docs.peridio.com:8443/',
    'https://sub.docs.peridio.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://docs.peridio.com/share',
    'not a url',
  ])('keeps %s inside', (url) => expect(externalUrlToOpen(url)).toBeNull());
});
