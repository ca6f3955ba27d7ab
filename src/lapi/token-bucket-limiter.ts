/**
 * Per-client token buckets for the routes a stranger can hammer (login, registration): each client
 * key (its IP) holds up to `burst` tokens, refilled at `perMinute`; a request takes one. The table
 * of clients is bounded: when it is full, clients whose bucket has refilled are forgotten (they are
 * indistinguishable from new ones), and if none has, the whole table is reset rather than growing.
 */
export interface RateLimit {
  /** Requests a client may make at once. */
  burst: number;
  /** Tokens given back per minute. */
  perMinute: number;
  /** Clients remembered at most (default 10,000). */
  maxClients?: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: Readonly<Required<RateLimit>> = Object.freeze({ burst: 10, perMinute: 20, maxClients: 10_000 });

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly maxClients: number;

  constructor(limit: RateLimit) {
    this.burst = Math.max(1, limit.burst);
    this.perMs = Math.max(limit.perMinute, 0) / 60_000;
    this.maxClients = Math.max(1, limit.maxClients ?? DEFAULT_LOGIN_RATE_LIMIT.maxClients);
  }

  /** Takes a token for `key` at `now` (ms): 0 when allowed, else the seconds to wait before one is back. */
  take(key: string, now: number): number {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxClients) this.evict(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      this.refill(b, now);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    if (this.perMs === 0) return 60;
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(b: Bucket, now: number): void {
    if (now > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    }
  }

  private evict(now: number): void {
    for (const [key, b] of this.buckets) {
      this.refill(b, now);
      if (b.tokens >= this.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxClients) this.buckets.clear();
  }
}
