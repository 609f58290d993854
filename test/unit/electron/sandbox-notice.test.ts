// The AppImage's first start on Ubuntu 24.04 or later: its launcher turned Chromium's sandbox
// off, and the app says so with the command that gives it back.
import { describe, expect, it } from 'vitest';
import {
  USERNS_RESTRICTION_FILE,
  appImageSandboxNotice,
} from '../../../src-main/electron/sandbox-notice.js';

const restricted = (file: string) => (file === USERNS_RESTRICTION_FILE ? '1\n' : null);
const facts = {
  platform: 'linux' as const,
  env: { APPIMAGE: '/home/me/Apps/Peridio-Desk-0.1.0.AppImage' },
  noSandbox: true,
  execPath: '/tmp/.mount_PeridiAbC123/peridio-desk-app',
  readText: restricted,
};

describe('appImageSandboxNotice', () => {
  it('names the AppArmor profile command for the AppImage’s executable', () => {
    const notice = appImageSandboxNotice(facts);
    expect(notice).toMatch(/runs without Chromium’s sandbox/);
    expect(notice).toContain('/tmp/.mount_*/peridio-desk-app');
    expect(notice).toContain('sudo tee /etc/apparmor.d/peridio-desk-appimage');
    expect(notice).toContain('sudo apparmor_parser -r /etc/apparmor.d/peridio-desk-appimage');
  });

  it('says nothing with the sandbox on, outside an AppImage, or without the restriction', () => {
    expect(appImageSandboxNotice({ ...facts, noSandbox: false })).toBeNull();
    expect(appImageSandboxNotice({ ...facts, env: {} })).toBeNull();
    expect(appImageSandboxNotice({ ...facts, readText: () => '0' })).toBeNull();
    expect(appImageSandboxNotice({ ...facts, readText: () => null })).toBeNull();
    expect(appImageSandboxNotice({ ...facts, platform: 'darwin' })).toBeNull();
  });
});
