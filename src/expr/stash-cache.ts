/**
 * The caches behind CrowdSec's stash (github.com/bluele/gcache, as pkg/cache builds them): a fixed
 * number of entries, each with its own expiry, evicted by LRU, LFU or ARC when a new key arrives in
 * a full cache. An expired entry is dropped when it is read (gcache does not sweep), so it may still
 * take room and be the one evicted. Time comes from the injected clock, in milliseconds.
 */

export type StashStrategy = 'LRU' | 'LFU' | 'ARC';

export interface StashCache {
  /** Sets (or replaces) `key`, expiring `ttlMs` from `now` (gcache SetWithExpire). */
  set(key: string, value: string, ttlMs: number, now: number): void;
  /** The value, or undefined when absent or expired (an expired entry is removed). */
  get(key: string, now: number): string | undefined;
  readonly size: number;
}

interface Entry {
  value: string;
  /** Expiry instant (ms); an entry is expired once `now` is strictly after it (time.Before). */
  expires: number;
}

function expired(e: Entry, now: number): boolean {
  return e.expires < now;
}

/** Least recently used first out; a Map's insertion order is the recency order (oldest first). */
class LruCache implements StashCache {
  private readonly items = new Map<string, Entry>();
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.size;
  }

  set(key: string, value: string, ttlMs: number, now: number): void {
    const e = this.items.get(key);
    if (e !== undefined) {
      this.items.delete(key);
      e.value = value;
      e.expires = now + ttlMs;
      this.items.set(key, e);
      return;
    }
    if (this.items.size >= this.capacity) this.items.delete(this.items.keys().next().value!);
    this.items.set(key, { value, expires: now + ttlMs });
  }

  get(key: string, now: number): string | undefined {
    const e = this.items.get(key);
    if (e === undefined) return undefined;
    this.items.delete(key);
    if (expired(e, now)) return undefined;
    this.items.set(key, e);
    return e.value;
  }
}

/**
 * Least frequently used first out: reads raise an entry's count, sets do not; new entries start at
 * zero. Among the least used, the one that reached that count first goes (gcache picks one at random
 * from a Go map).
 */
class LfuCache implements StashCache {
  private readonly items = new Map<string, Entry & { freq: number }>();
  /** Keys by use count, each set in the order they reached it. */
  private readonly byFreq: Set<string>[] = [new Set()];
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.size;
  }

  set(key: string, value: string, ttlMs: number, now: number): void {
    const e = this.items.get(key);
    if (e !== undefined) {
      e.value = value;
      e.expires = now + ttlMs;
      return;
    }
    if (this.items.size >= this.capacity) this.evictOne();
    this.items.set(key, { value, expires: now + ttlMs, freq: 0 });
    this.byFreq[0]!.add(key);
  }

  get(key: string, now: number): string | undefined {
    const e = this.items.get(key);
    if (e === undefined) return undefined;
    if (expired(e, now)) {
      this.remove(key, e.freq);
      return undefined;
    }
    this.byFreq[e.freq]!.delete(key);
    e.freq++;
    (this.byFreq[e.freq] ??= new Set()).add(key);
    return e.value;
  }

  private evictOne(): void {
    for (const keys of this.byFreq) {
      for (const key of keys) {
        this.remove(key, this.items.get(key)!.freq);
        return;
      }
    }
  }

  private remove(key: string, freq: number): void {
    this.items.delete(key);
    this.byFreq[freq]!.delete(key);
  }
}

/** An ordered list of keys, most recent first, with O(1) membership (gcache's arcList). */
class KeyList {
  /** Insertion order is oldest first: the tail of gcache's list is the first key here. */
  private readonly keys = new Set<string>();
  get length(): number {
    return this.keys.size;
  }
  has(key: string): boolean {
    return this.keys.has(key);
  }
  pushFront(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
  }
  remove(key: string): void {
    this.keys.delete(key);
  }
  removeTail(): string | undefined {
    const k = this.keys.values().next();
    if (k.done) return undefined;
    this.keys.delete(k.value);
    return k.value;
  }
}

/** Adaptive replacement (gcache's ARC): recent (t1) and frequent (t2) entries, ghosts b1 and b2. */
class ArcCache implements StashCache {
  private readonly items = new Map<string, Entry>();
  private part = 0;
  private readonly t1 = new KeyList();
  private readonly t2 = new KeyList();
  private readonly b1 = new KeyList();
  private readonly b2 = new KeyList();
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.size;
  }

  private replace(key: string): void {
    let old: string | undefined;
    if ((this.t1.length > 0 && this.b2.has(key) && this.t1.length === this.part) || this.t1.length > this.part) {
      old = this.t1.removeTail();
      if (old !== undefined) this.b1.pushFront(old);
    } else if (this.t2.length > 0) {
      old = this.t2.removeTail();
      if (old !== undefined) this.b2.pushFront(old);
    } else {
      return;
    }
    if (old !== undefined) this.items.delete(old);
  }

  set(key: string, value: string, ttlMs: number, now: number): void {
    const existing = this.items.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.expires = now + ttlMs;
    } else {
      this.items.set(key, { value, expires: now + ttlMs });
    }
    if (this.t1.has(key) || this.t2.has(key)) return;
    const size = this.capacity;
    if (this.b1.has(key)) {
      this.part = Math.min(size, this.part + Math.max(Math.trunc(this.b2.length / this.b1.length), 1));
      this.replace(key);
      this.b1.remove(key);
      this.t2.pushFront(key);
      return;
    }
    if (this.b2.has(key)) {
      this.part = Math.max(0, this.part - Math.max(Math.trunc(this.b1.length / this.b2.length), 1));
      this.replace(key);
      this.b2.remove(key);
      this.t2.pushFront(key);
      return;
    }
    if (this.t1.length + this.b1.length === size) {
      if (this.t1.length < size) {
        this.b1.removeTail();
        this.replace(key);
      } else {
        const pop = this.t1.removeTail();
        if (pop !== undefined) this.items.delete(pop);
      }
    } else {
      const total = this.t1.length + this.b1.length + this.t2.length + this.b2.length;
      if (total >= size) {
        if (total === 2 * size) this.b2.removeTail();
        this.replace(key);
      }
    }
    this.t1.pushFront(key);
  }

  get(key: string, now: number): string | undefined {
    if (this.t1.has(key)) {
      this.t1.remove(key);
      const e = this.items.get(key)!;
      if (!expired(e, now)) {
        this.t2.pushFront(key);
        return e.value;
      }
      this.items.delete(key);
      this.b1.pushFront(key);
    }
    if (this.t2.has(key)) {
      const e = this.items.get(key)!;
      if (!expired(e, now)) {
        this.t2.pushFront(key);
        return e.value;
      }
      this.items.delete(key);
      this.t2.remove(key);
      this.b2.pushFront(key);
    }
    return undefined;
  }
}

export function createStashCache(strategy: StashStrategy, capacity: number): StashCache {
  if (strategy === 'LFU') return new LfuCache(capacity);
  if (strategy === 'ARC') return new ArcCache(capacity);
  return new LruCache(capacity);
}
