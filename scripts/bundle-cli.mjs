// Builds the `peridio-desk` command as a bundle in dist/cli: one start per command (a script
// uploads one file per call) pays for every module it loads, and Node 20 resolves, reads and
// compiles ~400 separate modules far slower than a few large files. Each command, the
// embedded server, the watch room and the service stay separate chunks, loaded on first use.
// The worker threads are entries beside the chunks, where workerEntry looks for them.
// The desktop app and the engine host keep tsc's module-per-file output in dist/src-main.
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const CLI_BUNDLE_DIR = path.join(root, 'dist', 'cli');

// Chunk names carry a hash: the last build's chunks would pile up beside this one's.
rmSync(CLI_BUNDLE_DIR, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: [
    'src-main/cli/bin.ts',
    'src-main/upload/transfer-worker.ts',
    'src-main/upload/whole-hash-worker.ts',
  ],
  outdir: CLI_BUNDLE_DIR,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons load their own binaries; pino starts its transports from files; Fastify
  // (the embedded server's, a chunk of its own) requires its plugins at run time.
  external: ['better-sqlite3', '@napi-rs/keyring', 'pino', 'fastify', '@fastify/*'],
  // CommonJS packages inside the bundle still call require().
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(path.join(CLI_BUNDLE_DIR, 'bin.js'), 0o755);
