import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket-limiter.js';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then one request per refill interval, per client', () => {
    const l = new TokenBucketLimiter({ burst: 2, perMinute: 6 });
    expect([l.take('a', 0), l.take('a', 0), l.take('a', 0)]).toEqual([0, 0, 10]);
    expect(l.take('b', 0)).toBe(0);
    expect(l.take('a', 5_000)).toBe(5);
    expect(l.take('a', 10_000)).toBe(0);
    expect(l.take('a', 10_000)).toBe(10);
  });

  it('never refills beyond the burst', () => {
    const l = new TokenBucketLimiter({ burst: 3, perMinute: 60 });
    l.take('a', 0);
    const later = 3600_000;
    expect([l.take('a', later), l.take('a', later), l.take('a', later), l.take('a', later)]).toEqual([0, 0, 0, 1]);
  });

  it('keeps a bounded table of clients', () => {
    const l = new TokenBucketLimiter({ burst: 1, perMinute: 1, maxClients: 100 });
    for (let i = 0; i < 1000; i++) l.take(`10.0.${i >> 8}.${i & 255}`, i);
    expect(l.size).toBeLessThanOrEqual(100);
  });
});
