// A new binary's content in one read of its file: each part is read into its lane's buffer
// (shared with the whole-file hash thread), hashed, handed to the whole-file hash in file
// order, then declared with that hash and sent. What is declared is exactly what was sent,
// and the file is read once instead of twice; its size and modification time are checked
// after every read and at the end. Runs in the worker thread.
import { createHash } from 'node:crypto';
import { planParts } from './part-plan.js';
import { checkUnchanged, readPartBytes } from './part-read.js';
import { runLanes, type UploadCallbacks } from './part-uploader.js';
import type { HashedFile, HashedPart, StreamTask } from './types.js';
import { abortedError } from './upload-error.js';
import { resolveStreamTask } from './upload-task.js';
import { WholeHashThread } from './whole-hash-thread.js';

/** Lets parts through one at a time in index order, whichever lane read them. */
class FileOrder {
  #next = 1;
  readonly #waiting = new Map<number, () => void>();

  turn(index: number, signal: AbortSignal): Promise<void> {
    if (index === this.#next) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.delete(index);
        reject(abortedError('The upload'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(index, () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  passed(index: number): void {
    this.#next = index + 1;
    const waiting = this.#waiting.get(this.#next);
    this.#waiting.delete(this.#next);
    waiting?.();
  }
}

/** Hashes and sends every part of the file; resolves to the hashes that were declared. */
export async function streamParts(
  input: StreamTask,
  callbacks: UploadCallbacks,
): Promise<HashedFile> {
  const task = resolveStreamTask(input);
  if (callbacks.signal.aborted) throw abortedError('The upload');
  await checkUnchanged(task.file);
  const plan = planParts(
    task.file.size,
    task.partSize === undefined ? {} : { partSize: task.partSize },
  );
  const lanes = Math.max(1, Math.min(task.concurrency, plan.parts.length));
  // A file of one part needs no second thread: its whole hash is its part's.
  const whole = plan.parts.length > 1 ? WholeHashThread.borrow(lanes, plan.partSize) : undefined;
  const buffers = whole?.buffers ?? [Buffer.allocUnsafe(plan.parts[0]?.size ?? 0)];
  const order = new FileOrder();
  const hashed: HashedPart[] = [];
  try {
    await runLanes(
      task,
      {
        parts: plan.parts,
        alreadyDone: 0,
        read: async (part, lane, signal) => {
          await whole?.free(lane);
          const bytes = await readPartBytes(task.file, part, buffers[lane]!);
          const ready = { ...part, sha256: createHash('sha256').update(bytes).digest('hex') };
          await order.turn(part.index, signal);
          whole?.hash(lane, part.size);
          order.passed(part.index);
          hashed.push(ready);
          return { part: ready, bytes };
        },
      },
      callbacks,
    );
    const sha256 = whole
      ? await whole.digest()
      : (hashed[0]?.sha256 ?? createHash('sha256').digest('hex'));
    // A change after its part was read would not show in the hashes: the file must be as it was.
    await checkUnchanged(task.file);
    return {
      ...task.file,
      sha256,
      partSize: plan.partSize,
      parts: hashed.sort((a, b) => a.index - b.index),
    };
  } finally {
    await whole?.close();
  }
}
