// The engine in a process of its own, behind the contract's door. The desktop app's main
// process imports this room's client side, the contract and the data folder's path
// (src-main/app-paths), no other engine room.
export {
  EngineClient,
  EngineOpenError,
  forkNodeHost,
  hostEntryFile,
  type HostProcess,
  type StartEngineOptions,
} from './engine-client.js';
export type { BrokenSettings, FromHost, OpenFailure, ToHost } from './host-protocol.js';
