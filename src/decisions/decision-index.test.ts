import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HerdError, ManualClock } from '../core/index.js';
import { compareIP, ipInRange, parseRange } from '../ip/index.js';
import {
  DecisionIndex,
  DecisionMatcher,
  longestPerValueAndType,
  normaliseScope,
  type Decision,
  type DecisionFilter,
} from './index.js';

const SEED = 20240603;
const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

let nextId = 1;
function decision(over: Partial<Decision>): Decision {
  return {
    id: nextId++,
    uuid: `u-${nextId}`,
    origin: 'crowdsec',
    type: 'ban',
    scope: 'Ip',
    value: '192.0.2.1',
    scenario: 'crowdsecurity/ssh-bf',
    simulated: false,
    createdAt: T0 - HOUR,
    until: T0 + HOUR,
    alertId: 0,
    ...over,
  };
}

function indexOf(...ds: Decision[]): DecisionIndex {
  const index = new DecisionIndex(new ManualClock(T0));
  index.load(ds);
  return index;
}

const ids = (ds: Iterable<Decision>): number[] => [...ds].map((d) => d.id).sort((a, b) => a - b);

// --- a naive reference: scan every decision ------------------------------------------------------

const isIpScope = (d: Decision) => d.scope.toLowerCase() === 'ip' || d.scope.toLowerCase() === 'range';
/** A decision's value as a CIDR (a bare address as /32 or /128), for `ipInRange`. */
const cidrOf = (v: string) => (v.includes('/') ? v : `${v}/${v.includes(':') ? 128 : 32}`);

function refFilter(d: Decision, f: DecisionFilter): boolean {
  if (d.simulated && f.simulated !== true) return false;
  if (f.type !== undefined && d.type !== f.type) return false;
  if (f.origins?.length && !f.origins.includes(d.origin)) return false;
  if (f.scopes?.length && !f.scopes.some((s) => normaliseScope(s) === d.scope)) return false;
  const sc = d.scenario.toLowerCase();
  if (f.scenariosContaining?.length && !f.scenariosContaining.some((w) => sc.includes(w.toLowerCase()))) return false;
  if (f.scenariosNotContaining?.length && f.scenariosNotContaining.some((w) => sc.includes(w.toLowerCase()))) return false;
  return true;
}

function refLookupIp(all: Decision[], ip: string, now: number, f: DecisionFilter): Decision[] {
  return all.filter((d) => d.until > now && refFilter(d, f) && isIpScope(d) && ipInRange(ip, cidrOf(d.value)));
}

/** CrowdSec's bounds comparison (`decisionIPFilter`): same family, then start/end compared. */
function refLookupRange(all: Decision[], q: string, contains: boolean, now: number, f: DecisionFilter): Decision[] {
  const qn = parseRange(q)!;
  return all.filter((d) => {
    if (d.until <= now || !refFilter(d, f) || !isIpScope(d)) return false;
    const n = parseRange(d.value);
    if (n === null || n.version !== qn.version) return false;
    return contains
      ? compareIP(n.first, qn.first) <= 0 && compareIP(n.last, qn.last) >= 0
      : compareIP(n.first, qn.first) >= 0 && compareIP(n.last, qn.last) <= 0;
  });
}

function refLookupValue(all: Decision[], scope: string | undefined, value: string, now: number, f: DecisionFilter) {
  return all.filter(
    (d) => d.until > now && refFilter(d, f) && d.value === value && (scope === undefined || d.scope === normaliseScope(scope)),
  );
}

function refLongest(all: Decision[]): Decision[] {
  return all.filter(
    (d) => !all.some((e) => e.scope === d.scope && e.value === d.value && e.type === d.type && e.until > d.until),
  );
}

const prefixOf = (d: Decision) => parseRange(d.value)!.prefix;

// --- generators: small address pools so that decisions and queries collide --------------------------

const v4Text = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const v6Text = (n: bigint) => {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(16 * i)) & 0xffffn).toString(16));
  return groups.join(':');
};
const v4Addr = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 15 }).map((n) => 0x0a000000 + n) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((n) => 0x0a000000 + n) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);
const v6Addr = fc
  .oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 15 }) }, fc.integer({ min: 0, max: 0xffffff }))
  .map((n) => (0x20010db8n << 96n) + BigInt(n));
const v4Prefix = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 24, max: 32 }) }, fc.integer({ min: 0, max: 23 }));
const v6Prefix = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 120, max: 128 }) }, fc.integer({ min: 0, max: 119 }));

/** IP text: dotted IPv4, its IPv4-mapped IPv6 form, or IPv6. */
const ipText = fc.oneof(
  { weight: 3, arbitrary: v4Addr.map(v4Text) },
  { weight: 1, arbitrary: v4Addr.map((n) => `::ffff:${v4Text(n)}`) },
  { weight: 2, arbitrary: v6Addr.map(v6Text) },
);
/** CIDR text (host bits may be set, as Go accepts), IPv4, IPv4-mapped or IPv6. */
const cidrText = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(v4Addr, v4Prefix).map(([n, p]) => `${v4Text(n)}/${p}`) },
  { weight: 1, arbitrary: fc.tuple(v4Addr, v4Prefix).map(([n, p]) => `::ffff:${v4Text(n)}/${96 + p}`) },
  { weight: 2, arbitrary: fc.tuple(v6Addr, v6Prefix).map(([n, p]) => `${v6Text(n)}/${p}`) },
);

const scenario = fc.constantFrom('crowdsecurity/ssh-bf', 'crowdsecurity/http-probing', 'Manual ban from cscli', 'CAPI/SSH-BF');
const target = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('Ip', 'ip', 'IP'), ipText) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('Range', 'range'), cidrText) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('Ip'), cidrText) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('Ip'), fc.constant('not-an-ip')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('AS', 'Country', 'username'), fc.constantFrom('12345', 'FR', 'admin', '10.0.0.1')) },
);
const arbDecision = fc
  .record({
    id: fc.integer({ min: 1, max: 60 }),
    target,
    origin: fc.constantFrom('crowdsec', 'cscli', 'CAPI', 'lists'),
    type: fc.constantFrom('ban', 'captcha'),
    scenario,
    simulated: fc.integer({ min: 0, max: 99 }).map((n) => n < 15),
    until: fc.integer({ min: -20, max: 100 }).map((m) => T0 + m * 1000),
  })
  .map(
    (r): Decision => ({
      id: r.id,
      uuid: `u${r.id}`,
      origin: r.origin,
      type: r.type,
      scope: r.target[0],
      value: r.target[1],
      scenario: r.scenario,
      simulated: r.simulated,
      createdAt: T0,
      until: r.until,
      alertId: 0,
    }),
  );

const words = (pool: string[]) => fc.option(fc.subarray(pool, { maxLength: 2 }), { nil: undefined });
const someFilter: fc.Arbitrary<DecisionFilter> = fc.record(
  {
    type: fc.constantFrom('ban', 'captcha'),
    origins: fc.subarray(['crowdsec', 'cscli', 'CAPI', 'lists']),
    scenariosContaining: words(['ssh', 'HTTP', 'manual', 'capi/']).map((w) => w ?? []),
    scenariosNotContaining: words(['SSH', 'probing', 'ban']).map((w) => w ?? []),
    scopes: fc.subarray(['ip', 'Range', 'as', 'country', 'username']),
    simulated: fc.boolean(),
  },
  { requiredKeys: [] },
);
/** Half the time no filter (but simulated decisions still left out), so that lookups find plenty. */
const arbFilter = fc.oneof(fc.constant<DecisionFilter>({}), someFilter);

type Op = { kind: 'upsert'; d: Decision } | { kind: 'remove'; id: number } | { kind: 'expire'; at: number };
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: arbDecision.map((d): Op => ({ kind: 'upsert', d })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((id): Op => ({ kind: 'remove', id })) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 30 }).map((s): Op => ({ kind: 'expire', at: T0 + s * 1000 })) },
);

/** Replays the operations on the index and on a Map by id; checks what `expire` returns on the way. */
function replay(ops: Op[]): { index: DecisionIndex; held: Decision[] } {
  const clock = new ManualClock(T0);
  const index = new DecisionIndex(clock);
  const ref = new Map<number, Decision>();
  for (const op of ops) {
    if (op.kind === 'upsert') {
      index.upsert(op.d);
      if (op.d.until <= T0) ref.delete(op.d.id);
      else ref.set(op.d.id, op.d);
    } else if (op.kind === 'remove') {
      expect(index.remove(op.id)).toBe(ref.get(op.id));
      ref.delete(op.id);
    } else {
      const gone = [...ref.values()].filter((d) => d.until <= op.at);
      for (const d of gone) ref.delete(d.id);
      const out = index.expire(op.at);
      expect(ids(out)).toEqual(ids(gone));
      for (let i = 1; i < out.length; i++) expect(out[i].until).toBeGreaterThanOrEqual(out[i - 1].until);
    }
    expect(index.size).toBe(ref.size);
  }
  return { index, held: [...ref.values()] };
}

const at = fc.integer({ min: -5, max: 60 }).map((s) => T0 + s * 1000);

// --- properties -------------------------------------------------------------------------------------

describe('DecisionIndex — against a scan of every decision', () => {
  it('lookupIp returns every active decision on the address or on a range holding it, most specific first', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 10, maxLength: 80 }), fc.array(ipText, { minLength: 1, maxLength: 10 }), at, arbFilter, (ops, probes, now, f) => {
        const { index, held } = replay(ops);
        const heldIps = held.filter((d) => isIpScope(d) && parseRange(d.value) !== null).map((d) => d.value.split('/')[0]);
        for (const ip of [...probes, ...heldIps.slice(0, 6)]) {
          const got = index.lookupIp(ip, now, f);
          expect(ids(got)).toEqual(ids(refLookupIp(held, ip, now, f)));
          for (let i = 1; i < got.length; i++) expect(prefixOf(got[i])).toBeLessThanOrEqual(prefixOf(got[i - 1]));
          const best = index.longestMatch(ip, now, f);
          if (got.length === 0) expect(best).toBeNull();
          else {
            const top = got.filter((d) => prefixOf(d) === prefixOf(got[0]));
            expect(best).not.toBeNull();
            expect(prefixOf(best!)).toBe(prefixOf(got[0]));
            expect(best!.until).toBe(Math.max(...top.map((d) => d.until)));
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('lookupRange follows CrowdSec bounds: containing the query with contains=true, inside it with false', () => {
    fc.assert(
      fc.property(
        fc.array(arbOp, { minLength: 10, maxLength: 80 }),
        fc.array(fc.oneof(cidrText, ipText), { minLength: 1, maxLength: 8 }),
        at,
        arbFilter,
        (ops, queries, now, f) => {
          const { index, held } = replay(ops);
          // The values held are the likeliest hits (a query equal to a decision's network).
          const heldNets = held.filter((d) => isIpScope(d) && parseRange(d.value) !== null).map((d) => d.value);
          for (const q of [...queries, ...heldNets.slice(0, 6)]) {
            for (const contains of [true, false]) {
              expect(ids(index.lookupRange(q, contains, now, f))).toEqual(ids(refLookupRange(held, q, contains, now, f)));
            }
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('lookupValue, active and isLongest agree with the scan', () => {
    const scopes = fc.option(fc.constantFrom('ip', 'Ip', 'range', 'as', 'AS', 'country', 'username'), { nil: undefined });
    const values = fc.oneof(ipText, cidrText, fc.constantFrom('12345', 'FR', 'admin', '10.0.0.1', 'not-an-ip'));
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 10, maxLength: 80 }), fc.array(fc.tuple(scopes, values), { maxLength: 8 }), at, arbFilter, (ops, qs, now, f) => {
        const { index, held } = replay(ops);
        for (const [scope, value] of qs) {
          expect(ids(index.lookupValue(scope, value, now, f))).toEqual(ids(refLookupValue(held, scope, value, now, f)));
        }
        // Values held by the index are the likeliest hits.
        for (const d of held.slice(0, 5)) {
          expect(ids(index.lookupValue(d.scope, d.value, now, f))).toEqual(ids(refLookupValue(held, d.scope, d.value, now, f)));
        }
        expect(ids(index.active(now, f))).toEqual(ids(held.filter((d) => d.until > now && refFilter(d, f))));
        const live = [...index.active(now, { simulated: true })];
        const longest = new Set(refLongest(live));
        for (const d of live) expect(index.isLongest(d)).toBe(longest.has(d));
        expect(ids(longestPerValueAndType(live))).toEqual(ids(longest));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('DecisionMatcher applies the filter as the reference does', () => {
    fc.assert(
      fc.property(arbDecision, arbFilter, (d, f) => {
        expect(new DecisionMatcher(f).matches(d)).toBe(refFilter(d, f));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

// --- examples ---------------------------------------------------------------------------------------

describe('DecisionIndex — CrowdSec query semantics', () => {
  const ip = decision({ value: '1.2.3.4' });
  const r24 = decision({ scope: 'Range', value: '1.2.3.0/24' });
  const r16 = decision({ scope: 'Range', value: '1.2.0.0/16', type: 'captcha' });
  const other = decision({ value: '5.6.7.8' });
  const index = indexOf(ip, r24, r16, other);

  it('answers ?ip= with the address and every range holding it, the most specific first', () => {
    expect(index.lookupIp('1.2.3.4', T0).map((d) => d.id)).toEqual([ip.id, r24.id, r16.id]);
    expect(index.longestMatch('1.2.3.4', T0)).toBe(ip);
    expect(index.longestMatch('1.2.9.9', T0)).toBe(r16);
    expect(index.lookupIp('9.9.9.9', T0)).toEqual([]);
  });

  it('longestMatch picks the longest-lasting decision on the most specific network', () => {
    const short = decision({ value: '7.7.7.7', until: T0 + 1000 });
    const long = decision({ value: '7.7.7.7', until: T0 + 9000, type: 'captcha' });
    const wide = decision({ scope: 'Range', value: '7.7.0.0/16', until: T0 + 99_000 });
    const idx = indexOf(short, long, wide);
    expect(idx.longestMatch('7.7.7.7', T0)).toBe(long);
    expect(idx.longestMatch('7.7.7.7', T0, { type: 'ban' })).toBe(short);
    expect(idx.longestMatch('7.7.7.7', T0, { scopes: ['range'] })).toBe(wide);
    expect(idx.longestMatch('7.7.7.7', T0 + 9000)).toBe(wide);
  });

  it('answers ?range= (contains=true, CrowdSec default) with the ranges holding the whole query', () => {
    expect(ids(index.lookupRange('1.2.3.0/24', true, T0))).toEqual(ids([r24, r16]));
    expect(ids(index.lookupRange('1.2.3.128/25', true, T0))).toEqual(ids([r24, r16]));
  });

  it('answers ?range=&contains=false with the decisions inside the query', () => {
    expect(ids(index.lookupRange('1.2.3.0/24', false, T0))).toEqual(ids([ip, r24]));
    expect(ids(index.lookupRange('0.0.0.0/0', false, T0))).toEqual(ids([ip, r24, r16, other]));
  });

  it('answers ?ip=&contains=false with the decisions on exactly that address, not ranges holding it', () => {
    expect(ids(index.lookupRange('1.2.3.4', false, T0))).toEqual([ip.id]);
    expect(ids(index.lookupRange('1.2.3.4', true, T0))).toEqual(ids([ip, r24, r16]));
  });

  it('applies ?type= to the lookups', () => {
    expect(ids(index.lookupIp('1.2.3.4', T0, { type: 'captcha' }))).toEqual([r16.id]);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address, both ways', () => {
    const mapped = decision({ value: '::ffff:10.0.0.1' });
    const idx = indexOf(mapped, decision({ scope: 'Range', value: '::/0' }));
    expect(idx.lookupIp('10.0.0.1', T0)).toEqual([mapped]);
    expect(idx.lookupIp('::ffff:10.0.0.1', T0)).toEqual([mapped]);
    expect(idx.lookupIp('2001:db8::1', T0).map((d) => d.value)).toEqual(['::/0']);
  });

  it('never lets an IPv6 range hold an IPv4 address', () => {
    const idx = indexOf(decision({ scope: 'Range', value: '::/0' }), decision({ scope: 'Range', value: '::/64' }));
    expect(idx.lookupIp('1.2.3.4', T0)).toEqual([]);
    expect(idx.lookupRange('0.0.0.0/0', false, T0)).toEqual([]);
  });

  it('indexes IPv6 addresses and ranges', () => {
    const a = decision({ value: '2001:db8::1' });
    const r = decision({ scope: 'Range', value: '2001:db8::/32' });
    const idx = indexOf(a, r);
    expect(idx.lookupIp('2001:DB8:0::1', T0).map((d) => d.id)).toEqual([a.id, r.id]);
    expect(ids(idx.lookupRange('2001:db8::/48', false, T0))).toEqual([a.id]);
    expect(ids(idx.lookupRange('2001:db8::/48', true, T0))).toEqual([r.id]);
    expect(idx.longestMatch('2001:db8:1::1', T0)).toBe(r);
  });

  it('looks other scopes up by exact value, with CrowdSec scope spelling', () => {
    const as = decision({ scope: 'AS', value: '12345' });
    const country = decision({ scope: 'Country', value: 'FR' });
    const idx = indexOf(as, country, decision({ value: '1.2.3.4' }));
    expect(idx.lookupValue('as', '12345', T0)).toEqual([as]);
    expect(idx.lookupValue('Country', 'fr', T0)).toEqual([]);
    expect(idx.lookupValue(undefined, 'FR', T0)).toEqual([country]);
    expect(idx.lookupValue('ip', '1.2.3.4', T0).map((d) => d.value)).toEqual(['1.2.3.4']);
    expect(idx.lookupValue('ip', '::ffff:1.2.3.4', T0)).toEqual([]);
  });

  it('throws HERD_DECISION_QUERY for a query that is not an address or range; longestMatch finds nothing', () => {
    expect(() => index.lookupIp('1.2.3', T0)).toThrow(HerdError);
    expect(() => index.lookupIp('1.2.3.0/24', T0)).toThrow(/not an IP address/);
    expect(() => index.lookupRange('1.2.3.0/33', true, T0)).toThrow(expect.objectContaining({ code: 'HERD_DECISION_QUERY' }));
    expect(index.longestMatch('nonsense', T0)).toBeNull();
  });
});

describe('DecisionIndex — filters', () => {
  const sim = decision({ value: '1.2.3.4', simulated: true });
  const capi = decision({ value: '1.2.3.4', origin: 'CAPI', scenario: 'crowdsecurity/HTTP-probing' });
  const cscli = decision({ value: '1.2.3.4', origin: 'cscli', scenario: "manual 'ban' from 'host'" });
  const index = indexOf(sim, capi, cscli);

  it('never gives simulated decisions unless asked to', () => {
    expect(ids(index.lookupIp('1.2.3.4', T0))).toEqual(ids([capi, cscli]));
    expect(ids(index.lookupIp('1.2.3.4', T0, { simulated: true }))).toEqual(ids([sim, capi, cscli]));
  });

  it('keeps the listed origins, exactly', () => {
    expect(ids(index.lookupIp('1.2.3.4', T0, { origins: ['CAPI', 'lists'] }))).toEqual([capi.id]);
    expect(ids(index.lookupIp('1.2.3.4', T0, { origins: ['capi'] }))).toEqual([]);
  });

  it('matches scenario words ignoring case, any of them; not_containing drops any of them', () => {
    expect(ids(index.lookupIp('1.2.3.4', T0, { scenariosContaining: ['http'] }))).toEqual([capi.id]);
    expect(ids(index.lookupIp('1.2.3.4', T0, { scenariosContaining: ['PROBING', 'manual'] }))).toEqual(ids([capi, cscli]));
    expect(ids(index.lookupIp('1.2.3.4', T0, { scenariosNotContaining: ['Http'] }))).toEqual([cscli.id]);
  });

  it('normalises the scopes it is given (ip → Ip) and compares them exactly', () => {
    const idx = indexOf(decision({ value: '1.2.3.4', scope: 'Ip' }), decision({ value: '1.2.3.0/24', scope: 'Range' }));
    expect(idx.lookupIp('1.2.3.4', T0, { scopes: ['range'] }).map((d) => d.scope)).toEqual(['Range']);
    expect(idx.lookupIp('1.2.3.4', T0, { scopes: ['IP'] }).map((d) => d.scope)).toEqual(['Ip']);
  });

  it('takes a prepared DecisionMatcher as well as a filter', () => {
    const m = new DecisionMatcher({ origins: ['cscli'] });
    expect(index.lookupIp('1.2.3.4', T0, m)).toEqual([cscli]);
  });
});

describe('DecisionIndex — upsert, remove, expire', () => {
  it('replaces a decision upserted again with the same id', () => {
    const clock = new ManualClock(T0);
    const index = new DecisionIndex(clock);
    const d = decision({ value: '1.2.3.4' });
    index.upsert(d);
    index.upsert({ ...d, value: '5.6.7.8' });
    expect(index.size).toBe(1);
    expect(index.lookupIp('1.2.3.4', T0)).toEqual([]);
    expect(index.lookupIp('5.6.7.8', T0).map((x) => x.id)).toEqual([d.id]);
  });

  it('removes a decision upserted with an until already past (CrowdSec deletes by ending it now)', () => {
    const clock = new ManualClock(T0);
    const index = new DecisionIndex(clock);
    const d = decision({ value: '1.2.3.4' });
    index.upsert(d);
    clock.advance(1000);
    index.upsert({ ...d, until: T0 + 1000 });
    expect(index.size).toBe(0);
    expect(index.lookupIp('1.2.3.4', T0)).toEqual([]);
  });

  it('returns what it removes, and undefined for an unknown id', () => {
    const d = decision({ scope: 'Range', value: '10.0.0.0/8' });
    const index = indexOf(d);
    expect(index.remove(d.id)).toBe(d);
    expect(index.remove(d.id)).toBeUndefined();
    expect(index.lookupIp('10.1.1.1', T0)).toEqual([]);
  });

  it('expires decisions in order of their end, and stops answering with them at their end', () => {
    const a = decision({ value: '1.2.3.4', until: T0 + 3000 });
    const b = decision({ value: '1.2.3.4', until: T0 + 1000, type: 'captcha' });
    const c = decision({ scope: 'AS', value: '1', until: T0 + 2000 });
    const index = indexOf(a, b, c);
    expect(ids(index.lookupIp('1.2.3.4', T0 + 999))).toEqual(ids([a, b]));
    expect(ids(index.lookupIp('1.2.3.4', T0 + 1000))).toEqual([a.id]);
    expect(index.expire(T0 + 2000)).toEqual([b, c]);
    expect(index.size).toBe(1);
    expect(index.expire(T0 + 2000)).toEqual([]);
  });

  it('lists active decisions in insertion order, a replaced id keeping its place', () => {
    const a = decision({ value: '1.1.1.1' });
    const b = decision({ value: '2.2.2.2' });
    const index = indexOf(a, b);
    index.upsert({ ...a, type: 'captcha' });
    expect([...index.active(T0)].map((d) => [d.id, d.type])).toEqual([
      [a.id, 'captcha'],
      [b.id, 'ban'],
    ]);
  });
});

describe('longestPerValueAndType — stream semantics', () => {
  it('keeps the longest decision per scope, value and type (ties all kept), in input order', () => {
    const short = decision({ value: '1.2.3.4', until: T0 + 1000 });
    const long = decision({ value: '1.2.3.4', until: T0 + 5000 });
    const captcha = decision({ value: '1.2.3.4', until: T0 + 10, type: 'captcha' });
    const tieA = decision({ scope: 'AS', value: '7', until: T0 + 5 });
    const tieB = decision({ scope: 'AS', value: '7', until: T0 + 5 });
    expect(longestPerValueAndType([short, long, captcha, tieA, tieB])).toEqual([long, captcha, tieA, tieB]);
    const index = indexOf(short, long, captcha);
    expect(index.isLongest(short)).toBe(false);
    expect(index.isLongest(long)).toBe(true);
    expect(index.isLongest(captcha)).toBe(true);
  });
});
