// The contract over Electron IPC, main side: one `ipcMain.handle` per command, each checking
// its sender before the engine sees the input, and every engine event sent to our windows.
// Electron objects come in as parameters (types only here), so this runs under test in Node.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  COMMAND_NAMES,
  commandChannel,
  eventChannel,
  type CommandReply,
  type DeskEvent,
} from '../../src-preload/contract.js';

/** What the bridge needs of the engine: the DeskService fits it. */
export interface BridgeService {
  reply(name: string, input?: unknown): Promise<CommandReply>;
  subscribe(listener: (event: DeskEvent) => void): () => void;
}

/** The part of a window's webContents events are sent through. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export const UNTRUSTED_SENDER: CommandReply = {
  ok: false,
  error: {
    code: 'untrusted_sender',
    message:
      'The command was not run: it did not come from a Peridio Desk window showing its own pages.',
  },
};

export interface CommandBridgeOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: BridgeService;
  /** Decides before anything else; see trusted-sender.ts. */
  isTrusted(event: IpcMainInvokeEvent): boolean;
  onRefused?(name: string, event: IpcMainInvokeEvent): void;
}

/** Registers every contract command; returns what removes them again. */
export function handleCommands(options: CommandBridgeOptions): () => void {
  const { ipcMain, service, isTrusted } = options;
  for (const name of COMMAND_NAMES) {
    // Exactly one argument crosses: the input. Anything after it is ignored, not passed on.
    ipcMain.handle(commandChannel(name), async (event, input: unknown) => {
      if (!isTrusted(event)) {
        options.onRefused?.(name, event);
        return UNTRUSTED_SENDER;
      }
      return service.reply(name, input);
    });
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name));
  };
}

/** Sends every engine event to the targets alive at that moment; returns the unsubscribe. */
export function forwardEvents(
  service: BridgeService,
  targets: () => Iterable<EventTarget>,
): () => void {
  return service.subscribe((event) => {
    for (const target of targets()) {
      if (!target.isDestroyed()) target.send(eventChannel(event.name), event.payload);
    }
  });
}
