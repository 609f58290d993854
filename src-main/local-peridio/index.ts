// The embedded Peridio-compatible server: the app's default workspace and the server every
// test talks to.
export { startLocalPeridio, type LocalPeridioOptions, type LocalPeridioServer } from './server.js';
export { parseFaultSpec, type FaultSpec } from './faults.js';
export { publicOriginOf } from './public-origin.js';
export { jsonLinesLogger, type LocalPeridioLogger, type LogFields } from './logger.js';
export { DataDirInUseError } from './database.js';
export { readTlsFiles, type TlsIdentity } from './tls-identity.js';
