// The engine's events to one browser tab, as Server-Sent Events: `event: <name>` and one
// `data:` line of JSON per event, a comment now and then so proxies and the browser keep the
// connection. Memory is bounded per client: while its socket is backed up, `job:progress` is
// coalesced (the latest per job wins; progress is a level, not a log), and a client that
// still falls more than `dropAboveBytes` behind is dropped; its EventSource reconnects and the
// page asks for the current state again (`jobs.list`).
import type { Writable } from 'node:stream';
import type { DeskEvent } from '../../src-preload/contract.js';

export interface EventStreamOptions {
  /** How often a keep-alive comment is sent (default 15 s). */
  keepAliveMs?: number;
  /** Bytes waiting in the socket's buffer above which the client is dropped (default 1 MiB). */
  dropAboveBytes?: number;
  /** Told once when the client is dropped for reading too slowly. */
  onDropped?: (bufferedBytes: number) => void;
}

export const DEFAULT_KEEP_ALIVE_MS = 15_000;
export const DEFAULT_DROP_ABOVE_BYTES = 1024 * 1024;
/** Tells the browser how soon to reconnect after a drop or a restart. */
const RETRY_MS = 2000;

export function sseFrame(event: DeskEvent): string {
  // JSON.stringify escapes line breaks, so the payload is one `data:` line.
  return `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

function jobIdOf(event: DeskEvent): string | undefined {
  const payload = event.payload as { jobId?: string; job?: { id: string } };
  return payload.jobId ?? payload.job?.id;
}

export class EventStream {
  readonly #out: Writable;
  readonly #dropAbove: number;
  readonly #onDropped: ((bufferedBytes: number) => void) | undefined;
  readonly #pendingProgress = new Map<string, DeskEvent>();
  readonly #keepAlive: NodeJS.Timeout;
  #closed = false;

  constructor(out: Writable, options: EventStreamOptions = {}) {
    this.#out = out;
    this.#dropAbove = options.dropAboveBytes ?? DEFAULT_DROP_ABOVE_BYTES;
    this.#onDropped = options.onDropped;
    this.#keepAlive = setInterval(() => {
      if (!this.#out.writableNeedDrain) this.#write(': keep-alive\n\n');
    }, options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
    this.#keepAlive.unref();
    out.on('drain', () => this.#flushProgress());
    out.on('close', () => this.#stop());
    this.#write(`retry: ${RETRY_MS}\n: connected\n\n`);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Progress events coalesced while the client was backed up, for tests and logs. */
  get pendingProgress(): number {
    return this.#pendingProgress.size;
  }

  send(event: DeskEvent): void {
    if (this.#closed) return;
    const jobId = jobIdOf(event);
    if (event.name === 'job:progress') {
      if (this.#out.writableNeedDrain) {
        // Sent on 'drain'; a newer one for the same job replaces it.
        this.#pendingProgress.set(event.payload.jobId, event);
        return;
      }
    } else if (jobId !== undefined) {
      // A step or the end supersedes progress that has not gone out yet, and must not be
      // followed by it.
      this.#pendingProgress.delete(jobId);
    }
    this.#write(sseFrame(event));
  }

  /** Ends the stream (the dashboard is closing); the browser will try to reconnect. */
  close(): void {
    if (this.#closed) return;
    this.#stop();
    this.#out.end();
  }

  #write(text: string): void {
    if (this.#closed) return;
    if (this.#out.writableLength + Buffer.byteLength(text) > this.#dropAbove) {
      const buffered = this.#out.writableLength;
      this.#stop();
      this.#out.destroy();
      this.#onDropped?.(buffered);
      return;
    }
    this.#out.write(text);
  }

  #flushProgress(): void {
    const pending = [...this.#pendingProgress.values()];
    this.#pendingProgress.clear();
    for (const event of pending) {
      if (this.#out.writableNeedDrain) {
        this.#pendingProgress.set(jobIdOf(event)!, event);
      } else {
        this.#write(sseFrame(event));
      }
    }
  }

  #stop(): void {
    this.#closed = true;
    clearInterval(this.#keepAlive);
    this.#pendingProgress.clear();
  }
}
