// The hash pass's second thread, from the transfer worker's side: read buffers in shared
// memory, so that both threads hash the same bytes at once without a copy. The thread is kept
// between passes (starting one costs tens of milliseconds, which a burst of small files would
// pay per file); its buffers are not, so an idle thread holds no file-sized memory.
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry.js';

// The buffers travel once per pass, at its start: posting a SharedArrayBuffer costs about a
// millisecond and a half each time (measured), which per chunk added a third to a hash pass.
// `buffers` starts a pass: the thread takes them and begins a new hash.
export type WholeHashRequest =
  | { type: 'buffers'; buffers: SharedArrayBuffer[] }
  | { type: 'chunk'; slot: number; length: number }
  | { type: 'end' };

export type WholeHashReply = { type: 'free'; slot: number } | { type: 'digest'; hex: string };

/** A transfer worker runs one pass at a time when the engine lends it to a job. */
const MAX_IDLE = 1;
const idle: WholeHashThread[] = [];

export class WholeHashThread {
  /** Read buffers, shared with the thread; a slot is reused only once the thread is done with it. */
  buffers: Buffer[] = [];
  #busy: (Promise<void> | undefined)[] = [];
  readonly #release = new Map<number, () => void>();
  readonly #worker: Worker;
  #digest: ((hex: string) => void) | undefined;
  #failure: Error | undefined;
  /** The pass ended with its digest, so the thread is clean for the next one. */
  #finished = false;

  /** A thread for one pass over `slots` buffers of `slotSize` bytes; give it back with close(). */
  static borrow(slots: number, slotSize: number): WholeHashThread {
    let thread = idle.pop();
    while (thread !== undefined && thread.#failure !== undefined) thread = idle.pop();
    thread ??= new WholeHashThread();
    thread.#begin(slots, slotSize);
    return thread;
  }

  /**
   * Ends the idle threads. The transfer worker does so as it shuts down: a thread it started
   * keeps it from ending, even unref'd (measured: its exit then waited for the kill).
   */
  static async endIdle(): Promise<void> {
    await Promise.all(idle.splice(0).map((thread) => thread.#end()));
  }

  private constructor() {
    const entry = workerEntry('whole-hash-worker');
    this.#worker = new Worker(entry.script, { ...entry.options, name: 'whole-file hash' });
    this.#worker.on('message', (reply: WholeHashReply) => {
      if (reply.type === 'free') this.#release.get(reply.slot)?.();
      else this.#digest?.(reply.hex);
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the hash thread exited (${code})`)));
  }

  #begin(slots: number, slotSize: number): void {
    const shared = Array.from({ length: slots }, () => new SharedArrayBuffer(slotSize));
    this.buffers = shared.map((buffer) => Buffer.from(buffer));
    this.#busy = Array.from({ length: slots }, () => undefined);
    this.#digest = undefined;
    this.#finished = false;
    this.#worker.postMessage({ type: 'buffers', buffers: shared } satisfies WholeHashRequest);
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
    this.#finished = true;
    return result;
  }

  /**
   * Ends the pass. A thread whose pass ended with its digest waits for the next pass; one cut
   * off mid-pass (an abort, a failed read) may still be reading the buffers, so it ends.
   */
  async close(): Promise<void> {
    this.buffers = [];
    if (this.#finished && !this.#failure && idle.length < MAX_IDLE) {
      idle.push(this);
      return;
    }
    await this.#end();
  }

  async #end(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}
