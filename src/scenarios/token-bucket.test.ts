import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

/** Pours events at the given times (ms) and returns, for each, whether it got a token. */
function pourAll(b: TokenBucket, times: readonly number[]): boolean[] {
  return times.map((t) => b.allow(t));
}

/**
 * A reference leaky bucket in exact integer arithmetic: the level is kept in "milliseconds of
 * leak", so a token is `leakMs` units and refilling by `elapsed` ms adds exactly `elapsed` units.
 */
class ExactBucket {
  private units: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly leakMs: number,
    now: number,
  ) {
    this.units = capacity * leakMs;
    this.last = now;
  }
  allow(t: number): boolean {
    const elapsed = t > this.last ? t - this.last : 0;
    const units = Math.min(this.capacity * this.leakMs, this.units + elapsed);
    if (units >= this.leakMs) {
      this.units = units - this.leakMs;
      if (t > this.last) this.last = t;
      return true;
    }
    return false;
  }
}

/** Monotone event times (ms), built from increments. */
const monotoneTimes = (maxStep: number) =>
  fc.array(fc.integer({ min: 0, max: maxStep }), { minLength: 1, maxLength: 120 }).map((steps) => {
    let t = 1_700_000_000_000;
    return steps.map((s) => (t += s));
  });

describe('TokenBucket', () => {
  it('starts full: a burst of `capacity` events passes and the next one finds no token', () => {
    const b = new TokenBucket(5, 10_000, 0);
    expect(pourAll(b, [0, 0, 0, 0, 0])).toEqual([true, true, true, true, true]);
    expect(b.allow(0)).toBe(false);
  });

  it('never runs dry when events come exactly at the leak rate', () => {
    const b = new TokenBucket(5, 10_000, 0);
    for (let i = 0; i < 1000; i++) expect(b.allow(i * 10_000)).toBe(true);
  });

  it('runs dry when events come faster than the leak rate (5 tokens, +0.5 per event → the 10th fails)', () => {
    const b = new TokenBucket(5, 10_000, 0);
    const got = pourAll(
      b,
      Array.from({ length: 10 }, (_, i) => i * 5_000),
    );
    expect(got.indexOf(false)).toBe(9);
  });

  it('refills one token per leak period, up to the capacity', () => {
    const b = new TokenBucket(3, 1_000, 0);
    expect(pourAll(b, [0, 0, 0, 0])).toEqual([true, true, true, false]);
    // 2 s later: two tokens, not three.
    expect(pourAll(b, [2_000, 2_000, 2_000])).toEqual([true, true, false]);
    // A long silence refills to the capacity, never beyond it.
    expect(b.tokensAt(1_000_000)).toBe(3);
    expect(pourAll(b, [1_000_000, 1_000_000, 1_000_000, 1_000_000])).toEqual([true, true, true, false]);
  });

  it('counts fractional refills: half a period gives half a token', () => {
    const b = new TokenBucket(1, 1_000, 0);
    expect(b.allow(0)).toBe(true);
    expect(b.tokensAt(500)).toBe(0.5);
    expect(b.allow(500)).toBe(false);
    // The failed attempt did not consume the half token, nor restart the refill.
    expect(b.allow(1_000)).toBe(true);
  });

  it('treats a time before the last one as no time elapsed (out-of-order lines in a replay)', () => {
    const b = new TokenBucket(2, 1_000, 10_000);
    expect(pourAll(b, [10_000, 10_000])).toEqual([true, true]);
    // Earlier than the last event: no refill, and no negative refill either.
    expect(b.tokensAt(5_000)).toBe(0);
    expect(b.allow(5_000)).toBe(false);
    expect(b.tokensAt(11_000)).toBe(1);
  });

  it('reports the tokens available at a time without taking any', () => {
    const b = new TokenBucket(4, 2_000, 0);
    b.allow(0);
    b.allow(0);
    expect(b.tokensAt(0)).toBe(2);
    expect(b.tokensAt(1_000)).toBe(2.5);
    expect(b.tokensAt(0)).toBe(2);
  });

  it('property: never allows more than capacity + elapsed/leakspeed events in any window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 60_000 }), monotoneTimes(20_000), (capacity, leakMs, times) => {
        const b = new TokenBucket(capacity, leakMs, times[0]!);
        const allowed = times.filter((t) => b.allow(t));
        for (let i = 0; i < allowed.length; i++) {
          for (let j = i; j < allowed.length; j++) {
            const inWindow = j - i + 1;
            const bound = capacity + (allowed[j]! - allowed[i]!) / leakMs;
            expect(inWindow).toBeLessThanOrEqual(bound + 1e-9);
          }
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('property: agrees event by event with an exact integer reference (leak periods exact in binary)', () => {
    // A power-of-two leak period keeps every refill exact in floating point, so any disagreement
    // is a logic error, not rounding.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 14 }), monotoneTimes(50_000), (capacity, exp, times) => {
        const leakMs = 2 ** exp;
        const b = new TokenBucket(capacity, leakMs, times[0]!);
        const ref = new ExactBucket(capacity, leakMs, times[0]!);
        for (const t of times) expect(b.allow(t)).toBe(ref.allow(t));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('property: agrees with the reference on out-of-order times too', () => {
    const shuffledTimes = fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 4, max: 14 }), shuffledTimes, (capacity, exp, times) => {
        const leakMs = 2 ** exp;
        const b = new TokenBucket(capacity, leakMs, 0);
        const ref = new ExactBucket(capacity, leakMs, 0);
        for (const t of times) expect(b.allow(t)).toBe(ref.allow(t));
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('property: an idle bucket is full again after capacity × leakspeed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 0, max: 20 }), (capacity, leakMs, used) => {
        const b = new TokenBucket(capacity, leakMs, 0);
        for (let i = 0; i < used; i++) b.allow(0);
        expect(b.tokensAt(capacity * leakMs)).toBe(capacity);
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it("allows an event when the tokens fall short of one by less than a nanosecond's worth (rate.Limiter's rounding)", () => {
    // 5 tokens, one per 10 s: events at 0,1,2,3,4 s leave 0.3999999999999999; 6 s later the refill
    // gives 0.9999999999999999, and Go's limiter, which rounds the wait down to 0 ns, allows it.
    const tb = new TokenBucket(5, 10_000, 0);
    for (const s of [0, 1, 2, 3, 4]) expect(tb.allow(s * 1000)).toBe(true);
    expect(tb.allow(10_000)).toBe(true);
    expect(tb.allow(10_000)).toBe(false);
  });
});

