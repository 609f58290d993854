// What the desktop app's main process and the engine's own process say to each other: the
// contract's plain data (command replies and events) in small envelopes. Electron's
// utilityProcess carries them over its message port; Node's child_process.fork (tests, and any
// other Node host) over its IPC channel. Both copy plain data only.
import type { CommandReply, DeskEvent } from '../../src-preload/contract.js';

/** What to do when the settings file cannot be read: say so, or move it aside and go on. */
export type BrokenSettings = 'fail' | 'move-aside';

export type ToHost =
  | { type: 'open'; dataDir: string; brokenSettings: BrokenSettings; systemProxy: boolean }
  | { type: 'call'; id: number; name: string; input: unknown }
  /** The system's answer to a `resolve-proxy` (`PROXY host:port; DIRECT`). */
  | { type: 'proxy-answer'; id: number; answer: string }
  | { type: 'close' };

export interface OpenFailure {
  /** `settings_file`: the file at `filePath` cannot be used; anything else: see the message. */
  code: 'settings_file' | 'start_failed';
  message: string;
  filePath?: string;
}

export type FromHost =
  | { type: 'ready' }
  | { type: 'open-failed'; error: OpenFailure }
  | { type: 'reply'; id: number; reply: CommandReply }
  | { type: 'event'; event: DeskEvent }
  /** The engine asks the desktop app for the system's proxy of a URL (Electron's session). */
  | { type: 'resolve-proxy'; id: number; url: string }
  | { type: 'closed' };

/** A message of the other side's, checked for its shape before it is acted on. */
export function isToHost(value: unknown): value is ToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'open':
      return (
        typeof message.dataDir === 'string' &&
        (message.brokenSettings === 'fail' || message.brokenSettings === 'move-aside') &&
        typeof message.systemProxy === 'boolean'
      );
    case 'call':
      return Number.isSafeInteger(message.id) && typeof message.name === 'string';
    case 'proxy-answer':
      return Number.isSafeInteger(message.id) && typeof message.answer === 'string';
    case 'close':
      return true;
    default:
      return false;
  }
}

export function isFromHost(value: unknown): value is FromHost {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return ['ready', 'open-failed', 'reply', 'event', 'resolve-proxy', 'closed'].includes(
    String(type),
  );
}
