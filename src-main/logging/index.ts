// The engine's log: one pino logger, JSON lines in a rotated file in the data folder and,
// for the CLI and the dashboard, on stderr; never a secret.
export {
  engineLogFile,
  openEngineLog,
  silentLogger,
  type EngineLog,
  type EngineLogLevel,
  type EngineLogOptions,
  type EngineLogger,
} from './engine-logger.js';
export { messageLogger, type LogFields, type MessageLogger } from './message-logger.js';
export { personLine, personLines } from './person-lines.js';
export { RotatingFile, type RotatingFileOptions } from './rotating-file.js';
export { REDACTED, scrubSecrets, scrubText } from './secret-scrub.js';
