import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { newLogEvent, OVFLW, TIMEMACHINE, type Event } from '../parse/index.js';
import { BucketEngine, overflowEvent, parseScenarioText, type Overflow, type RuntimeScenario } from './index.js';

// Overflows poured back into the buckets (`reprocess: true`): CrowdSec re-injects the overflow
// event, and scenarios about overflows take it (pkg/leakybucket/overflows.go, overflowEventSources).

const helpers = crowdsecHelpers({});
const compile = (src: string, variables: readonly string[] = ['evt']): CompiledExpr => compileExpr(src, { variables, functions: helpers, regex: compileRegex });
const scenarios = (yaml: string): RuntimeScenario[] => parseScenarioText(yaml, 'scenarios/test.yaml', { compileExpr: compile, isSimulated: () => false, warn: () => {} });

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const SEC = 1000;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function event(meta: Record<string, string>, atMs: number, enriched: Record<string, string> = {}): Event {
  const evt = newLogEvent({ raw: 'a log line', src: '/var/log/auth.log', module: 'file', labels: { type: 'syslog' }, readAt: T0 }, TIMEMACHINE);
  Object.assign(evt.Meta, meta);
  Object.assign(evt.Enriched, enriched);
  evt.MarshaledTime = rfc3339(atMs);
  return evt;
}

const SSH_BF = `
type: leaky
name: test/ssh-bf
description: ssh brute force
filter: "evt.Meta.log_type == 'ssh_failed-auth'"
groupby: evt.Meta.source_ip
capacity: 2
leakspeed: 10s
reprocess: true
labels:
  remediation: true
`;

/** crowdsecurity/ban-defcon-drop_range, with the hub's expressions. */
const BAN_RANGE = `
type: leaky
name: test/ban-defcon-drop_range
description: "Ban a range if more than 5 ips from it are banned at a time"
filter: "evt.GetType() == 'overflow' && evt.Overflow.Alert.Remediation == true"
groupby: "evt.Overflow.Alert.Source.Range"
distinct: "evt.Overflow.Alert.Source.IP"
capacity: 5
leakspeed: "1m"
blackhole: 5m
labels:
 remediation: true
scope:
 type: Range
`;

/**
 * A pipeline like the agent's and hubtest's: log events in, and each overflow of a `reprocess`
 * scenario poured back in as its overflow event once the pour that made it is done.
 */
function pipeline(list: RuntimeScenario[]) {
  const overflows: Overflow[] = [];
  const again: Overflow[] = [];
  const engine = new BucketEngine(list, { mode: TIMEMACHINE, clock: new ManualClock(0) });
  const emit = (o: Overflow): void => {
    overflows.push(o);
    if (o.reprocess) again.push(o);
  };
  const pour = (evt: Event): void => {
    engine.pour(evt, emit);
    while (again.length > 0) engine.pour(overflowEvent(again.shift()!), emit);
  };
  const bruteForce = (ip: string, at: number, meta: Record<string, string> = {}, enriched: Record<string, string> = {}) => {
    for (let i = 0; i < 3; i++) pour(event({ log_type: 'ssh_failed-auth', source_ip: ip, ...meta }, at, enriched));
  };
  const of = (name: string) => overflows.filter((o) => o.scenario.name === name);
  return { engine, overflows, emit, bruteForce, of };
}

describe('BucketEngine — overflow events poured into buckets', () => {
  it('marks the overflows of a reprocess scenario, and only those', () => {
    const [bf] = scenarios(SSH_BF);
    const [plain] = scenarios(SSH_BF.replace('reprocess: true\n', '').replace('test/ssh-bf', 'test/plain'));
    const p = pipeline([bf!, plain!]);
    p.bruteForce('192.0.2.1', T0);
    expect(p.overflows.map((o) => [o.scenario.name, o.reprocess])).toEqual([
      ['test/ssh-bf', true],
      ['test/plain', false],
    ]);
  });

  it('takes the sources of overflow events: six IPs of a /24 banned make one Range alert (ban-defcon-drop_range)', () => {
    const p = pipeline([...scenarios(SSH_BF), ...scenarios(BAN_RANGE)]);
    for (let i = 1; i <= 6; i++) p.bruteForce(`192.0.2.${i}`, T0 + i * SEC, { SourceRange: '192.0.2.0/24' });
    const ranges = p.of('test/ban-defcon-drop_range');
    expect(p.of('test/ssh-bf')).toHaveLength(6);
    expect(ranges).toHaveLength(1);
    const o = ranges[0]!;
    expect(o.bucketKey).toBe('192.0.2.0/24');
    expect(o.alerts).toHaveLength(1);
    const a = o.alerts[0]!;
    // The Ip sources become their range, without their IP (CrowdSec builds a new models.Source).
    expect(a.source).toEqual({ scope: 'Range', value: '192.0.2.0/24', range: '192.0.2.0/24' });
    expect(a.eventsCount).toBe(6);
    // Timed by the overflow events: the first overflow (192.0.2.1's third failure) to the sixth.
    expect(a.startAt).toBe(rfc3339(T0 + SEC));
    expect(a.stopAt).toBe(rfc3339(T0 + 6 * SEC));
    expect(a.message).toBe("Range 192.0.2.0/24 performed 'test/ban-defcon-drop_range' (6 events over 5s) at 2024-01-01 00:00:06 +0000 UTC");
    // An overflow event has an empty Meta: its alert events carry only their timestamps.
    expect(a.events.map((e) => e.meta)).toEqual(Array(6).fill([]));
    expect(a.events.map((e) => e.timestamp)).toEqual([1, 2, 3, 4, 5, 6].map((i) => rfc3339(T0 + i * SEC)));
  });

  it('pours each overflow once per source IP into the Range bucket: distinct on the IP discards a repeat', () => {
    const p = pipeline([...scenarios(SSH_BF), ...scenarios(BAN_RANGE)]);
    for (let round = 0; round < 3; round++) p.bruteForce('192.0.2.1', T0 + round * 20 * SEC, { SourceRange: '192.0.2.0/24' });
    expect(p.of('test/ssh-bf')).toHaveLength(3);
    expect(p.engine.stats().find((s) => s.name === 'test/ban-defcon-drop_range')).toMatchObject({ poured: 1, active: 1 });
  });

  it('keeps a source of the bucket scope as it is: an Ip bucket of overflows alerts on the IP with its enrichment', () => {
    const follow = `
type: trigger
name: test/follow-up
description: an alert about an alert
filter: "evt.GetType() == 'overflow' && evt.Overflow.Alert.GetScenario() == 'test/ssh-bf'"
groupby: evt.Overflow.Alert.Source.IP
labels:
  remediation: false
`;
    const p = pipeline([...scenarios(SSH_BF), ...scenarios(follow)]);
    p.bruteForce('192.0.2.7', T0, {}, { IsoCode: 'FR', ASNumber: '64500', ASNOrg: 'Example AS' });
    const [o] = p.of('test/follow-up');
    expect(o!.alerts[0]!.source).toEqual({ scope: 'Ip', value: '192.0.2.7', ip: '192.0.2.7', cn: 'FR', asNumber: '64500', asName: 'Example AS' });
  });

  it('leaves out an Ip source without range in a Range bucket, and says why there is no alert', () => {
    const trigger = BAN_RANGE.replace('type: leaky', 'type: trigger').replace('capacity: 5\nleakspeed: "1m"\n', '').replace('groupby: "evt.Overflow.Alert.Source.Range"\n', '');
    const p = pipeline([...scenarios(SSH_BF), ...scenarios(trigger)]);
    p.bruteForce('192.0.2.1', T0);
    const [o] = p.of('test/ban-defcon-drop_range');
    expect(o!.alerts).toEqual([]);
    expect(o!.problem).toBe("no source of scope Range in the bucket's events");
  });

  it("computes a Range source with the scope expression over the overflow event", () => {
    const byExpr = BAN_RANGE.replace(' type: Range', " type: Range\n expression: IpToRange(evt.Overflow.Alert.Source.IP, '/16')").replace(
      'groupby: "evt.Overflow.Alert.Source.Range"',
      `groupby: "IpToRange(evt.Overflow.Alert.Source.IP, '/16')"`,
    );
    const p = pipeline([...scenarios(SSH_BF), ...scenarios(byExpr)]);
    for (let i = 1; i <= 6; i++) p.bruteForce(`198.51.${i}.9`, T0 + i * SEC);
    const [o] = p.of('test/ban-defcon-drop_range');
    expect(o!.alerts.map((a) => a.source.value)).toEqual(['198.51.0.0/16']);
  });

  it('finishes the event at hand when emit pours an overflow event from within the pour', () => {
    const [bf] = scenarios(SSH_BF);
    const [plain] = scenarios(SSH_BF.replace('reprocess: true\n', '').replace('test/ssh-bf', 'test/plain'));
    const engine = new BucketEngine([bf!, plain!, ...scenarios(BAN_RANGE)], { mode: TIMEMACHINE, clock: new ManualClock(0) });
    const out: Overflow[] = [];
    const emit = (o: Overflow): void => {
      out.push(o);
      if (o.reprocess) engine.pour(overflowEvent(o), emit);
    };
    for (let i = 0; i < 3; i++) engine.pour(event({ log_type: 'ssh_failed-auth', source_ip: '192.0.2.1', SourceRange: '192.0.2.0/24' }, T0), emit);
    expect(out.map((o) => o.scenario.name)).toEqual(['test/ssh-bf', 'test/plain']);
    expect(engine.stats().map((s) => [s.name, s.poured, s.errors])).toEqual([
      ['test/ssh-bf', 3, 0],
      ['test/plain', 3, 0],
      ['test/ban-defcon-drop_range', 1, 0],
    ]);
  });

  it('times overflow events by their MarshaledTime in replay, and refuses none of them', () => {
    const [bf] = scenarios(SSH_BF);
    const engine = new BucketEngine([bf!, ...scenarios(BAN_RANGE)], { mode: TIMEMACHINE, clock: new ManualClock(0) });
    const out: Overflow[] = [];
    for (let i = 0; i < 3; i++) engine.pour(event({ log_type: 'ssh_failed-auth', source_ip: '192.0.2.1', SourceRange: '192.0.2.0/24' }, T0 + 42 * SEC), (o) => out.push(o));
    const evt = overflowEvent(out[0]!);
    expect(evt.Type).toBe(OVFLW);
    expect(evt.MarshaledTime).toBe(rfc3339(T0 + 42 * SEC));
    expect(engine.pour(evt, (o) => out.push(o))).toBe(1);
    expect(engine.untimed).toBe(0);
    expect(engine.time).toBe(T0 + 42 * SEC);
  });
});
