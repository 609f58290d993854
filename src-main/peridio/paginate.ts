// Walks a list endpoint page by page, following `next_page` until the server answers null.
import { PeridioError } from './errors.js';

export interface Page<T> {
  items: T[];
  /** The opaque cursor for the next page, or null on the last page. */
  nextPage: string | null;
}

/** Yields every item of every page; `firstPage` resumes from a cursor. */
export async function* paginate<T>(
  fetchPage: (page: string | undefined) => Promise<Page<T>>,
  firstPage?: string,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor = firstPage;
  for (;;) {
    const { items, nextPage } = await fetchPage(cursor);
    yield* items;
    if (nextPage === null) return;
    // A server that hands back a cursor twice would otherwise keep us listing forever.
    if (seen.has(nextPage)) {
      throw new PeridioError({
        code: 'bad_response',
        message: `The server answered the page cursor "${nextPage}" twice; stopped listing to avoid a loop.`,
      });
    }
    seen.add(nextPage);
    cursor = nextPage;
  }
}

/** Collects every item into an array (for lists known to be small). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
