// The built renderer as both faces that show it serve it: the dashboard over HTTP and the
// desktop app over app://. One lookup of its files and one set of security headers, so the two
// cannot drift apart; plain Node, no server and no Electron.
export { SECURITY_HEADERS } from './security-headers.js';
export { lookUpStatic, notBuiltPage } from './static-files.js';
