import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecisionCache } from './decision-cache.js';

describe('DecisionCache', () => {
  it('answers until the entry expires, then forgets it', () => {
    const c = new DecisionCache<string>(10);
    c.set('192.0.2.1', 'ban', 1000);
    expect(c.get('192.0.2.1', 999)).toBe('ban');
    expect(c.get('192.0.2.1', 1000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('evicts the least recently used entry when full', () => {
    const c = new DecisionCache<number>(2);
    c.set('a', 1, 100);
    c.set('b', 2, 100);
    expect(c.get('a', 0)).toBe(1); // a is now the most recent
    c.set('c', 3, 100);
    expect(c.get('b', 0)).toBeUndefined();
    expect(c.get('a', 0)).toBe(1);
    expect(c.get('c', 0)).toBe(3);
  });

  it('never holds more than its bound and keeps the most recent keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), (bound, keys) => {
        const c = new DecisionCache<number>(bound);
        for (const k of keys) c.set(String(k), k, 1);
        expect(c.size).toBeLessThanOrEqual(bound);
        const recent = [...new Set([...keys].reverse())].slice(0, bound);
        for (const k of recent) expect(c.get(String(k), 0)).toBe(k);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('refuses a bound below one', () => {
    expect(() => new DecisionCache(0)).toThrow(RangeError);
  });
});
