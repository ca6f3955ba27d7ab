/**
 * The "leaky" part of a leaky bucket, with the semantics of golang.org/x/time/rate as CrowdSec uses it:
 * a limiter of `capacity` tokens (the burst) refilled at one token per `leakspeed`. Each poured event
 * takes a token; an event that finds no token overflows the bucket. Times are milliseconds, and may
 * come from the log lines (replay), so a time before the last one counts as no time elapsed.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly leakMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes a token at time `t`; false when none is left (the bucket overflows). */
  allow(t: number): boolean {
    const elapsed = t > this.last ? t - this.last : 0;
    let tokens = this.tokens + elapsed / this.leakMs;
    if (tokens > this.capacity) tokens = this.capacity;
    if (tokens >= 1) {
      this.tokens = tokens - 1;
      this.last = t > this.last ? t : this.last;
      return true;
    }
    return false;
  }

  /** Tokens available at time `t` (for dumps and garbage collection). */
  tokensAt(t: number): number {
    const elapsed = t > this.last ? t - this.last : 0;
    return Math.min(this.capacity, this.tokens + elapsed / this.leakMs);
  }
}
