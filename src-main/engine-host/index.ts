// The engine in a process of its own, behind the contract's door. The desktop app's main
// process imports this room and the contract, no other engine room.
export {
  EngineClient,
  EngineOpenError,
  forkNodeHost,
  hostEntryFile,
  type HostProcess,
  type StartEngineOptions,
} from './engine-client.js';
export type { BrokenSettings, FromHost, OpenFailure, ToHost } from './host-protocol.js';
// Where the engine keeps its data, which the desktop app needs before the engine runs (its
// Chromium profile lives there).
export { defaultDataDir } from '../settings/index.js';
