// Which native build of better-sqlite3 a process loads: the package's own in plain Node (the
// CLI, the dashboard, the tests), the separate Electron build inside Electron.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  betterSqlitePackageDir,
  electronSqliteBindingPath,
  sqliteNativeBinding,
} from '../../../src-main/sqlite/index.js';

const packageDir = '/app/node_modules/better-sqlite3';
const electronBuild = path.join(
  packageDir,
  'electron-builds',
  'electron-45.5.0-linux-x64',
  'better_sqlite3.node',
);
const facts = (versions: Record<string, string>, present: string[]) => ({
  versions,
  platform: 'linux',
  arch: 'x64',
  packageDir,
  exists: (file: string) => present.includes(file),
});

describe('sqliteNativeBinding', () => {
  it('loads the package’s own build in plain Node, even when an Electron build is there', () => {
    expect(sqliteNativeBinding(facts({ node: '20.20.2' }, [electronBuild]))).toBeUndefined();
  });

  it('loads the Electron build inside Electron', () => {
    const inElectron = facts({ node: '22.20.0', electron: '45.5.0' }, [electronBuild]);
    expect(sqliteNativeBinding(inElectron)).toBe(electronBuild);
  });

  it('names the build by Electron version, platform and architecture', () => {
    const otherVersion = facts({ electron: '46.0.0' }, [electronBuild]);
    expect(sqliteNativeBinding(otherVersion)).toBeUndefined();
    expect(
      electronSqliteBindingPath(packageDir, {
        electronVersion: '45.5.0',
        platform: 'darwin',
        arch: 'arm64',
      }),
    ).toBe(
      path.join(
        packageDir,
        'electron-builds',
        'electron-45.5.0-darwin-arm64',
        'better_sqlite3.node',
      ),
    );
  });

  it('falls back to the package’s own build inside Electron when there is no Electron build', () => {
    expect(sqliteNativeBinding(facts({ electron: '45.5.0' }, []))).toBeUndefined();
  });

  it('finds the installed package this process resolves', () => {
    expect(path.basename(betterSqlitePackageDir())).toBe('better-sqlite3');
  });
});
