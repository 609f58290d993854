// Builds the `peridio-desk` command in dist/cli. One start per command (a script uploads one
// file per call) pays for every module it loads, and Node 20 resolves, reads and compiles
// ~400 separate ES modules far slower than one file, whose compiled code V8 can also cache:
// - peridio-desk.cjs: the whole command as one CommonJS file. The embedded server, the watch
//   room, the dashboard and each command are still initialized only when first used.
// - bin.cjs: the launcher that runs it with V8's code cache (src-main/cli/compile-cache.ts),
//   CommonJS too: Node starts an ES module entry about 20 ms slower.
// - transfer-worker.js, whole-hash-worker.js: the worker threads (ES modules), beside the
//   command, where workerEntry looks for them.
// Minified: no whitespace, no comments, short local names. Every start reads the file, turns
// it into a string and matches it to its code cache; 0.8 MB instead of 1.2 MB is about 9 ms
// less per command, measured side by side. A stack trace names minified functions: the map
// beside each file (peridio-desk.cjs.map, not loaded at run time) maps its positions back to
// the sources with any tool that reads source maps.
// The desktop app and the engine host keep tsc's module-per-file output in dist/src-main.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Parts of dependencies the engine never uses, left out of the bundle: together more than
 * half the code an upload would load. Should one ever be reached, its stub says so.
 * - conf imports Ajv (with its formats) for JSON-schema validation and semver for
 *   migrations; settings-backend.ts passes no schema and no migrations (zod checks the file).
 * - zod exports every language's messages as `z.locales`; only English (which zod's schemas
 *   import directly) is used.
 */
const UNUSED = [
  {
    importer: /[\\/]node_modules[\\/]conf[\\/]/,
    specifier: /^(ajv\/dist\/2020\.js|ajv-formats|semver)$/,
  },
  {
    importer: /[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/,
    specifier: /^\.\.\/locales\/index\.js$/,
  },
];

const leaveOutUnused = {
  name: 'leave-out-unused',
  setup(bundler) {
    bundler.onResolve({ filter: /.*/ }, (args) =>
      UNUSED.some((u) => u.specifier.test(args.path) && u.importer.test(args.importer))
        ? { path: args.path, namespace: 'unused' }
        : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
      contents: `const unused = () => { throw new Error(${JSON.stringify(`${args.path} was left out of the peridio-desk bundle as unused (scripts/bundle-cli.mjs)`)}); };
export class Ajv2020 { constructor() { unused(); } }
export default { default: unused, eq: unused, clean: unused, satisfies: unused, lte: unused, gt: unused };`,
      loader: 'js',
    }));
  },
};

/**
 * better-sqlite3's JavaScript goes into the bundle (compiled from V8's code cache like the
 * rest, instead of 15 files resolved and compiled at every start); its native addon stays in
 * the installed package. The package finds the addon with `bindings`, which searches from its
 * caller's file, here the bundle: the shim asks Node for it from the bundle, as a require of
 * the package would find it.
 */
const sqliteAddonFromPackage = {
  name: 'sqlite-addon-from-package',
  setup(bundler) {
    bundler.onResolve({ filter: /^bindings$/ }, (args) =>
      /[\\/]node_modules[\\/]better-sqlite3[\\/]/.test(args.importer)
        ? { path: 'bindings', namespace: 'sqlite-addon' }
        : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'sqlite-addon' }, () => ({
      contents: `const { createRequire } = require('node:module');
module.exports = (name) => createRequire(__filename)('better-sqlite3/build/Release/' + name);`,
      loader: 'js',
    }));
  },
};

const CLI_BUNDLE_DIR = path.join(root, 'dist', 'cli');

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The keychain's addon package loads its binary by platform; Fastify (the embedded server's)
  // requires its plugins at run time. (pino is bundled: the engine uses no pino transports,
  // which are the part that loads files by path; better-sqlite3 too, see above.)
  external: ['@napi-rs/keyring', 'fastify', '@fastify/*'],
  plugins: [leaveOutUnused, sqliteAddonFromPackage],
  legalComments: 'none',
  minify: true,
  sourcemap: 'external',
  logLevel: 'warning',
};

rmSync(CLI_BUNDLE_DIR, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { 'peridio-desk': 'src-main/cli/bin.ts', bin: 'src-main/cli/launch.ts' },
  outdir: CLI_BUNDLE_DIR,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // import() of a package left out (the keychain's, kerberos for a proxy) becomes require():
  // the launcher runs the command as a vm.Script, where import() has no loader on Node 20.
  supported: { 'dynamic-import': false },
  // The sources are ES modules: their import.meta, as CommonJS gives it.
  inject: [path.join(root, 'scripts/bundle-cli-import-meta.mjs')],
  define: {
    'import.meta.url': 'importMetaUrl',
    'import.meta.dirname': 'importMetaDirname',
    'import.meta.resolve': 'importMetaResolve',
  },
});
await build({
  ...common,
  entryPoints: ['src-main/upload/transfer-worker.ts', 'src-main/upload/whole-hash-worker.ts'],
  outdir: CLI_BUNDLE_DIR,
  entryNames: '[name]',
  chunkNames: 'worker-[hash]',
  splitting: true,
  format: 'esm',
  // CommonJS packages inside the bundle still call require().
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
});
chmodSync(path.join(CLI_BUNDLE_DIR, 'bin.cjs'), 0o755);
// The launcher reads the command as latin1, which is right for ASCII only (esbuild's default
// charset escapes the rest; comments, which it keeps as they are, are left out).
const bundle = readFileSync(path.join(CLI_BUNDLE_DIR, 'peridio-desk.cjs'));
if (bundle.includes('import("')) {
  throw new Error('dist/cli/peridio-desk.cjs calls import(), which fails in the launcher.');
}
const notAscii = bundle.findIndex((byte) => byte > 0x7f);
if (notAscii >= 0) {
  throw new Error(
    `dist/cli/peridio-desk.cjs has a byte that is not ASCII at ${notAscii}: ` +
      JSON.stringify(bundle.subarray(Math.max(0, notAscii - 60), notAscii + 20).toString()),
  );
}
