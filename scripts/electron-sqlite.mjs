// The Electron build of better-sqlite3 that the desktop app loads, made where the engine looks
// for it (dist/src-main/sqlite/native-binding.js says where): by `npm start` on first run and by
// electron-builder's beforePack hook for each package's platform and architecture.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSqliteAddon, buildTools } from './sqlite-addon.mjs';

const root = path.resolve(import.meta.dirname, '..');

/**
 * @param {{ electronVersion: string, platform: string, arch: string,
 *   onOutput?: 'inherit' | 'pipe', onBuildStart?: () => void }} target
 * @returns {Promise<{ built: boolean, file: string }>}
 */
export async function prepareElectronSqlite(target) {
  const { electronVersion, platform, arch, onOutput, onBuildStart } = target;
  const binding = path.join(root, 'dist', 'src-main', 'sqlite', 'native-binding.js');
  const { betterSqlitePackageDir, electronSqliteBindingPath } = await import(
    pathToFileURL(binding).href
  );
  const packageDir = betterSqlitePackageDir();
  return buildSqliteAddon({
    packageDir,
    outFile: electronSqliteBindingPath(packageDir, { electronVersion, platform, arch }),
    runtime: 'electron',
    target: electronVersion,
    platform,
    arch,
    tools: buildTools(root),
    ...(onOutput ? { onOutput } : {}),
    ...(onBuildStart ? { onBuildStart } : {}),
  });
}
