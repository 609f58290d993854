// The local server's log: structured messages, never a secret (no API key, no URL query).

export type LogFields = Record<string, unknown>;

export interface LocalPeridioLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: LocalPeridioLogger = {
  info() {},
  warn() {},
  error() {},
};

/** JSON lines on a stream (stderr in the CLI, so stdout stays for the ready line). */
export function jsonLinesLogger(stream: NodeJS.WritableStream): LocalPeridioLogger {
  const write = (level: string, message: string, fields?: LogFields) =>
    stream.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, module: 'local-peridio', message, ...fields })}\n`,
    );
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
