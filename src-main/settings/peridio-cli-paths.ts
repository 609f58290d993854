// Where the official Peridio CLI keeps config.json and credentials.json: the `directories`
// crate's config folder for the project "peridio", unless PERIDIO_CONFIG_DIRECTORY says.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function peridioCliConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.PERIDIO_CONFIG_DIRECTORY) return env.PERIDIO_CONFIG_DIRECTORY;
  const home = env.HOME ?? homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'peridio');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'peridio', 'config');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'peridio');
  }
}
