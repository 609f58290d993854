// The whole-file SHA-256 of a hash pass, in a thread of its own beside the part hashes: it
// hashes the shared read buffers it is pointed at, in order, and says when each is free. A
// pass starts with its buffers and ends with its digest; the thread then waits for the next.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { WholeHashReply, WholeHashRequest } from './whole-hash-thread.js';

let hash = createHash('sha256');
const port = parentPort!;
let buffers: SharedArrayBuffer[] = [];

port.on('message', (request: WholeHashRequest) => {
  if (request.type === 'buffers') {
    buffers = request.buffers;
    hash = createHash('sha256');
  } else if (request.type === 'chunk') {
    hash.update(new Uint8Array(buffers[request.slot]!, 0, request.length));
    port.postMessage({ type: 'free', slot: request.slot } satisfies WholeHashReply);
  } else {
    buffers = []; // an idle thread holds no file-sized memory
    port.postMessage({ type: 'digest', hex: hash.digest('hex') } satisfies WholeHashReply);
  }
});
