// electron-builder's beforePack hook: the package gets the Electron build of better-sqlite3 for
// its platform and architecture beside the plain Node one (electron-sqlite.mjs), instead of
// electron-builder rebuilding node_modules in place (npmRebuild: false), which would leave the
// command line and the tests with an addon their Node cannot load.
import { prepareElectronSqlite } from './electron-sqlite.mjs';

// builder-util's Arch enum, by number.
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** @param {{ electronPlatformName: string, arch: number, packager: { info: { framework: { version: string } } } }} context */
export default async function beforePack(context) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  await prepareElectronSqlite({
    electronVersion: context.packager.info.framework.version,
    platform,
    arch: ARCH_NAMES[context.arch] ?? String(context.arch),
    onOutput: 'inherit',
  });
}
