// What the agent remembers per file, job or version for months of running: a Map that keeps
// only the `cap` most recently set keys, the oldest going first.
export class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly cap: number) {
    super();
  }

  /** Sets `key` as the newest, forgetting the oldest key when the map is full. */
  override set(key: K, value: V): this {
    this.delete(key);
    if (this.size >= this.cap) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
