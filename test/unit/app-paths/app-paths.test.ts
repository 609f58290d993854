import { describe, expect, it } from 'vitest';
import { defaultDataDir, localWorkspaceDir } from '../../../src-main/app-paths/index.js';

describe('defaultDataDir', () => {
  it('follows each platform’s convention', () => {
    expect(defaultDataDir({ HOME: '/home/ada' }, 'linux')).toBe(
      '/home/ada/.local/share/peridio-desk',
    );
    expect(defaultDataDir({ HOME: '/home/ada', XDG_DATA_HOME: '/data' }, 'linux')).toBe(
      '/data/peridio-desk',
    );
    expect(defaultDataDir({ HOME: '/Users/ada' }, 'darwin')).toBe(
      '/Users/ada/Library/Application Support/Peridio Desk',
    );
    expect(defaultDataDir({ HOME: '/u', APPDATA: '/appdata' }, 'win32')).toMatch(
      /^\/appdata[\\/]Peridio Desk$/,
    );
  });

  it('lets PERIDIO_DESK_DATA_DIR override it (build machines, tests)', () => {
    expect(defaultDataDir({ HOME: '/home/ada', PERIDIO_DESK_DATA_DIR: '/srv/desk' }, 'linux')).toBe(
      '/srv/desk',
    );
    expect(localWorkspaceDir('/srv/desk')).toBe('/srv/desk/local-workspace');
  });
});
