// The engine's process in the desktop app: an Electron utility process (a Node environment of
// its own, with Electron's asar support) running the engine host, talking to the main process
// over its message port with the contract's plain data. The main thread keeps windows, tray,
// menus, notifications and the IPC bridge; SQLite, the embedded server and its hasher run here.
import { utilityProcess } from 'electron';
import { hostEntryFile, type HostProcess } from '../engine-host/index.js';

export function forkUtilityEngine(): HostProcess {
  const child = utilityProcess.fork(hostEntryFile(), [], {
    serviceName: 'Peridio Desk engine',
    env: process.env,
    // Its log lines go where the main process's go: the terminal of `npm start`.
    stdio: 'inherit',
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => {
      if (!exited) child.kill();
    },
  };
}
