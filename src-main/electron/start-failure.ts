// Words for an engine that could not start in the desktop app. The one failure a developer
// meets first: a native module (better-sqlite3) that Electron's own Node cannot load, because
// the app was started without `npm start`, which builds Electron's copy of it once.
const ABI_MISMATCH = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/;

export function startFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!ABI_MISMATCH.test(message)) return message;
  return (
    `${message}\n\nThe database module has no build for this Electron. Start the app with ` +
    '"npm start": before the first start it builds Electron’s own copy (kept in ' +
    'node_modules/better-sqlite3/electron-builds, beside the command line’s, which stays as it ' +
    'is). An installed app has its copy inside the package: reinstall it.'
  );
}
