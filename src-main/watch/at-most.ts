// Bounded concurrency, the one limiter of the engine's own work: a tree of 50,000 files must
// not become 50,000 stat calls (and promises) in flight at once, nor a burst 50,000 hashes.

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

/**
 * A gate that lets one task at a time run per key (the others with the same key wait their
 * turn, in order); tasks with different keys run side by side.
 */
export function oneAtATimePer(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const gates = new Map<string, <T>(work: () => Promise<T>) => Promise<T>>();
  const users = new Map<string, number>();
  return async (key, work) => {
    let gate = gates.get(key);
    if (!gate) {
      gate = atMost(1);
      gates.set(key, gate);
    }
    users.set(key, (users.get(key) ?? 0) + 1);
    try {
      return await gate(work);
    } finally {
      const left = users.get(key)! - 1;
      if (left === 0) {
        users.delete(key);
        gates.delete(key);
      } else users.set(key, left);
    }
  };
}
