// Which build of better-sqlite3's native addon this process loads. npm installs one build, for
// plain Node (the CLI, the dashboard, the tests). Electron's Node has another ABI, so the
// desktop app loads a second build kept in a folder of its own (made by `npm start` on first
// run, or by electron-builder's beforeBuild hook for packages) and the Node build is never
// rebuilt in place: rebuilding it for Electron would break the CLI and the tests.
import { createRequire } from 'node:module';
import path from 'node:path';

/** The folder inside the better-sqlite3 package that holds its Electron builds. */
export const ELECTRON_BUILDS_DIR = 'electron-builds';

export interface ElectronTarget {
  electronVersion: string;
  platform: string;
  arch: string;
}

/**
 * Where the Electron build of better-sqlite3 for `target` lives: inside the package it was
 * built from, so a reinstall or an upgrade of better-sqlite3 removes it with the sources it
 * came from, and a package (which copies better-sqlite3 whole, unpacked) carries it along.
 */
export function electronSqliteBindingPath(packageDir: string, target: ElectronTarget): string {
  const folder = `electron-${target.electronVersion}-${target.platform}-${target.arch}`;
  return path.join(packageDir, ELECTRON_BUILDS_DIR, folder, 'better_sqlite3.node');
}

export interface BindingFacts {
  /** process.versions: `electron` is set only inside Electron (main or utility process). */
  versions: Partial<Record<string, string>>;
  platform: string;
  arch: string;
  /** node_modules/better-sqlite3 */
  packageDir: string;
  exists(file: string): boolean;
}

/**
 * The `nativeBinding` option for better-sqlite3: undefined in plain Node (the package's own
 * build), the Electron build inside Electron. When that build is missing inside Electron the
 * package's own is loaded and fails with the ABI error that start-failure.ts explains.
 */
export function sqliteNativeBinding(facts: BindingFacts): string | undefined {
  const electronVersion = facts.versions.electron;
  if (electronVersion === undefined) return undefined;
  const file = electronSqliteBindingPath(facts.packageDir, {
    electronVersion,
    platform: facts.platform,
    arch: facts.arch,
  });
  return facts.exists(file) ? file : undefined;
}

/** node_modules/better-sqlite3 as this process resolves it. */
export function betterSqlitePackageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
}
