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

  /**
   * Takes a token at time `t`; false when none is left (the bucket overflows). Follows rate.Limiter's
   * arithmetic to the nanosecond, because hub tests sit on its edges: the refill is capped at the
   * time needed to fill the burst (truncated to whole nanoseconds), and an event is allowed when the
   * wait it would need rounds down to 0 ns — so 0.9999999999999999 tokens are enough for one event.
   */
  allow(t: number): boolean {
    const tokens = this.tokensAt(t);
    const after = tokens - 1;
    if (after >= 0 || Math.trunc(-after * this.leakMs * 1e6) <= 0) {
      this.tokens = after;
      this.last = t > this.last ? t : this.last;
      return true;
    }
    return false;
  }

  /** Tokens available at time `t` (for dumps and garbage collection). */
  tokensAt(t: number): number {
    let elapsedNs = t > this.last ? (t - this.last) * 1e6 : 0;
    const maxElapsedNs = Math.trunc((this.capacity - this.tokens) * this.leakMs * 1e6);
    if (elapsedNs > maxElapsedNs) elapsedNs = maxElapsedNs;
    return this.tokens + elapsedNs / (this.leakMs * 1e6);
  }
}
