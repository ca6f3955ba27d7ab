/**
 * The answers of live mode, per address, for a while: a bounded LRU with a time to live per entry.
 * A Map keeps insertion order, so re-inserting on a hit makes it the most recent and the first key
 * is the least recently used. Negative answers ("nothing on this address") are cached too, so a
 * busy client costs one API call per TTL, not one per request.
 */
export class DecisionCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError('DecisionCache needs room for at least one entry');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value for `key` at `now`, or undefined when absent or expired (then dropped). */
  get(key: string, now: number): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Caches `value` until `expiresAt`; the least recently used entry goes when full. */
  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
