// `peridio-desk dashboard`: the engine and the renderer for a browser on this machine. Opens
// the service on the workspace the other commands would use, serves it on 127.0.0.1, prints
// one ready line with the URL (the token is in its fragment) and runs until Ctrl+C or SIGTERM.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openDroppedFiles, startDashboard } from '../dashboard/index.js';
import { messageLogger, openEngineLog } from '../logging/index.js';
import { openDeskService } from '../service/index.js';
import { defaultDataDir } from '../app-paths/index.js';
import { stoppedStatus, type CliCommand } from './command.js';
import { jobConcurrencyOption, maxRateOption, parseOptions, wholeNumber } from './options.js';
import { announceRateCap, stderrLogFormat, workspaceJson, workspaceLine } from './session.js';
import { waitForShutdownSignal } from './shutdown.js';

/** The renderer build next to the package: `dist/renderer` from the sources or from dist. */
export function defaultRendererDir(from: string = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from, '..', '..', 'renderer');
    dir = parent;
  }
  return path.join(dir, 'dist', 'renderer');
}

const usage = `Usage: peridio-desk dashboard [--port N] [--profile NAME] [--jobs N] [--max-rate RATE] [--json]

Serves Peridio Desk to a browser on this machine: the app's interface and the engine's
commands and events, on 127.0.0.1 only. Prints the URL to open; it carries a token made
for this start (in the part after "#", which the browser never sends to any server), and
every request to the engine must present it. Runs until Ctrl+C or SIGTERM.

Options:
  --port N             the port to listen on, 0 for any free one (default 0)
  --profile NAME       work against this profile instead of the current one
  --renderer-dir DIR   the built interface (default: dist/renderer of the package)
  --jobs N             uploads at once (1 to 16); default: the preference, else several
                       small files side by side and at most two big ones
  --max-rate RATE      cap the bandwidth of all uploads together, e.g. 5MB/s or 40Mbit/s;
                       off for none (default: the preference, which the Uploads page sets)
  --json               print the ready line as JSON: {"event":"ready","url":"...","workspace":{...}}

The server is the one PERIDIO_API_KEY (with PERIDIO_BASE_URL) names, else --profile, the
current profile (or PERIDIO_PROFILE), else the local workspace.
Exit status: 0 after SIGTERM (how a service manager stops it), 130 after Ctrl+C, 1 on an
error, 2 for a usage mistake.`;

export const dashboardCommand: CliCommand = {
  usage,
  async run(args) {
    const values = parseOptions(args, {
      port: { type: 'string' },
      profile: { type: 'string' },
      'renderer-dir': { type: 'string' },
      jobs: { type: 'string' },
      'max-rate': { type: 'string' },
      json: { type: 'boolean' },
    });
    const jobConcurrency = jobConcurrencyOption(values.jobs);
    const maxRate = maxRateOption(values['max-rate']);
    const port = values.port === undefined ? 0 : wholeNumber('--port', values.port, 0, 65535);
    const rendererDir = path.resolve(values['renderer-dir'] ?? defaultRendererDir());
    const dataDir = defaultDataDir(process.env);
    // The engine's one log, for the dashboard's own lines too (on stderr as --json says).
    const log = openEngineLog({ dataDir, stderr: stderrLogFormat(values.json === true) });
    const service = await openDeskService({
      env: process.env,
      dataDir,
      logger: log.logger,
      ...(values.profile !== undefined ? { profile: values.profile } : {}),
      ...(jobConcurrency !== undefined ? { jobConcurrency } : {}),
      ...(maxRate !== undefined ? { maxRate } : {}),
    }).catch((error: unknown) => {
      log.close();
      throw error;
    });
    let dashboard;
    try {
      const files = await openDroppedFiles(dataDir, () => service.pathsInUse());
      dashboard = await startDashboard({
        service,
        port,
        rendererDir,
        files,
        logger: messageLogger(log.logger.child({ module: 'dashboard' })),
      });
    } catch (error) {
      await service.close();
      log.close();
      throw error;
    }
    // Listening before the ready line, so a signal right after it is not missed.
    const stopped = waitForShutdownSignal();
    const workspace = service.workspace;
    // Which server the dashboard works on: on stderr for people, like every command's line.
    if (!values.json) process.stderr.write(`${workspaceLine(workspace)}\n`);
    await announceRateCap(service, values.json === true);
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ event: 'ready', url: dashboard.url, workspace: workspaceJson(workspace) })}\n`
        : `Peridio Desk dashboard: open ${dashboard.url}  (Ctrl+C to stop)\n`,
    );
    const signal = await stopped;
    await dashboard.close();
    await service.close();
    log.close();
    return stoppedStatus(signal);
  },
};
