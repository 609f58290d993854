// `npm start`'s preparation for the desktop app builds better-sqlite3 for another runtime into
// a file of its own and leaves the package's build alone. Electron's runtime cannot be had
// here, so this builds for plain Node by the same path (a copy of the package; offline,
// prebuild-install fails and node-gyp compiles against this Node's headers), then loads the
// result through `nativeBinding`, as the desktop app loads its build.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { addonBuildSteps, buildSqliteAddon, buildTools } from '../../../scripts/sqlite-addon.mjs';
import { betterSqlitePackageDir } from '../../../src-main/sqlite/index.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const packageDir = betterSqlitePackageDir();
const ownBuild = path.join(packageDir, 'build', 'Release', 'better_sqlite3.node');
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const tools = buildTools(root);
// This Node's own headers (Debian's nodejs-dev, or an official tarball's include/), so that
// node-gyp needs no download.
const installPrefix = path.resolve(process.execPath, '..', '..');
const nodedir = existsSync(path.join(installPrefix, 'include', 'node', 'node.h'))
  ? installPrefix
  : undefined;
const work = mkdtempSync(path.join(tmpdir(), 'sqlite-addon-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a separate build of the SQLite addon', () => {
  it('is built into its own file, loads with nativeBinding, and leaves the package’s build', () => {
    const before = digest(ownBuild);
    const outFile = path.join(work, 'node-build', 'better_sqlite3.node');
    const options = {
      packageDir,
      outFile,
      runtime: 'node' as const,
      target: process.versions.node,
      arch: process.arch,
      platform: process.platform,
      tools,
      ...(nodedir ? { nodedir } : {}),
    };
    expect(buildSqliteAddon(options)).toEqual({ built: true, file: outFile });
    expect(digest(ownBuild)).toBe(before);

    const db = new Database(path.join(work, 'probe.sqlite'), { nativeBinding: outFile });
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({
      v: expect.any(String),
    });
    db.close();

    // Built once: a second start finds it and builds nothing.
    expect(buildSqliteAddon(options)).toEqual({ built: false, file: outFile });
  }, 600_000);

  it('is built against Electron’s headers for Electron, never a nodedir', () => {
    const steps = addonBuildSteps({
      runtime: 'electron',
      target: '45.5.0',
      arch: 'arm64',
      platform: 'linux',
      tools,
      nodedir: '/usr',
    });
    expect(steps.map((step) => step.args)).toEqual([
      [
        tools.prebuildInstall,
        '--runtime=electron',
        '--target=45.5.0',
        '--arch=arm64',
        '--platform=linux',
      ],
      [
        tools.nodeGyp,
        'rebuild',
        '--release',
        '--runtime=electron',
        '--target=45.5.0',
        '--arch=arm64',
        '--dist-url=https://electronjs.org/headers',
      ],
    ]);
  });

  it('says why when neither a prebuilt addon nor a compile can be had', () => {
    const outFile = path.join(work, 'never', 'better_sqlite3.node');
    expect(() =>
      buildSqliteAddon({
        packageDir: path.join(work, 'no-such-package'),
        outFile,
        runtime: 'node',
        target: process.versions.node,
        arch: process.arch,
        platform: process.platform,
        tools,
      }),
    ).toThrow(/could not build better-sqlite3: .*no-such-package has no sources/);
    expect(existsSync(outFile)).toBe(false);
  });
});
