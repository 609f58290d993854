// Where the app keeps its data: a room of its own, below settings and the engine, because the
// desktop app's main process needs the folder before the engine runs (its Chromium profile lives
// there) and must not load the settings room to learn it.
import { homedir } from 'node:os';
import { join } from 'node:path';

const PRODUCT_NAME = 'Peridio Desk';

/**
 * The app's data folder, the same for the desktop app, the CLI agent and the dashboard.
 * `PERIDIO_DESK_DATA_DIR` overrides it (build machines, tests).
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.PERIDIO_DESK_DATA_DIR) return env.PERIDIO_DESK_DATA_DIR;
  const home = env.HOME ?? homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', PRODUCT_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'peridio-desk');
  }
}

/** Where the embedded local workspace keeps its database and content. */
export function localWorkspaceDir(dataDir: string = defaultDataDir()): string {
  return join(dataDir, 'local-workspace');
}
