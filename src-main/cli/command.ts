/** One `peridio-desk` command, once its module is loaded. */
export interface CliCommand {
  /** Full help text: usage line, options, examples. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A command as the overview lists it: `name` may have two words (`local serve`). */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

/** A mistake in how the command was called: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The exit statuses, the same for every command, so scripts can tell the cases apart:
 * 75 is sysexits' EX_TEMPFAIL (try again later), 128 + n the shell's "ended by signal n".
 */
export const EXIT = {
  ok: 0,
  /** A failure the user must fix (the message says what). */
  failed: 1,
  /** The command was called wrongly (unknown option, a field the contract refuses). */
  usage: 2,
  /** Gave up waiting (`upload --timeout`); the job stays queued. */
  gaveUp: 75,
  /** Interrupted by SIGINT (Ctrl+C); the job stays queued. */
  interrupted: 130,
  /** Ended by SIGTERM; the job stays queued. */
  terminated: 143,
} as const;

/**
 * How a command that runs until it is stopped (watch, dashboard, queue run --forever, local
 * serve, start) ends on a signal: Ctrl+C is 130, as for every command; SIGTERM, the way a
 * service manager (systemd, launchd) stops an agent, is its normal end, 0.
 */
export function stoppedStatus(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
}

export const EXIT_STATUSES = `Exit status: 0 success, 1 a failure to fix (the message says what), 2 a usage
mistake, 75 gave up waiting (--timeout), 130 interrupted by Ctrl+C (the job stays queued).`;
