// Bounded concurrency for the watcher's file system work: a tree of 50,000 files must not
// become 50,000 stat calls (and promises) in flight at once.

/**
 * Runs `work` on each item, at most `limit` at a time. Items are pulled only as a worker
 * frees up, so a stream (a folder being listed) is never read ahead of the work.
 */
export async function eachAtMost<T>(
  limit: number,
  items: Iterable<T> | AsyncIterable<T>,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** A gate that lets at most `limit` tasks run at once; the others wait their turn. */
export function atMost(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running < limit) running += 1;
    // A task that ends hands its place to the next in line (see below).
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
