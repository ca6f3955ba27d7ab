import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, GoTime, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { LIVE, newLogEvent, TIMEMACHINE, type Event } from '../parse/index.js';
import { BucketEngine, parseScenarioText, updateBayesian, type Overflow, type RuntimeScenario } from './index.js';

// Conditional and bayesian buckets, cancel_on and overflow_filter: CrowdSec's processors around the
// pour (pkg/leakybucket: conditional.go, bayesian.go, reset_filter.go, overflow_filter.go).

const helpers = crowdsecHelpers({});
const compile = (src: string, variables: readonly string[] = ['evt']): CompiledExpr => compileExpr(src, { variables, functions: helpers, regex: compileRegex });

function scenario(yaml: string): RuntimeScenario {
  const list = parseScenarioText(yaml, 'scenarios/test.yaml', { compileExpr: compile, isSimulated: () => false, warn: () => {} });
  expect(list).toHaveLength(1);
  return list[0]!;
}

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const SEC = 1000;
const MIN = 60 * SEC;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A parsed event as the date enricher leaves it in replay: MarshaledTime, and Time the log's time (CrowdSec's ParseDate). */
function event(meta: Record<string, string>, atMs: number): Event {
  const evt = newLogEvent({ raw: 'a log line', src: '/var/log/auth.log', module: 'file', labels: { type: 'syslog' }, readAt: T0 }, TIMEMACHINE);
  for (const [k, v] of Object.entries(meta)) evt.Meta[k] = v;
  evt.MarshaledTime = rfc3339(atMs);
  evt.Time = GoTime.fromMillis(atMs);
  return evt;
}

function replay(...scenarios: RuntimeScenario[]) {
  const overflows: Overflow[] = [];
  const errors: string[] = [];
  const engine = new BucketEngine(scenarios, { mode: TIMEMACHINE, clock: new ManualClock(0), onExprError: (s, what, detail) => errors.push(`${s} ${what}: ${detail}`) });
  const emit = (o: Overflow) => overflows.push(o);
  const pour = (meta: Record<string, string>, atMs: number) => engine.pour(event(meta, atMs), emit);
  const stats = (name = scenarios[0]!.name) => engine.stats().find((s) => s.name === name)!;
  return { engine, overflows, errors, emit, pour, stats };
}

const failed = (ip: string, user = 'root') => ({ service: 'ssh', log_type: 'ssh_failed-auth', source_ip: ip, target_user: user });
const success = (ip: string, user = 'root') => ({ service: 'ssh', log_type: 'auth_success', source_ip: ip, target_user: user });

/** crowdsecurity/ssh-time-based-bf, as the hub writes it. */
const TIME_BF = `
type: conditional
name: test/ssh-time-based-bf
description: "Detect time-based ssh bruteforce attempts that evade rate limiting"
filter: "evt.Meta.service == 'ssh' && evt.Meta.log_type in ['ssh_failed-auth', 'auth_success']"
groupby: evt.Meta.source_ip
capacity: -1
cancel_on: "evt.Meta.log_type == 'auth_success'"
condition: |
  let failedAuths = filter(queue.Queue, {#.Meta.log_type == 'ssh_failed-auth'});
  len(failedAuths) >= 4 &&
  MedianInterval(map(failedAuths[-4:], {#.Time})) > duration("10m")
leakspeed: 2h
blackhole: 5m
reprocess: true
labels:
  remediation: false
`;

// --- conditional buckets ---------------------------------------------------------------------------

describe('BucketEngine — conditional buckets', () => {
  it('overflows on the pour that makes the condition true: the 4th failure after gaps of 15 minutes', () => {
    const r = replay(scenario(TIME_BF));
    for (let i = 0; i < 3; i++) r.pour(failed('1.2.3.4'), T0 + i * 15 * MIN);
    expect(r.overflows).toHaveLength(0);
    r.pour(failed('1.2.3.4'), T0 + 45 * MIN);
    expect(r.overflows).toHaveLength(1);
    const o = r.overflows[0]!;
    expect(o.reprocess).toBe(true);
    expect(o.at).toBe(T0 + 45 * MIN);
    expect(o.alerts[0]).toMatchObject({ eventsCount: 4, startAt: '2024-01-01T00:00:00Z', stopAt: '2024-01-01T00:45:00Z', capacity: -1, leakspeed: '2h0m0s' });
    expect(o.alerts[0]!.message).toBe("Ip 1.2.3.4 performed 'test/ssh-time-based-bf' (4 events over 45m0s) at 2024-01-01 00:45:00 +0000 UTC");
    expect(o.events).toHaveLength(4);
    expect(r.stats()).toMatchObject({ overflows: 1, active: 0 });
  });

  it('does not overflow while the condition is false, however many events it holds (no capacity)', () => {
    const r = replay(scenario(TIME_BF));
    // A fast brute force: the median interval stays at one second.
    for (let i = 0; i < 2000; i++) r.pour(failed('1.2.3.4'), T0 + i * SEC);
    expect(r.overflows).toHaveLength(0);
    expect(r.stats()).toMatchObject({ poured: 2000, instantiated: 1, active: 1 });
  });

  it('lives for leakspeed without events: a failure more than 2h after the last one starts a new bucket', () => {
    const r = replay(scenario(TIME_BF));
    for (let i = 0; i < 3; i++) r.pour(failed('1.2.3.4'), T0 + i * 15 * MIN);
    const later = T0 + 30 * MIN + 2 * 60 * MIN + 1;
    r.pour(failed('1.2.3.4'), later);
    expect(r.overflows).toHaveLength(0);
    expect(r.stats()).toMatchObject({ underflows: 1, instantiated: 2 });
    // Exactly 2h after the last event, the bucket is still alive (CrowdSec: d.After(last + duration)).
    const r2 = replay(scenario(TIME_BF));
    for (let i = 0; i < 3; i++) r2.pour(failed('1.2.3.4'), T0 + i * 15 * MIN);
    r2.pour(failed('1.2.3.4'), T0 + 30 * MIN + 2 * 60 * MIN);
    expect(r2.overflows).toHaveLength(1);
  });

  it('drops idle conditional buckets on tick once leakspeed has passed', () => {
    const r = replay(scenario(TIME_BF));
    r.pour(failed('1.2.3.4'), T0);
    r.engine.tick(r.emit, T0 + 2 * 60 * MIN);
    expect(r.stats().active).toBe(1);
    r.engine.tick(r.emit, T0 + 2 * 60 * MIN + 1);
    expect(r.stats()).toMatchObject({ active: 0, underflows: 1 });
    expect(r.overflows).toHaveLength(0);
  });

  it('gives the condition the current event as evt and the bucket as leaky', () => {
    const s = scenario(
      TIME_BF.replace(/condition: \|[\s\S]*?leakspeed/, "condition: leaky.Total_count >= 3 && evt.Meta.target_user == 'admin' && leaky.First_ts.Before(leaky.Last_ts)\nleakspeed"),
    );
    const r = replay(s);
    r.pour(failed('1.2.3.4', 'a'), T0);
    r.pour(failed('1.2.3.4', 'b'), T0 + SEC);
    r.pour(failed('1.2.3.4', 'c'), T0 + 2 * SEC);
    expect(r.overflows).toHaveLength(0);
    r.pour(failed('1.2.3.4', 'admin'), T0 + 3 * SEC);
    expect(r.overflows).toHaveLength(1);
    expect(r.overflows[0]!.alerts[0]!.eventsCount).toBe(4);
  });

  it('reads whole events in queue.Queue: Meta, Enriched and indexes from the end', () => {
    const s = scenario(`
type: conditional
name: test/impossible-travel
description: "Detect Impossible Travel"
filter: "evt.Meta.log_type == 'auth_success'"
groupby: evt.Meta.user
capacity: -1
condition: |
  len(queue.Queue) >= 2
  and Distance(queue.Queue[-1].Enriched.Latitude, queue.Queue[-1].Enriched.Longitude,
  queue.Queue[-2].Enriched.Latitude, queue.Queue[-2].Enriched.Longitude) > 1000
leakspeed: 3h
labels:
  remediation: false
`);
    const r = replay(s);
    const login = (city: [string, string], at: number) => {
      const evt = event({ log_type: 'auth_success', user: 'alice', source_ip: '192.0.2.1' }, at);
      evt.Enriched.Latitude = city[0];
      evt.Enriched.Longitude = city[1];
      r.engine.pour(evt, r.emit);
    };
    const paris: [string, string] = ['48.8566', '2.3522'];
    const lyon: [string, string] = ['45.7640', '4.8357'];
    const tokyo: [string, string] = ['35.6762', '139.6503'];
    login(paris, T0);
    login(lyon, T0 + 60 * MIN);
    expect(r.overflows).toHaveLength(0);
    login(tokyo, T0 + 70 * MIN);
    expect(r.overflows).toHaveLength(1);
    expect(r.overflows[0]!.bucketKey).toBe('alice');
  });

  it('counts a condition that fails or returns no boolean as an expression error, and does not overflow', () => {
    const failing = scenario(TIME_BF.replace(/condition: \|[\s\S]*?leakspeed/, 'condition: queue.Queue[5].Meta.x == "y"\nleakspeed'));
    const r = replay(failing);
    r.pour(failed('1.2.3.4'), T0);
    expect(r.overflows).toHaveLength(0);
    expect(r.stats().errors).toBe(1);
    expect(r.errors[0]).toMatch(/^test\/ssh-time-based-bf condition: .*index out of range/);

    const notBool = scenario(TIME_BF.replace(/condition: \|[\s\S]*?leakspeed/, 'condition: len(queue.Queue)\nleakspeed'));
    const r2 = replay(notBool);
    r2.pour(failed('1.2.3.4'), T0);
    expect(r2.overflows).toHaveLength(0);
    expect(r2.errors).toEqual(['test/ssh-time-based-bf condition: returned number, not a bool']);
  });

  it('applies a condition to a leaky bucket too (CrowdSec adds the processor to any type): it may overflow before the capacity', () => {
    const s = scenario(`
type: leaky
name: test/leaky-cond
description: leaky with a condition
filter: "evt.Meta.log_type == 'ssh_failed-auth'"
groupby: evt.Meta.source_ip
capacity: 5
leakspeed: 10s
condition: evt.Meta.target_user == 'root'
labels:
  remediation: true
`);
    const r = replay(s);
    r.pour(failed('1.2.3.4', 'bob'), T0);
    r.pour(failed('1.2.3.4', 'root'), T0);
    expect(r.overflows).toHaveLength(1);
    expect(r.overflows[0]!.alerts[0]!.eventsCount).toBe(2);
  });

  it('keeps at most cache_size events of an unbounded conditional bucket, plus the newest (CrowdSec queue)', () => {
    const s = scenario(TIME_BF.replace('capacity: -1', 'capacity: -1\ncache_size: 3').replace(/condition: \|[\s\S]*?leakspeed/, 'condition: leaky.Total_count == 10\nleakspeed'));
    const r = replay(s);
    for (let i = 0; i < 10; i++) r.pour(failed('1.2.3.4', `u${i}`), T0 + i * SEC);
    expect(r.overflows).toHaveLength(1);
    const o = r.overflows[0]!;
    expect(o.alerts[0]!.eventsCount).toBe(10);
    expect(o.events.map((q) => q.meta.target_user)).toEqual(['u6', 'u7', 'u8', 'u9']);
  });
});

describe('BucketEngine — conditional buckets with cancel_on, against a reference model', () => {
  const N = 3;
  const LEAK = 60 * SEC;
  const s = scenario(`
type: conditional
name: test/model
description: N failures not interrupted by a success nor by a minute of silence
filter: "evt.Meta.service == 'ssh'"
groupby: evt.Meta.source_ip
capacity: -1
cancel_on: "evt.Meta.log_type == 'auth_success'"
condition: len(queue.Queue) >= ${N}
leakspeed: 1m
labels:
  remediation: true
`);

  /** What CrowdSec does for one source: count since the bucket was born; a cancel or a minute of silence kills it. */
  function reference(steps: { ok: boolean; at: number }[]): number[] {
    const out: number[] = [];
    let bucket: { count: number; last: number } | null = null;
    for (const { ok, at } of steps) {
      if (bucket !== null && at > bucket.last + LEAK) bucket = null;
      if (ok) {
        bucket = null;
        continue;
      }
      bucket ??= { count: 0, last: at };
      bucket.count++;
      bucket.last = at;
      if (bucket.count >= N) {
        out.push(at);
        bucket = null;
      }
    }
    return out;
  }

  it('property: overflows exactly when the model says, for any mix of failures, successes and silences', () => {
    const step = fc.record({ ok: fc.boolean(), gap: fc.constantFrom(0, SEC, 30 * SEC, LEAK, LEAK + 1, 5 * LEAK) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (raw) => {
        let at = T0;
        const steps = raw.map(({ ok, gap }) => ({ ok, at: (at += gap) }));
        const r = replay(s);
        for (const { ok, at: t } of steps) r.pour(ok ? success('1.2.3.4') : failed('1.2.3.4'), t);
        expect(r.overflows.map((o) => o.at)).toEqual(reference(steps));
      }),
      { numRuns: 300 },
    );
  });
});

// --- cancel_on --------------------------------------------------------------------------------------

describe('BucketEngine — cancel_on', () => {
  it('destroys the bucket without overflow when an event it takes arrives: the count starts again', () => {
    const r = replay(scenario(TIME_BF));
    for (let i = 0; i < 3; i++) r.pour(failed('1.2.3.4'), T0 + i * 15 * MIN);
    expect(r.pour(success('1.2.3.4'), T0 + 40 * MIN)).toBe(0);
    expect(r.stats()).toMatchObject({ canceled: 1, active: 0, poured: 3 });
    // Three more failures: without the cancel they would have made 6 and overflowed.
    for (let i = 0; i < 3; i++) r.pour(failed('1.2.3.4'), T0 + (50 + i * 15) * MIN);
    expect(r.overflows).toHaveLength(0);
    r.pour(failed('1.2.3.4'), T0 + 95 * MIN);
    expect(r.overflows).toHaveLength(1);
    expect(r.overflows[0]!.alerts[0]!.eventsCount).toBe(4);
  });

  it('cancels only the bucket of the event: another source keeps its bucket', () => {
    const r = replay(scenario(TIME_BF));
    r.pour(failed('1.2.3.4'), T0);
    r.pour(failed('5.6.7.8'), T0);
    r.pour(success('1.2.3.4'), T0 + SEC);
    expect(r.stats()).toMatchObject({ active: 1, canceled: 1 });
  });

  it('creates no bucket for a cancelling event that finds none', () => {
    const r = replay(scenario(TIME_BF));
    r.pour(success('1.2.3.4'), T0);
    expect(r.stats()).toMatchObject({ active: 0, instantiated: 0, canceled: 1, poured: 0 });
  });

  it('works on leaky buckets: a success between failures prevents the brute-force alert', () => {
    const s = scenario(`
type: leaky
name: test/ssh-bf
description: ssh brute force
filter: "evt.Meta.service == 'ssh'"
groupby: evt.Meta.source_ip
capacity: 3
leakspeed: 10s
cancel_on: "evt.Meta.log_type == 'auth_success'"
labels:
  remediation: true
`);
    const r = replay(s);
    for (let i = 0; i < 3; i++) r.pour(failed('1.2.3.4'), T0);
    r.pour(success('1.2.3.4'), T0);
    r.pour(failed('1.2.3.4'), T0);
    expect(r.overflows).toHaveLength(0);
  });

  it('does not apply to triggers, which overflow before cancel_on could run (CrowdSec processor order)', () => {
    const s = scenario(`
type: trigger
name: test/probe
description: probe
filter: "evt.Meta.service == 'ssh'"
groupby: evt.Meta.source_ip
cancel_on: "evt.Meta.log_type == 'auth_success'"
labels:
  remediation: true
`);
    const r = replay(s);
    r.pour(success('1.2.3.4'), T0);
    expect(r.overflows).toHaveLength(1);
    expect(r.stats().canceled).toBe(0);
  });

  it('runs after distinct: a repeated distinct value is discarded before cancel_on sees it', () => {
    const s = scenario(TIME_BF.replace('groupby: evt.Meta.source_ip', 'groupby: evt.Meta.source_ip\ndistinct: evt.Meta.target_user'));
    const r = replay(s);
    r.pour(failed('1.2.3.4', 'root'), T0);
    r.pour(success('1.2.3.4', 'root'), T0 + SEC);
    expect(r.stats()).toMatchObject({ canceled: 0, active: 1 });
    r.pour(success('1.2.3.4', 'bob'), T0 + 2 * SEC);
    expect(r.stats()).toMatchObject({ canceled: 1, active: 0 });
  });
});

// --- overflow_filter --------------------------------------------------------------------------------

const FILTERED = `
type: leaky
name: test/filtered
description: brute force unless the first attempt was for a known user
filter: "evt.Meta.log_type == 'ssh_failed-auth'"
groupby: evt.Meta.source_ip
capacity: 2
leakspeed: 10s
blackhole: 1m
overflow_filter: queue.Queue[0].Meta.target_user != 'known'
labels:
  remediation: true
`;

describe('BucketEngine — overflow_filter', () => {
  it('discards the overflow when it says false, and counts it', () => {
    const r = replay(scenario(FILTERED));
    for (const user of ['known', 'x', 'y']) r.pour(failed('1.2.3.4', user), T0);
    expect(r.overflows).toHaveLength(0);
    expect(r.stats()).toMatchObject({ filtered: 1, overflows: 0, active: 0 });
    for (const user of ['a', 'b', 'c']) r.pour(failed('5.6.7.8', user), T0);
    expect(r.overflows).toHaveLength(1);
  });

  it('runs before the blackhole: a discarded overflow does not start one', () => {
    const r = replay(scenario(FILTERED));
    for (const user of ['known', 'x', 'y']) r.pour(failed('1.2.3.4', user), T0);
    for (const user of ['a', 'b', 'c']) r.pour(failed('1.2.3.4', user), T0 + SEC);
    expect(r.overflows).toHaveLength(1);
    expect(r.stats()).toMatchObject({ filtered: 1, blackholed: 0 });
  });

  it('sees the alert as `signal` (a RuntimeAlert) and the bucket as `leaky`', () => {
    const s = scenario(
      FILTERED.replace(
        "overflow_filter: queue.Queue[0].Meta.target_user != 'known'",
        "overflow_filter: signal.Alert.GetScenario() == 'test/filtered' && '1.2.3.4' in signal.GetSources() && signal.Alert.Source.IP == '1.2.3.4' && leaky.Total_count == 3 && len(queue.Queue) == 3",
      ),
    );
    const r = replay(s);
    for (const user of ['a', 'b', 'c']) r.pour(failed('1.2.3.4', user), T0);
    expect(r.errors).toEqual([]);
    expect(r.overflows).toHaveLength(1);
    const r2 = replay(s);
    for (const user of ['a', 'b', 'c']) r2.pour(failed('5.6.7.8', user), T0);
    expect(r2.overflows).toHaveLength(0);
    expect(r2.stats().filtered).toBe(1);
  });

  it('lets the overflow through when the filter fails, counting the error (CrowdSec logs it and keeps the alert)', () => {
    const s = scenario(FILTERED.replace("queue.Queue[0].Meta.target_user != 'known'", 'queue.Queue[7].Meta.target_user == "x"'));
    const r = replay(s);
    for (const user of ['a', 'b', 'c']) r.pour(failed('1.2.3.4', user), T0);
    expect(r.overflows).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^test\/filtered overflow_filter: /);
  });
});

// --- bayesian buckets -------------------------------------------------------------------------------

const BAYES = `
type: bayesian
name: test/bayes
description: admin probing
filter: "evt.Meta.log_type == 'http_access-log'"
groupby: evt.Meta.source_ip
capacity: -1
leakspeed: 30s
bayesian_prior: 0.5
bayesian_threshold: 0.85
bayesian_conditions:
  - condition: evt.Meta.http_status == '404'
    prob_given_evil: 0.75
    prob_given_benign: 0.25
  - condition: evt.Meta.http_path == '/admin'
    prob_given_evil: 0.75
    prob_given_benign: 0.25
    guillotine: true
labels:
  remediation: true
`;

const http = (ip: string, path: string, status: string) => ({ log_type: 'http_access-log', source_ip: ip, http_path: path, http_status: status });

describe('BucketEngine — bayesian buckets', () => {
  it('overflows when the posterior after a pour exceeds the threshold', () => {
    const r = replay(scenario(BAYES));
    r.pour(http('1.2.3.4', '/', '200'), T0); // both conditions false: evidence against, 0.5 → 0.25 → 0.1
    expect(r.overflows).toHaveLength(0);
    r.pour(http('1.2.3.4', '/admin', '404'), T0 + SEC); // both true, from the prior again: 0.5 → 0.75 → 0.9
    expect(r.overflows).toHaveLength(1);
    expect(r.overflows[0]!.alerts[0]).toMatchObject({ eventsCount: 2, capacity: -1, leakspeed: '30s' });
  });

  it('does not overflow on a posterior equal to the threshold (float32 0.9 against 0.9)', () => {
    const r = replay(scenario(BAYES.replace('bayesian_threshold: 0.85', 'bayesian_threshold: 0.9')));
    expect(updateBayesian(updateBayesian(0.5, 0.75, 0.25), 0.75, 0.25)).toBe(Math.fround(0.9));
    r.pour(http('1.2.3.4', '/admin', '404'), T0);
    expect(r.overflows).toHaveLength(0);
  });

  it('counts a guillotine condition as true for the rest of the bucket once it was true', () => {
    const r = replay(scenario(BAYES));
    r.pour(http('1.2.3.4', '/admin', '200'), T0); // /admin: the guillotine falls (0.5 → 0.25 → 0.5)
    r.pour(http('1.2.3.4', '/', '404'), T0 + SEC); // 404, and /admin still counts: 0.9
    expect(r.overflows).toHaveLength(1);
  });

  it('re-evaluates conditions without guillotine on each pour, from the prior', () => {
    const s = scenario(BAYES.replace('    guillotine: true\n', ''));
    const r = replay(s);
    r.pour(http('1.2.3.4', '/admin', '200'), T0);
    for (let i = 1; i <= 20; i++) r.pour(http('1.2.3.4', '/', '404'), T0 + i * SEC); // 0.5 → 0.75 → 0.5 each time
    expect(r.overflows).toHaveLength(0);
  });

  it('accumulates evidence across pours through conditions over the queue', () => {
    const s = scenario(BAYES.replace("condition: evt.Meta.http_status == '404'", `condition: "count(queue.Queue, #.Meta.http_status == '404') >= 3"`));
    const r = replay(s);
    r.pour(http('1.2.3.4', '/admin', '404'), T0);
    r.pour(http('1.2.3.4', '/', '200'), T0 + SEC);
    r.pour(http('1.2.3.4', '/', '404'), T0 + 2 * SEC);
    expect(r.overflows).toHaveLength(0);
    r.pour(http('1.2.3.4', '/', '404'), T0 + 3 * SEC);
    expect(r.overflows).toHaveLength(1);
    expect(r.overflows[0]!.alerts[0]!.eventsCount).toBe(4);
  });

  it('keeps guillotines per bucket: another source starts from nothing', () => {
    const r = replay(scenario(BAYES));
    r.pour(http('1.2.3.4', '/admin', '200'), T0);
    r.pour(http('5.6.7.8', '/', '404'), T0);
    expect(r.overflows).toHaveLength(0);
    r.pour(http('1.2.3.4', '/', '404'), T0);
    expect(r.overflows.map((o) => o.bucketKey)).toEqual(['1.2.3.4']);
  });

  it('forgets its guillotines with the bucket after leakspeed without events', () => {
    const r = replay(scenario(BAYES));
    r.pour(http('1.2.3.4', '/admin', '200'), T0);
    r.pour(http('1.2.3.4', '/', '404'), T0 + 31 * SEC);
    expect(r.overflows).toHaveLength(0);
    expect(r.stats()).toMatchObject({ underflows: 1 });
  });

  it('counts a condition that returns no boolean as an error and leaves the posterior alone for it', () => {
    const s = scenario(BAYES.replace("condition: evt.Meta.http_status == '404'", 'condition: evt.Meta.http_status'));
    const r = replay(s);
    r.pour(http('1.2.3.4', '/admin', '404'), T0);
    expect(r.errors).toEqual(['test/bayes bayesian condition: returned string, not a bool']);
  });
});

describe('BucketEngine — live mode for the new bucket types', () => {
  it('times conditional buckets by the wall clock when live', () => {
    const clock = new ManualClock(T0);
    const overflows: Overflow[] = [];
    const engine = new BucketEngine([scenario(TIME_BF)], { mode: LIVE, clock });
    const pour = () => {
      const evt = newLogEvent({ raw: 'x', src: 'auth.log', module: 'file', labels: {}, readAt: clock.now() }, LIVE);
      Object.assign(evt.Meta, failed('1.2.3.4'));
      engine.pour(evt, (o) => overflows.push(o));
    };
    for (let i = 0; i < 4; i++) {
      pour();
      clock.advance(15 * MIN);
    }
    expect(overflows).toHaveLength(1);
    expect(overflows[0]!.at).toBe(T0 + 45 * MIN);
  });
});
