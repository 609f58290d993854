// The engine's one logger (pino): JSON lines in a rotated file in the data folder, and on
// stderr when a face wants them there (the CLI, the dashboard). Each module takes a child
// (`logger.child({ module: 'scheduler' })`). Everything logged is scrubbed of secrets first.
import path from 'node:path';
import { pino, type DestinationStream, type Logger, type StreamEntry } from 'pino';
import { personLines } from './person-lines.js';
import { RotatingFile } from './rotating-file.js';
import { scrubSecrets } from './secret-scrub.js';

export type EngineLogger = Logger;
export type EngineLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EngineLogOptions {
  /** The app's data folder: the log goes to `<dataDir>/logs/engine.log`. None: no file. */
  dataDir?: string;
  /** stderr gets warnings and errors as JSON lines (for a machine), errors as readable lines
   * (for a person), or nothing. */
  stderr?: 'json' | 'person' | 'none';
  /** Default 'info'. */
  level?: EngineLogLevel;
  /** The file's size cap and how many rotated files are kept (default 5 MiB and 3). */
  maxFileBytes?: number;
  keepFiles?: number;
  /** One more destination for the JSON lines (a test reads them here). */
  stream?: { write(line: string): unknown };
}

export interface EngineLog {
  readonly logger: EngineLogger;
  /** `<dataDir>/logs/engine.log`, when there is a file. */
  readonly file: string | undefined;
  close(): void;
}

export function engineLogFile(dataDir: string): string {
  return path.join(dataDir, 'logs', 'engine.log');
}

export function openEngineLog(options: EngineLogOptions = {}): EngineLog {
  const level = options.level ?? 'info';
  const streams: StreamEntry[] = [];
  const file = options.dataDir
    ? new RotatingFile({
        file: engineLogFile(options.dataDir),
        ...(options.maxFileBytes !== undefined ? { maxBytes: options.maxFileBytes } : {}),
        ...(options.keepFiles !== undefined ? { keep: options.keepFiles } : {}),
      })
    : undefined;
  if (file) streams.push({ level, stream: file });
  // stderr shows what needs attention; the file keeps everything, so a run that goes well
  // leaves stderr empty beside a --json document. A person also gets the engine's events in
  // words (the server is unreachable, waiting), so only errors are added for them.
  if (options.stderr === 'json') streams.push({ level: 'warn', stream: process.stderr });
  if (options.stderr === 'person')
    streams.push({ level: 'error', stream: personLines(process.stderr) });
  if (options.stream) streams.push({ level, stream: options.stream as DestinationStream });
  const logger =
    streams.length === 0
      ? pino({ level: 'silent' })
      : pino(
          {
            level,
            base: { pid: process.pid },
            timestamp: pino.stdTimeFunctions.isoTime,
            hooks: {
              logMethod(args, method) {
                method.apply(
                  this,
                  args.map((arg) => scrubSecrets(arg)) as Parameters<typeof method>,
                );
              },
            },
          },
          pino.multistream(streams),
        );
  return {
    logger,
    file: file?.file,
    close: () => file?.close(),
  };
}

/** A logger that writes nothing (a module used without one, and tests that do not look). */
export function silentLogger(): EngineLogger {
  return pino({ level: 'silent' });
}
