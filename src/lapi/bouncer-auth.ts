import { errorMessage, type Logger } from '../core/index.js';
import type { Bouncer, Store } from '../store/index.js';
import { hashApiKey, sameHash } from './credentials.js';
import { DeferredUpdates } from './deferred-updates.js';

/**
 * Who a bouncer is, from its `X-Api-Key` (CrowdSec's middleware): the key's SHA-256 is looked up
 * in the store, and the hash the store returns is compared again in constant time. Known keys —
 * and unknown ones, so that a flood of bad keys does not reach SQL either — are cached for
 * `cacheMs` (a key deleted with `herd bouncers delete` stops working within that time). What
 * changes on each request (last pull, IP address, User-Agent as type/version) is written in the
 * background (`DeferredUpdates`), and laid over the cached row at once.
 */

/** The User-Agent as CrowdSec reads it: `crowdsec-firewall-bouncer/v0.0.25` → type and version. */
export function splitUserAgent(ua: string): { type: string; version: string } {
  const parts = ua.split('/');
  return parts.length === 2 ? { type: parts[0], version: parts[1] } : { type: ua, version: 'N/A' };
}

interface Cached {
  bouncer: Bouncer | null;
  at: number;
}

export interface BouncerAuthOptions {
  /** How long a key's answer is reused (ms). Default 5000. */
  cacheMs?: number;
  /** Keys cached at most (the cache is emptied when full). Default 10,000. */
  maxCached?: number;
}

export type BouncerPatch = Partial<Omit<Bouncer, 'id' | 'name' | 'createdAt'>>;

export class BouncerAuth {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Bouncer | null>>();
  /** The last row handed out per bouncer name: what this process knows beyond the store. */
  private readonly live = new Map<string, Bouncer>();
  private readonly cacheMs: number;
  private readonly maxCached: number;
  readonly updates: DeferredUpdates<BouncerPatch>;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    options: BouncerAuthOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.maxCached = options.maxCached ?? 10_000;
    this.updates = new DeferredUpdates<BouncerPatch>('bouncer', (name, patch) => store.updateBouncer(name, patch), logger);
  }

  /**
   * The bouncer holding `key`, or null (no key, unknown key, a bouncer that authenticates by
   * certificate). Records its IP address and User-Agent when they changed.
   */
  async authenticate(key: string | undefined, ip: string, userAgent: string, now: number): Promise<Bouncer | null> {
    if (key === undefined || key === '') return null;
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    const bouncer = cached !== undefined && now - cached.at < this.cacheMs ? cached.bouncer : await this.fetch(hash, now);
    if (bouncer === null || bouncer.authType !== 'api-key' || !sameHash(bouncer.apiKeyHash, hash)) return null;
    this.observe(bouncer, ip, userAgent);
    return bouncer;
  }

  /** Records a pull (GET /v1/decisions/stream answered) at `at`. */
  pulled(bouncer: Bouncer, at: number): void {
    bouncer.lastPull = at;
    this.updates.set(bouncer.name, { lastPull: at });
  }

  /** A bouncer known by name (certificate authentication), cached like keys. */
  async byName(name: string, now: number): Promise<Bouncer | null> {
    const key = `name:${name}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && now - cached.at < this.cacheMs) return cached.bouncer;
    const row = await this.store.getBouncer(name);
    const bouncer = row === null ? null : this.withWaiting(row);
    this.remember(key, bouncer, now);
    return bouncer;
  }

  /** Forgets cached answers (after a bouncer was added or deleted in this process). */
  forget(): void {
    this.cache.clear();
    this.live.clear();
  }

  observe(bouncer: Bouncer, ip: string, userAgent: string): void {
    const patch: BouncerPatch = {};
    if (bouncer.ipAddress !== ip) patch.ipAddress = bouncer.ipAddress = ip;
    const ua = splitUserAgent(userAgent);
    if (bouncer.type !== ua.type || bouncer.version !== ua.version) {
      patch.type = bouncer.type = ua.type;
      patch.version = bouncer.version = ua.version;
    }
    if (patch.ipAddress !== undefined || patch.type !== undefined) this.updates.set(bouncer.name, patch);
  }

  private fetch(hash: string, now: number): Promise<Bouncer | null> {
    let p = this.inflight.get(hash);
    if (p === undefined) {
      p = this.store
        .getBouncerByKeyHash(hash)
        .then(
          (row) => {
            const bouncer = row === null ? null : this.withWaiting(row);
            this.remember(hash, bouncer, now);
            return bouncer;
          },
          (err: unknown) => {
            this.logger.warn({ err: errorMessage(err) }, 'bouncer lookup failed');
            throw err;
          },
        )
        .finally(() => this.inflight.delete(hash));
      this.inflight.set(hash, p);
    }
    return p;
  }

  /** The row with the writes still waiting laid over it; the pull time never goes back. */
  private withWaiting(row: Bouncer): Bouncer {
    const waiting = this.updates.waiting(row.name);
    const known = this.live.get(row.name);
    const merged: Bouncer = waiting === undefined ? { ...row } : { ...row, ...waiting };
    if (known !== undefined && known.lastPull !== null && (merged.lastPull === null || merged.lastPull < known.lastPull)) merged.lastPull = known.lastPull;
    return merged;
  }

  private remember(key: string, bouncer: Bouncer | null, now: number): void {
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(key, { bouncer, at: now });
    if (bouncer !== null) this.live.set(bouncer.name, bouncer);
  }
}
