// The engine's process: started by the desktop app's main process with Electron's
// utilityProcess.fork (messages on process.parentPort), or by Node's child_process.fork
// (messages on the IPC channel: the integration tests, or any Node parent). Once the engine has
// closed and said so, the parent ends this process (it knows the message arrived); without a
// parent any more, it ends itself.
import { runEngineHost, type HostChannel } from './engine-host.js';
import type { FromHost } from './host-protocol.js';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function channelOfThisProcess(): HostChannel {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message: FromHost) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
      // A utility process ends with its parent.
      onParentGone: () => {},
    };
  }
  if (process.send) {
    return {
      send: (message: FromHost) => process.send?.(message),
      onMessage: (listener) => process.on('message', listener),
      onParentGone: (listener) => process.on('disconnect', listener),
    };
  }
  throw new Error('The engine host must be started by a parent that talks to it (fork).');
}

await runEngineHost(channelOfThisProcess());
if (process.send && !process.connected) process.exit(0);
