import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startLocalPeridio } from '../local-peridio/index.js';
import { defaultDataDir, localWorkspaceDir } from '../settings/index.js';
import { UsageError, type CliCommand } from './command.js';
import { waitForShutdownSignal } from './shutdown.js';

const usage = `Usage: peridio-desk start [--data-dir DIR] [--port N]

Starts Peridio Desk on the embedded local workspace: a Peridio-compatible server on
127.0.0.1 with its data in the app's data folder, for trying things offline.

Options:
  --data-dir DIR  the app's data folder (default: ${defaultDataDir()})
  --port N        the port to listen on (default: a free one)`;

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'start Peridio Desk on the embedded local workspace',
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: { 'data-dir': { type: 'string' }, port: { type: 'string' } },
        strict: true,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
    }
    const dataDir = localWorkspaceDir(values['data-dir'] ?? defaultDataDir());
    // A key for this run only: the local workspace keeps no plain-text secret on disk.
    const apiKey = randomBytes(24).toString('base64url');
    const server = await startLocalPeridio({ dataDir, port, apiKey });
    process.stdout.write(
      [
        'Peridio Desk: local workspace ready',
        `  API         ${server.url}`,
        `  API key     ${server.apiKey} (for this session)`,
        `  org         ${server.organizationPrn}`,
        `  data        ${dataDir}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    await waitForShutdownSignal();
    await server.close();
    return 0;
  },
};
