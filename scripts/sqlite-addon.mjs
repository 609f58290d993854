// Builds better-sqlite3's native addon for another runtime into a file of its own, leaving the
// package's own build (plain Node: the CLI, the dashboard, the tests) untouched. The desktop
// app loads the Electron build through better-sqlite3's `nativeBinding` option
// (src-main/sqlite/native-binding.ts). The build does what the package's install script does
// (`prebuild-install || node-gyp rebuild --release`), in a copy of the package, for the given
// runtime. The tools are run directly, not through `npm run`: npm would hand them a `nodedir`
// from the user's npm config, and node-gyp would then build against plain Node's headers.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ELECTRON_HEADERS = 'https://electronjs.org/headers';

/** prebuild-install (better-sqlite3's own dependency) and node-gyp, as the project resolves them. */
export function buildTools(root) {
  const require = createRequire(path.join(root, 'package.json'));
  return {
    prebuildInstall: require.resolve('prebuild-install/bin.js'),
    nodeGyp: require.resolve('node-gyp/bin/node-gyp.js'),
  };
}

/**
 * The two ways to the addon, tried in order: a prebuilt download, then a compile against the
 * runtime's headers (Electron's from its dist URL; plain Node's from `nodedir` when given).
 *
 * @param {{ runtime: 'electron' | 'node', target: string, arch: string, platform: string,
 *   tools: { prebuildInstall: string, nodeGyp: string }, nodedir?: string }} options
 * @returns {{ command: string, args: string[] }[]}
 */
export function addonBuildSteps({ runtime, target, arch, platform, tools, nodedir }) {
  const node = process.execPath;
  const headers =
    runtime === 'electron'
      ? [`--dist-url=${ELECTRON_HEADERS}`]
      : nodedir
        ? [`--nodedir=${nodedir}`]
        : [];
  return [
    {
      command: node,
      args: [
        tools.prebuildInstall,
        `--runtime=${runtime}`,
        `--target=${target}`,
        `--arch=${arch}`,
        `--platform=${platform}`,
      ],
    },
    {
      command: node,
      args: [
        tools.nodeGyp,
        'rebuild',
        '--release',
        `--runtime=${runtime}`,
        `--target=${target}`,
        `--arch=${arch}`,
        ...headers,
      ],
    },
  ];
}

/** The environment without npm's settings, which would override the steps' own arguments. */
function withoutNpmConfig(env) {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')),
  );
}

/** The package's files that a build needs: everything but earlier builds. */
function isSource(packageDir, file) {
  const first = path.relative(packageDir, file).split(path.sep)[0];
  return !['build', 'electron-builds', 'node_modules'].includes(first);
}

/**
 * Builds the addon into `outFile` unless it is there already. Throws with the tools' last
 * lines when neither a prebuilt addon nor a compile could be had.
 *
 * @param {{ packageDir: string, outFile: string, runtime: 'electron' | 'node', target: string,
 *   arch: string, platform: string, tools: { prebuildInstall: string, nodeGyp: string },
 *   nodedir?: string, env?: Record<string, string | undefined>,
 *   onOutput?: 'inherit' | 'pipe', onBuildStart?: () => void }} options
 * @returns {{ built: boolean, file: string }}
 */
export function buildSqliteAddon(options) {
  const { packageDir, outFile } = options;
  if (existsSync(outFile)) return { built: false, file: outFile };
  if (!existsSync(path.join(packageDir, 'binding.gyp'))) {
    throw new Error(`could not build better-sqlite3: ${packageDir} has no sources (binding.gyp)`);
  }
  options.onBuildStart?.();
  const work = mkdtempSync(path.join(tmpdir(), 'peridio-desk-sqlite-'));
  try {
    const copy = path.join(work, 'better-sqlite3');
    cpSync(packageDir, copy, { recursive: true, filter: (file) => isSource(packageDir, file) });
    const env = withoutNpmConfig(options.env ?? process.env);
    const addon = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
    const output = [];
    for (const step of addonBuildSteps(options)) {
      const result = spawnSync(step.command, step.args, {
        cwd: copy,
        env,
        stdio: options.onOutput === 'inherit' ? 'inherit' : 'pipe',
        encoding: 'utf8',
      });
      output.push(`${result.stdout ?? ''}${result.stderr ?? ''}`);
      if (result.status === 0 && existsSync(addon)) break;
    }
    if (!existsSync(addon)) {
      const tail = output.join('').trim().split('\n').slice(-12).join('\n');
      throw new Error(
        `could not build better-sqlite3 for ${options.runtime} ${options.target} ` +
          `(${options.platform}-${options.arch}): neither a prebuilt addon could be downloaded ` +
          `nor the sources compiled${tail ? `:\n${tail}` : ''}`,
      );
    }
    mkdirSync(path.dirname(outFile), { recursive: true });
    // Renamed into place, so a build stopped half-way never leaves a file that looks done.
    const partial = `${outFile}.partial`;
    cpSync(addon, partial);
    renameSync(partial, outFile);
    return { built: true, file: outFile };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
