// The desktop bridge, built from the contract's names alone: one function per command that
// invokes that command's channel with its input, one subscribe per event, and `pathForFile`.
// Nothing else, and never the IPC object itself: listeners get the payload, not Electron's
// event (whose `sender` is the raw ipcRenderer). Plain code; index.ts feeds it Electron's IPC.
import { COMMAND_NAMES, EVENT_NAMES, commandChannel, eventChannel } from './contract-names.js';
// Types only: the schemas (and zod) stay out of the preload bundle.
import type { DeskBridge } from './contract.js';

type IpcListener = (event: unknown, payload: unknown) => void;

/** The three ipcRenderer calls the bridge uses. */
export interface RendererIpc {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(channel: string, listener: IpcListener): void;
  removeListener(channel: string, listener: IpcListener): void;
}

export function createDeskBridge(
  ipc: RendererIpc,
  pathForFile: (file: File) => string,
): DeskBridge {
  const commands: Record<string, (input?: unknown) => Promise<unknown>> = {};
  for (const name of COMMAND_NAMES) {
    const channel = commandChannel(name);
    commands[name] = (input?: unknown) => ipc.invoke(channel, input);
  }

  const events: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
  for (const name of EVENT_NAMES) {
    const channel = eventChannel(name);
    events[name] = (listener) => {
      if (typeof listener !== 'function') {
        throw new TypeError(`events["${name}"] takes a function, called with each payload.`);
      }
      const forward: IpcListener = (_event, payload) => listener(payload);
      ipc.on(channel, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, forward);
      };
    };
  }

  return Object.freeze({
    commands: Object.freeze(commands) as DeskBridge['commands'],
    events: Object.freeze(events) as DeskBridge['events'],
    pathForFile: (file: File) => pathForFile(file),
  });
}
