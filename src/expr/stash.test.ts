import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr } from './compile-expr.js';
import { GoDuration } from './go-duration.js';
import { createStashCache } from './stash-cache.js';
import { Stash } from './stash.js';

function setup() {
  const clock = new ManualClock(1_700_000_000_000);
  const warnings: string[] = [];
  const stash = new Stash({ clock, warn: (m) => warnings.push(m) });
  const functions = stash.helpers();
  const run = (src: string, env: Record<string, unknown> = {}): unknown =>
    compileExpr(src, { variables: Object.keys(env), functions, regex: (s) => new RE2(s) }).run(env);
  return { clock, stash, run, warnings };
}

describe('Stash', () => {
  it('gives what was stored under a key, and "" for an unknown key', () => {
    const { stash, run } = setup();
    stash.define({ name: 'pids', ttlMs: 60_000, size: 10 });
    stash.set('pids', '1234', '/usr/bin/rm');
    expect(run('GetFromStash("pids", "1234")')).toBe('/usr/bin/rm');
    expect(run('GetFromStash("pids", "9999")')).toBe('');
  });

  it('forgets an entry once its ttl has passed (the clock is the injected one)', () => {
    const { stash, clock } = setup();
    stash.define({ name: 's', ttlMs: 5_000, size: 10 });
    stash.set('s', 'k', 'v');
    clock.advance(5_000);
    expect(stash.get('s', 'k')).toBe('v'); // expired only strictly after the deadline, as time.Before
    clock.advance(1);
    expect(stash.get('s', 'k')).toBe('');
    stash.set('s', 'k', 'again', 100);
    clock.advance(101);
    expect(stash.get('s', 'k')).toBe('');
  });

  it('restarts the ttl of a key set again, without refreshing it on reads', () => {
    const { stash, clock } = setup();
    stash.define({ name: 's', ttlMs: 1_000, size: 10 });
    stash.set('s', 'k', 'v1');
    clock.advance(800);
    expect(stash.get('s', 'k')).toBe('v1');
    clock.advance(300);
    expect(stash.get('s', 'k')).toBe('');
    stash.set('s', 'k', 'v2');
    clock.advance(800);
    stash.set('s', 'k', 'v3');
    clock.advance(800);
    expect(stash.get('s', 'k')).toBe('v3');
  });

  it('answers "" for a stash no content defines, and reports it once', () => {
    const { run, warnings } = setup();
    expect(run('GetFromStash("nope", "k")')).toBe('');
    expect(run('GetFromStash("nope", "k")')).toBe('');
    expect(warnings).toEqual(["cache 'nope' not found: no parser defines a stash of that name"]);
  });

  it('writes to every cache of a name defined twice and reads the first, as CrowdSec', () => {
    const { stash, clock } = setup();
    stash.define({ name: 'dup', ttlMs: 1_000, size: 1 });
    stash.define({ name: 'dup', ttlMs: 60_000, size: 10 });
    stash.set('dup', 'a', '1');
    stash.set('dup', 'b', '2');
    // The first cache holds one entry: 'a' was evicted there.
    expect(stash.get('dup', 'a')).toBe('');
    expect(stash.get('dup', 'b')).toBe('2');
    clock.advance(2_000);
    expect(stash.get('dup', 'b')).toBe(''); // the first cache's ttl
  });

  it('fails an expression that passes a non-string key, as expr-lang does', () => {
    const { stash, run } = setup();
    stash.define({ name: 's', ttlMs: 1_000 });
    expect(() => run('GetFromStash("s", nil)')).toThrow(/cannot use <nil> as argument \(type string\) to call GetFromStash/);
  });

  it('stores from expressions with SetInStash, with the stash ttl or a given duration', () => {
    const { stash, run, clock } = setup();
    stash.define({ name: 's', ttlMs: 10_000 });
    expect(run('SetInStash("s", "k", "v", nil)')).toBeNull();
    expect(run('SetInStash("s", "short", "v", d)', { d: new GoDuration(1e9) })).toBeNull();
    clock.advance(2_000);
    expect(stash.get('s', 'k')).toBe('v');
    expect(stash.get('s', 'short')).toBe('');
    expect(() => run('SetInStash("s", "k", "v")')).toThrow(/not enough arguments/);
  });

  it('keeps 100 entries when no size is given', () => {
    const { stash } = setup();
    stash.define({ name: 's', ttlMs: 60_000 });
    for (let i = 0; i < 150; i++) stash.set('s', `k${i}`, `v${i}`);
    expect(stash.get('s', 'k49')).toBe('');
    expect(stash.get('s', 'k50')).toBe('v50');
  });
});

describe('stash eviction strategies (gcache)', () => {
  const NOW = 0;
  const TTL = 1e9;

  it('LRU evicts the least recently used key', () => {
    const c = createStashCache('LRU', 2);
    c.set('a', '1', TTL, NOW);
    c.set('b', '2', TTL, NOW);
    expect(c.get('a', NOW)).toBe('1');
    c.set('c', '3', TTL, NOW);
    expect([c.get('a', NOW), c.get('b', NOW), c.get('c', NOW)]).toEqual(['1', undefined, '3']);
  });

  it('LRU evicts by recency even when an older entry has expired elsewhere', () => {
    const c = createStashCache('LRU', 2);
    c.set('old', '1', 10, NOW);
    c.set('fresh', '2', TTL, NOW);
    expect(c.get('fresh', NOW)).toBe('2');
    c.set('new', '3', TTL, NOW + 100);
    expect(c.get('old', NOW + 100)).toBeUndefined();
    expect(c.size).toBe(2);
  });

  it('LFU evicts the least read key, the oldest of them on ties', () => {
    const c = createStashCache('LFU', 3);
    c.set('a', '1', TTL, NOW);
    c.set('b', '2', TTL, NOW);
    c.set('c', '3', TTL, NOW);
    c.get('a', NOW);
    c.get('a', NOW);
    c.get('c', NOW);
    c.set('d', '4', TTL, NOW); // b was never read
    expect(c.get('b', NOW)).toBeUndefined();
    c.set('e', '5', TTL, NOW); // d, never read, goes
    expect([c.get('a', NOW), c.get('c', NOW), c.get('d', NOW), c.get('e', NOW)]).toEqual(['1', '3', undefined, '5']);
  });

  it('ARC keeps a key read twice over a stream of keys read once', () => {
    const c = createStashCache('ARC', 4);
    c.set('hot', 'h', TTL, NOW);
    expect(c.get('hot', NOW)).toBe('h'); // moves to the frequent list
    for (let i = 0; i < 20; i++) c.set(`cold${i}`, 'x', TTL, NOW);
    expect(c.get('hot', NOW)).toBe('h');
    expect(c.get('cold19', NOW)).toBe('x');
    expect(c.get('cold0', NOW)).toBeUndefined();
  });

  it('never holds more than its size, whatever the operations (property)', () => {
    const op = fc.record({ set: fc.boolean(), key: fc.integer({ min: 0, max: 12 }), dt: fc.integer({ min: 0, max: 50 }) });
    for (const strategy of ['LRU', 'LFU', 'ARC'] as const) {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 200 }), (size, ops) => {
          const c = createStashCache(strategy, size);
          const last = new Map<string, string>();
          let now = 0;
          ops.forEach((o, i) => {
            now += o.dt;
            const key = `k${o.key}`;
            if (o.set) {
              c.set(key, `v${i}`, 100, now);
              last.set(key, `v${i}`);
            } else {
              const v = c.get(key, now);
              // A hit is always the last value set for that key.
              if (v !== undefined) expect(v).toBe(last.get(key));
            }
            expect(c.size).toBeLessThanOrEqual(size);
          });
        }),
        { seed: 21, numRuns: 300 },
      );
    }
  });
});
