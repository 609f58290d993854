// The facade's transport-free part: the door views call (`call`, `on`, `onReconnect`,
// `fileToPath`), the desktop app's transport over the preload's bridge, and the rule that every
// command's input crosses as plain data. Uses no DOM API beyond File, so it is unit-tested in
// Node against a bridge that clones the way contextBridge does.
import type {
  CommandInput,
  CommandName,
  CommandReply,
  CommandResult,
  DeskBridge,
  EventName,
  EventPayload,
} from '../../src-preload/contract.js';
import { DeskFailure } from './desk-failure.js';

export type FileProgress = (fraction: number) => void;

export interface Transport {
  kind: 'desktop' | 'dashboard' | 'none';
  command(name: CommandName, input: unknown): Promise<CommandReply>;
  on(name: EventName, listener: (payload: unknown) => void): () => void;
  onReconnect(listener: () => void): () => void;
  fileToPath(file: File, onProgress?: FileProgress): Promise<string>;
}

export interface Facade {
  readonly kind: Transport['kind'];
  call<N extends CommandName>(name: N, input?: CommandInput<N>): Promise<CommandResult<N>>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
  /** After the event stream was lost and is back: events meanwhile are gone, re-read state. */
  onReconnect(listener: () => void): () => void;
  /** A path the engine can read for a dropped or picked file. */
  fileToPath(file: File, onProgress?: FileProgress): Promise<string>;
}

/** The desktop app: the preload's contextBridge object. */
export function bridgeTransport(bridge: DeskBridge): Transport {
  type AnyCommand = (input: unknown) => Promise<CommandReply>;
  type AnySubscribe = (listener: (payload: unknown) => void) => () => void;
  return {
    kind: 'desktop',
    command: (name, input) => (bridge.commands[name] as AnyCommand)(input),
    on: (name, listener) => (bridge.events[name] as AnySubscribe)(listener),
    // IPC does not drop events while the window lives: nothing to re-read.
    onReconnect: () => () => {},
    fileToPath: async (file) => {
      const path = bridge.pathForFile(file);
      if (!path) {
        throw new DeskFailure({
          code: 'no_file_path',
          message: `"${file.name}" has no path on this computer (it may come from another app or a browser). Save it to a folder first, then drop it again.`,
        });
      }
      return path;
    },
  };
}

/**
 * What a command's input is made of: plain JSON data. Views pass Svelte `$state` values, which
 * are proxies; Electron's contextBridge cannot clone a proxy ("An object could not be cloned",
 * electron#39598), while the dashboard's JSON body flattens it. Flattening here gives both
 * transports the same plain data.
 */
function plainData(input: unknown): unknown {
  return input === undefined ? {} : (JSON.parse(JSON.stringify(input)) as unknown);
}

export function createFacade(transport: Transport): Facade {
  return {
    kind: transport.kind,
    async call(name, input) {
      const reply = await transport.command(name, plainData(input));
      if (!reply.ok) throw new DeskFailure(reply.error);
      return reply.result as never;
    },
    on: (name, listener) => transport.on(name, listener as (payload: unknown) => void),
    onReconnect: (listener) => transport.onReconnect(listener),
    fileToPath: (file, onProgress) => transport.fileToPath(file, onProgress),
  };
}
