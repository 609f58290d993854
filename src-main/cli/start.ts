import { startLocalPeridio } from '../local-peridio/index.js';
import { defaultDataDir, localWorkspaceDir } from '../app-paths/index.js';
import { stoppedStatus, type CliCommand } from './command.js';
import { parseOptions, wholeNumber } from './options.js';
import { waitForShutdownSignal } from './shutdown.js';

const usage = `Usage: peridio-desk start [--data-dir DIR] [--port N]

Starts Peridio Desk on the embedded local workspace: a Peridio-compatible server on
127.0.0.1 with its data in the app's data folder, for trying things offline. Runs until
SIGTERM (exit status 0) or Ctrl+C (130).

Options:
  --data-dir DIR  the app's data folder (default: ${defaultDataDir()})
  --port N        the port to listen on (default: a free one)`;

export const startCommand: CliCommand = {
  usage,
  async run(args) {
    const values = parseOptions(args, {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
    });
    const port = values.port === undefined ? 0 : wholeNumber('--port', values.port, 0, 65535);
    const dataDir = localWorkspaceDir(values['data-dir'] ?? defaultDataDir());
    // No key given: the server makes a fresh one, so no plain-text key is kept on disk.
    const server = await startLocalPeridio({ dataDir, port });
    process.stdout.write(
      [
        'Peridio Desk: local workspace ready',
        `  API         ${server.url}`,
        `  API key     ${server.apiKey}`,
        `  org         ${server.organizationPrn}`,
        `  data        ${dataDir}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    const signal = await waitForShutdownSignal();
    await server.close();
    return stoppedStatus(signal);
  },
};
