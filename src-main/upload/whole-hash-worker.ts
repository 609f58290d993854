// The whole-file SHA-256 of a hash pass, in a thread of its own beside the part hashes: it
// hashes the shared read buffers it is pointed at, in order, and says when each is free.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { WholeHashReply, WholeHashRequest } from './whole-hash-thread.js';

const hash = createHash('sha256');
const port = parentPort!;
let buffers: SharedArrayBuffer[] = [];

port.on('message', (request: WholeHashRequest) => {
  if (request.type === 'buffers') {
    buffers = request.buffers;
  } else if (request.type === 'chunk') {
    hash.update(new Uint8Array(buffers[request.slot]!, 0, request.length));
    port.postMessage({ type: 'free', slot: request.slot } satisfies WholeHashReply);
  } else {
    port.postMessage({ type: 'digest', hex: hash.digest('hex') } satisfies WholeHashReply);
  }
});
