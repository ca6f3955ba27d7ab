import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, silentLogger } from '../core/index.js';
import { DecisionMatcher, type Decision } from '../decisions/index.js';
import { openStore, type Store } from '../store/index.js';
import { DecisionFeed, type StreamCursor } from './decision-feed.js';
import { T0 } from './test-kit.js';

const BOUNCER = new DecisionMatcher({ scopes: ['ip', 'range'], simulated: false });
const VALUES = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.0/24'];
const key = (d: Pick<Decision, 'scope' | 'value' | 'type'>) => `${d.scope}|${d.value}|${d.type}`;

let clock: ManualClock;
let store: Store;

beforeEach(async () => {
  clock = new ManualClock(T0);
  store = await openStore({ type: 'sqlite', path: ':memory:' }, { clock });
});
afterEach(async () => {
  await store.close();
});

async function add(d: Partial<Decision> & { value: string }): Promise<Decision> {
  const decision: Decision = {
    id: 0,
    uuid: randomUUID(),
    origin: 'crowdsec',
    type: 'ban',
    scope: d.value.includes('/') ? 'Range' : 'Ip',
    scenario: 'crowdsecurity/ssh-bf',
    simulated: false,
    createdAt: clock.now(),
    until: clock.now() + 3600_000,
    alertId: 0,
    ...d,
  };
  decision.id = (await store.commit({ decisions: [decision] })).decisionIds[0];
  return decision;
}

/** A bouncer as go-cs-bouncer consumers keep decisions: by scope/value/type, with their own timer. */
class Bouncer {
  readonly held = new Map<string, number>();
  cursor: StreamCursor | null = null;
  lastPull: number | null = null;

  pull(feed: DecisionFeed, startup: boolean, now: number): void {
    for (const [k, until] of this.held) if (until <= now) this.held.delete(k);
    const a = startup ? feed.startup(BOUNCER, now) : feed.delta(this.cursor, this.lastPull, BOUNCER, now);
    for (const d of a.deleted) this.held.delete(key(d));
    for (const d of a.added) this.held.set(key(d), Math.max(this.held.get(key(d)) ?? 0, d.until));
    this.cursor = a.cursor;
    this.lastPull = now;
  }
}

type Op =
  | { op: 'add'; v: number; type: 'ban' | 'captcha'; secs: number; notify: boolean; simulated: boolean; origin: 'crowdsec' | 'CAPI' }
  | { op: 'delete'; v: number }
  | { op: 'advance'; ms: number }
  | { op: 'pull'; startup: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    op: fc.constant('add' as const),
    v: fc.integer({ min: 0, max: VALUES.length - 1 }),
    type: fc.constantFrom('ban' as const, 'captcha' as const),
    secs: fc.integer({ min: 1, max: 600 }),
    notify: fc.boolean(),
    simulated: fc.boolean(),
    origin: fc.constantFrom('crowdsec' as const, 'CAPI' as const),
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), v: fc.integer({ min: 0, max: VALUES.length - 1 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120_000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pull' as const), startup: fc.constantFrom(false, false, false, true) }) },
);

describe('DecisionFeed', () => {
  it('keeps a streaming bouncer blocking every active decision it wants, for as long as the longest lasts', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 60, size: 'max' }), async (ops) => {
        // The store is shared by the runs: each starts 30 days after the previous one.
        clock.set(T0 + ++run * 30 * 86_400_000);
        const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0 });
        await feed.start();
        const bouncer = new Bouncer();
        bouncer.pull(feed, true, clock.now());
        const mine: Decision[] = [];
        for (const o of ops) {
          if (o.op === 'add') {
            const d = await add({ value: VALUES[o.v], type: o.type, until: clock.now() + o.secs * 1000, simulated: o.simulated, origin: o.origin });
            mine.push(d);
            if (o.notify) feed.notify([d]);
            else await feed.sync();
          } else if (o.op === 'delete') {
            await store.expireDecisions({ value: VALUES[o.v] }, clock.now());
            await feed.sync();
          } else if (o.op === 'advance') {
            clock.advance(o.ms);
          } else {
            bouncer.pull(feed, o.startup, clock.now());
            const now = clock.now();
            const active = await store.listDecisions({ activeAt: now, simulated: false });
            const truth = new Map<string, number>();
            for (const d of active) if (mine.some((m) => m.id === d.id)) truth.set(key(d), Math.max(truth.get(key(d)) ?? 0, d.until));
            for (const [k, until] of truth) expect(bouncer.held.get(k), `${k} at +${now - T0}ms`).toBeGreaterThanOrEqual(until);
          }
        }
        // Everything ends: a last pull empties the bouncer.
        clock.advance(700_000);
        await store.expireDecisions({}, clock.now());
        await feed.sync();
        bouncer.pull(feed, false, clock.now());
        expect([...bouncer.held.keys()]).toEqual([]);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('answers a delta from the store time of the previous pull when another process answered it', async () => {
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0 });
    await feed.start();
    const before = await add({ value: '192.0.2.1' });
    feed.notify([before]);
    clock.advance(10_000);
    const pulledAt = clock.now();
    clock.advance(10_000);
    const after = await add({ value: '192.0.2.2' });
    await feed.sync();
    clock.advance(10_000);
    const a = feed.delta(null, pulledAt, BOUNCER, clock.now());
    expect(a.added.map((d) => d.id)).toEqual([after.id]);
  });

  it('learns decisions other processes add and end, reading again a little before the last change', async () => {
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0, overlapMs: 5000 });
    await feed.start();
    const d = await add({ value: '192.0.2.1' });
    expect(await feed.sync()).toBeGreaterThanOrEqual(1);
    expect(feed.index.lookupIp('192.0.2.1', clock.now()).map((x) => x.id)).toEqual([d.id]);
    clock.advance(1000);
    await store.expireDecisions({ id: d.id }, clock.now());
    await feed.sync();
    expect(feed.index.lookupIp('192.0.2.1', clock.now())).toEqual([]);
    const a = feed.delta({ seq: 0 }, null, BOUNCER, clock.now());
    expect(a.deleted.map((x) => x.id)).toEqual([d.id]);
  });

  it('loads active decisions and those ended within the window at start', async () => {
    const active = await add({ value: '192.0.2.1' });
    const ended = await add({ value: '192.0.2.2', until: T0 - 1000 });
    await add({ value: '192.0.2.3', until: T0 - 2 * 86_400_000 });
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0 });
    expect(feed.ready).toBe(false);
    await feed.start();
    expect(feed.ready).toBe(true);
    const a = feed.startup(BOUNCER, clock.now());
    expect(a.added.map((d) => d.id)).toEqual([active.id]);
    expect(a.deleted.map((d) => d.id)).toEqual([ended.id]);
  });

  it('never lets a simulated or filtered-out decision hide one the bouncer gets', async () => {
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0 });
    await feed.start();
    const real = await add({ value: '192.0.2.1', until: T0 + 60_000 });
    const sim = await add({ value: '192.0.2.1', until: T0 + 600_000, simulated: true });
    feed.notify([real, sim]);
    expect(feed.startup(BOUNCER, clock.now()).added.map((d) => d.id)).toEqual([real.id]);
  });

  it('gives every active decision to a bouncer whose previous pull is older than the journal', async () => {
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0, maxJournal: 2 });
    await feed.start();
    const ds = [];
    for (const v of VALUES) {
      const d = await add({ value: v });
      feed.notify([d]);
      ds.push(d);
    }
    feed.tick();
    const a = feed.delta({ seq: 1 }, T0, BOUNCER, clock.now());
    expect(a.added.map((d) => d.id)).toEqual(ds.map((d) => d.id));
  });
});

describe('DecisionFeed deletions', () => {
  it('does not report as deleted a decision that ends while a longer one on the same IP and type still applies', async () => {
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0 });
    await feed.start();
    const long = await add({ value: '192.0.2.1', until: T0 + 600_000 });
    const short = await add({ value: '192.0.2.1', until: T0 + 300_000 });
    feed.notify([long, short]);
    const bouncer = new Bouncer();
    bouncer.pull(feed, true, clock.now());
    expect([...bouncer.held]).toEqual([['Ip|192.0.2.1|ban', T0 + 600_000]]);
    clock.advance(400_000);
    const a = feed.delta(bouncer.cursor, bouncer.lastPull, BOUNCER, clock.now());
    expect(a.deleted).toEqual([]);
    clock.advance(300_000);
    const b = feed.delta(a.cursor, clock.now() - 300_000, BOUNCER, clock.now());
    expect(b.deleted.map((d) => d.id)).toEqual([long.id]);
  });
});

describe('DecisionFeed sync', () => {
  it('shares one extra run among the callers that ask while a sync runs', async () => {
    let queries = 0;
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'decisionsChangedSince') {
          return (since: number, limit?: number) => {
            queries++;
            return target.decisionsChangedSince(since, limit);
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const feed = new DecisionFeed(counting, clock, silentLogger(), { syncEveryMs: 0 });
    await feed.start();
    const d = await add({ value: '192.0.2.1' });
    await Promise.all([feed.sync(), feed.sync(), feed.sync(), feed.sync()]);
    expect(queries).toBe(2);
    expect(feed.index.lookupIp('192.0.2.1', clock.now()).map((x) => x.id)).toEqual([d.id]);
  });

  it('keeps decisions notified while loading', async () => {
    const feed = new DecisionFeed(store, clock, silentLogger(), { syncEveryMs: 0 });
    const d = await add({ value: '192.0.2.1' });
    const loading = feed.start();
    feed.notify([d]);
    await loading;
    expect(feed.startup(BOUNCER, clock.now()).added.map((x) => x.id)).toEqual([d.id]);
  });
});
