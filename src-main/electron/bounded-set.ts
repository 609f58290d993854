/**
 * A set that keeps its last `max` entries: enough to hold on to what may still be in use (a
 * notification's click handler) without growing for as long as the app runs.
 */
export class BoundedSet<T> {
  readonly #items = new Set<T>();

  constructor(readonly max: number) {}

  add(item: T): void {
    this.#items.delete(item);
    this.#items.add(item);
    for (const oldest of this.#items) {
      if (this.#items.size <= this.max) break;
      this.#items.delete(oldest);
    }
  }

  delete(item: T): boolean {
    return this.#items.delete(item);
  }

  has(item: T): boolean {
    return this.#items.has(item);
  }

  get size(): number {
    return this.#items.size;
  }
}
