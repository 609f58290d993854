// The older `logger.info(message, fields)` shape (the upload worker, the dashboard, the local
// server take it) over the engine's logger, so every module writes to the one log.
import type { EngineLogger } from './engine-logger.js';

export type LogFields = Record<string, unknown>;

export interface MessageLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function messageLogger(logger: EngineLogger): MessageLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
