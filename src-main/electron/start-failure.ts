// Words for an engine that could not start in the desktop app. The one failure a developer
// meets first: native modules (better-sqlite3) built for plain Node, which Electron's own
// Node cannot load until they are rebuilt for it. Packaged apps are rebuilt by the packager.
const ABI_MISMATCH = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/;

export function startFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!ABI_MISMATCH.test(message)) return message;
  return (
    `${message}\n\nA native module was built for plain Node, not for Electron. Rebuild it for ` +
    'Electron with "npx electron-builder install-app-deps", then start again ("npm rebuild ' +
    'better-sqlite3" goes back to plain Node for the command line and the tests).'
  );
}
