// The hash pass's second thread, from the transfer worker's side: read buffers in shared
// memory, so that both threads hash the same bytes at once without a copy.
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry.js';

// The buffers travel once, at the start: posting a SharedArrayBuffer costs about a
// millisecond and a half each time (measured), which per chunk added a third to a hash pass.
export type WholeHashRequest =
  | { type: 'buffers'; buffers: SharedArrayBuffer[] }
  | { type: 'chunk'; slot: number; length: number }
  | { type: 'end' };

export type WholeHashReply = { type: 'free'; slot: number } | { type: 'digest'; hex: string };

export class WholeHashThread {
  /** Read buffers, shared with the thread; a slot is reused only once the thread is done with it. */
  readonly buffers: Buffer[];
  readonly #shared: SharedArrayBuffer[];
  readonly #busy: (Promise<void> | undefined)[];
  readonly #release = new Map<number, () => void>();
  readonly #worker: Worker;
  #digest: ((hex: string) => void) | undefined;
  #failure: Error | undefined;

  constructor(slots: number, slotSize: number) {
    this.#shared = Array.from({ length: slots }, () => new SharedArrayBuffer(slotSize));
    this.buffers = this.#shared.map((shared) => Buffer.from(shared));
    this.#busy = Array.from({ length: slots }, () => undefined);
    const entry = workerEntry('whole-hash-worker');
    this.#worker = new Worker(entry.script, { ...entry.options, name: 'whole-file hash' });
    this.#worker.on('message', (reply: WholeHashReply) => {
      if (reply.type === 'free') this.#release.get(reply.slot)?.();
      else this.#digest?.(reply.hex);
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the hash thread exited (${code})`)));
    this.#worker.postMessage({ type: 'buffers', buffers: this.#shared } satisfies WholeHashRequest);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const release of this.#release.values()) release();
    this.#digest?.('');
  }

  /** Resolves once the thread no longer reads `slot`. */
  async free(slot: number): Promise<void> {
    await this.#busy[slot];
    if (this.#failure) throw this.#failure;
  }

  /** Hands the first `length` bytes of `slot` to the thread, next in the file's order. */
  hash(slot: number, length: number): void {
    this.#busy[slot] = new Promise((resolve) =>
      this.#release.set(slot, () => {
        this.#release.delete(slot);
        this.#busy[slot] = undefined;
        resolve();
      }),
    );
    this.#worker.postMessage({ type: 'chunk', slot, length } satisfies WholeHashRequest);
  }

  async digest(): Promise<string> {
    const hex = new Promise<string>((resolve) => (this.#digest = resolve));
    this.#worker.postMessage({ type: 'end' } satisfies WholeHashRequest);
    const result = await hex;
    if (this.#failure) throw this.#failure;
    return result;
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}
