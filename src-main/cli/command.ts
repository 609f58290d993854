/** One `peridio-desk` command: `name` may have two words (`local serve`). */
export interface CliCommand {
  name: string;
  summary: string;
  /** Full help text: usage line, options, examples. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A mistake in how the command was called: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
