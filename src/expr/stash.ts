/**
 * CrowdSec's stash (pkg/cache, pkg/parser/stash.go): named caches that parser nodes fill
 * (`stash:` entries: name, key, value, ttl, size, strategy) and expressions read with
 * GetFromStash(name, key) ("" when absent or expired). One instance is shared by the content that
 * runs together; nothing is global. Like CrowdSec, defining a name twice adds a second cache of that
 * name: a set writes to every cache of the name, a get reads the first.
 */
import type { Clock } from '../core/index.js';
import { fault } from './errors.js';
import { GoDuration } from './go-duration.js';
import { createStashCache, type StashCache, type StashStrategy } from './stash-cache.js';
import { goTypeOf, type ExprFunction } from './values.js';

export interface StashDefinition {
  name: string;
  /** Lifetime of an entry when no other is given, in milliseconds (the stash's `ttl`). */
  ttlMs: number;
  /** Most entries kept (the stash's `size`); 100 when absent or 0, the default CrowdSec documents. */
  size?: number;
  /** LRU (the default, also for a name CrowdSec does not know), LFU or ARC. */
  strategy?: string;
}

export interface StashOptions {
  clock: Clock;
  /** Reports a read of a stash that no content defines (once per name). */
  warn?: (message: string) => void;
}

interface NamedCache {
  readonly cache: StashCache;
  readonly ttlMs: number;
}

export const DEFAULT_STASH_SIZE = 100;

function strategyOf(s: string | undefined): StashStrategy {
  return s === 'LFU' || s === 'ARC' ? s : 'LRU';
}

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type string) to call ${name}`);
}

export class Stash {
  private readonly clock: Clock;
  private readonly warn: ((message: string) => void) | undefined;
  private readonly caches = new Map<string, NamedCache[]>();
  private readonly reported = new Set<string>();

  constructor(opts: StashOptions) {
    this.clock = opts.clock;
    this.warn = opts.warn;
  }

  /** Creates a cache named `def.name` (one more, when the name exists: see above). */
  define(def: StashDefinition): void {
    const size = def.size !== undefined && def.size > 0 ? def.size : DEFAULT_STASH_SIZE;
    const entry: NamedCache = { cache: createStashCache(strategyOf(def.strategy), size), ttlMs: def.ttlMs };
    const list = this.caches.get(def.name);
    if (list === undefined) this.caches.set(def.name, [entry]);
    else list.push(entry);
  }

  has(name: string): boolean {
    return this.caches.has(name);
  }

  /** Stores `value` under `key` in every cache named `name`, for `ttlMs` (default: each cache's ttl). */
  set(name: string, key: string, value: string, ttlMs?: number): void {
    const list = this.caches.get(name);
    if (list === undefined) return;
    const now = this.clock.now();
    for (const c of list) c.cache.set(key, value, ttlMs ?? c.ttlMs, now);
  }

  /** The value under `key` in the first cache named `name`; "" when absent, expired or no such cache. */
  get(name: string, key: string): string {
    const list = this.caches.get(name);
    if (list === undefined) {
      if (!this.reported.has(name)) {
        this.reported.add(name);
        this.warn?.(`cache '${name}' not found: no parser defines a stash of that name`);
      }
      return '';
    }
    return list[0]!.cache.get(key, this.clock.now()) ?? '';
  }

  /** GetFromStash(name, key) and SetInStash(name, key, value, ttl), by their CrowdSec names. */
  helpers(): Record<string, ExprFunction> {
    return {
      GetFromStash: (name?: unknown, key?: unknown) => this.get(str('GetFromStash', name), str('GetFromStash', key)),
      // Its last parameter is a *time.Duration: nil for the stash's own ttl.
      SetInStash: (...a: unknown[]) => {
        if (a.length < 4) throw fault('not enough arguments to call SetInStash');
        const ttl = a[3];
        if (ttl !== null && ttl !== undefined && !(ttl instanceof GoDuration)) {
          throw fault(`cannot use ${goTypeOf(ttl)} as argument (type *time.Duration) to call SetInStash`);
        }
        this.set(str('SetInStash', a[0]), str('SetInStash', a[1]), str('SetInStash', a[2]), ttl instanceof GoDuration ? ttl.ns / 1e6 : undefined);
        return null;
      },
    };
  }
}
