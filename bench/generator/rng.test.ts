import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashString, Rng, WeightedPicker } from './rng.js';

describe('Rng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const sa = Array.from({ length: 50 }, () => a.u32());
    expect(Array.from({ length: 50 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.u32())).not.toEqual(sa);
  });

  it('restarts the stream on reseed', () => {
    const r = new Rng(9);
    const first = [r.next(), r.next(), r.next()];
    r.reseed(9);
    expect([r.next(), r.next(), r.next()]).toEqual(first);
  });

  it('keeps every draw in its range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, lo, width) => {
        const r = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const x = r.next();
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
          const k = r.range(lo, lo + width);
          expect(k).toBeGreaterThanOrEqual(lo);
          expect(k).toBeLessThanOrEqual(lo + width);
          expect(Number.isInteger(k)).toBe(true);
          const s = r.skewed(width + 1, 2);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(width);
          expect(r.logUniform(1, 100)).toBeGreaterThanOrEqual(1);
          expect(r.exp(5)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('spreads uniform draws evenly', () => {
    const r = new Rng(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[r.int(10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('picks by weight', () => {
    const picker = new WeightedPicker([['a', 1], ['b', 3]] as const);
    const r = new Rng(5);
    let b = 0;
    for (let i = 0; i < 20_000; i++) if (picker.pick(r) === 'b') b++;
    expect(b / 20_000).toBeGreaterThan(0.72);
    expect(b / 20_000).toBeLessThan(0.78);
  });

  it('hashes strings stably', () => {
    expect(hashString('/static/app.js')).toBe(hashString('/static/app.js'));
    expect(hashString('/a')).not.toBe(hashString('/b'));
  });
});
