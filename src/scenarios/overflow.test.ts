import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, createStringMap, crowdsecHelpers, GoTime, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { LIVE, newLogEvent, TIMEMACHINE, type Event, type ExpectMode } from '../parse/index.js';
import { BucketEngine, parseScenarioText, type Overflow, type RuntimeScenario } from './index.js';
import { buildOverflow, type QueuedEvent } from './overflow.js';

// --- helpers --------------------------------------------------------------------------------------

const helpers = crowdsecHelpers({});
const compile = (src: string): CompiledExpr => compileExpr(src, { variables: ['evt'], functions: helpers, regex: compileRegex });

function scenario(yaml: string, simulated = false): RuntimeScenario {
  return parseScenarioText(yaml, 'scenarios/test.yaml', { compileExpr: compile, isSimulated: () => simulated, warn: () => {} })[0]!;
}

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const SEC = 1000;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function event(mode: ExpectMode, meta: Record<string, string>, atMs: number, enriched: Record<string, string> = {}): Event {
  const evt = newLogEvent({ raw: 'a log line', src: '/var/log/auth.log', module: 'file', labels: { type: 'syslog' }, readAt: atMs }, mode);
  for (const [k, v] of Object.entries(meta)) evt.Meta[k] = v;
  for (const [k, v] of Object.entries(enriched)) evt.Enriched[k] = v;
  if (mode === TIMEMACHINE) evt.MarshaledTime = rfc3339(atMs);
  return evt;
}

function replay(s: RuntimeScenario) {
  const overflows: Overflow[] = [];
  const engine = new BucketEngine([s], { mode: TIMEMACHINE, clock: new ManualClock(0) });
  const pour = (meta: Record<string, string>, atMs: number, enriched?: Record<string, string>) =>
    engine.pour(event(TIMEMACHINE, meta, atMs, enriched), (o) => overflows.push(o));
  return { engine, overflows, pour };
}

const LEAKY = `
type: leaky
name: crowdsecurity/ssh-bf
description: Detect ssh bruteforce
filter: evt.Meta.log_type == 'ssh_failed-auth'
groupby: evt.Meta.source_ip
capacity: 5
leakspeed: 10s
version: '0.3'
labels:
  service: ssh
  remediation: true
`;

const ssh = (ip: string, extra: Record<string, string> = {}) => ({ log_type: 'ssh_failed-auth', source_ip: ip, service: 'ssh', ...extra });

/** Six failed logins: one at T0, five at T0+5 s; the sixth overflows the bucket. */
function bruteForce(s: RuntimeScenario, ip = '1.2.3.4', enriched?: Record<string, string>): Overflow {
  const r = replay(s);
  r.pour(ssh(ip, { target_user: 'root' }), T0, enriched);
  for (let i = 0; i < 5; i++) r.pour(ssh(ip, { target_user: `user${i}` }), T0 + 5 * SEC, enriched);
  expect(r.overflows).toHaveLength(1);
  return r.overflows[0]!;
}

// --- the alert ------------------------------------------------------------------------------------

describe('overflow → alert', () => {
  it('writes the message as CrowdSec does: scope, source, scenario, count, span and last event time', () => {
    const o = bruteForce(scenario(LEAKY));
    expect(o.alerts).toHaveLength(1);
    expect(o.problem).toBeUndefined();
    expect(o.alerts[0]!.message).toBe("Ip 1.2.3.4 performed 'crowdsecurity/ssh-bf' (6 events over 5s) at 2024-01-01 00:00:05 +0000 UTC");
  });

  it('carries the scenario, its hash and version, capacity, leakspeed, counts and times', () => {
    const s = scenario(LEAKY);
    const a = bruteForce(s).alerts[0]!;
    expect(a).toMatchObject({
      machineId: '',
      scenario: 'crowdsecurity/ssh-bf',
      scenarioHash: createHash('sha256').update(LEAKY).digest('hex'),
      scenarioVersion: '0.3',
      eventsCount: 6,
      startAt: '2024-01-01T00:00:00Z',
      stopAt: '2024-01-01T00:00:05Z',
      capacity: 5,
      leakspeed: '10s',
      simulated: false,
      remediation: true,
      meta: [],
      labels: [],
    });
    expect(a.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives every alert a fresh uuid', () => {
    const s = scenario(LEAKY);
    expect(bruteForce(s).alerts[0]!.uuid).not.toBe(bruteForce(s).alerts[0]!.uuid);
  });

  it('lists the events with their timestamps and their meta sorted by key', () => {
    const a = bruteForce(scenario(LEAKY)).alerts[0]!;
    expect(a.events).toHaveLength(6);
    expect(a.events[0]).toEqual({
      timestamp: '2024-01-01T00:00:00Z',
      meta: [
        { key: 'log_type', value: 'ssh_failed-auth' },
        { key: 'service', value: 'ssh' },
        { key: 'source_ip', value: '1.2.3.4' },
        { key: 'target_user', value: 'root' },
      ],
    });
    expect(a.events.map((e) => e.timestamp)).toEqual([rfc3339(T0), ...Array(5).fill(rfc3339(T0 + 5 * SEC))]);
    for (const e of a.events) expect(e.meta.map((m) => m.key)).toEqual([...e.meta.map((m) => m.key)].sort());
  });

  it('takes the event time from the line when live and the event has no MarshaledTime', () => {
    const s = scenario(LEAKY.replace('type: leaky', 'type: trigger').replace('capacity: 5\nleakspeed: 10s\n', ''));
    const clock = new ManualClock(T0 + 1500);
    const out: Overflow[] = [];
    const engine = new BucketEngine([s], { mode: LIVE, clock });
    engine.pour(event(LIVE, ssh('1.2.3.4'), T0 + 1500), (o) => out.push(o));
    const a = out[0]!.alerts[0]!;
    expect(a.events[0]!.timestamp).toBe('2024-01-01T00:00:01.5Z');
    expect(a.startAt).toBe('2024-01-01T00:00:01.5Z');
    expect(a.message).toBe("Ip 1.2.3.4 performed 'crowdsecurity/ssh-bf' (1 events over 0s) at 2024-01-01 00:00:01.5 +0000 UTC");
  });

  it('asks for a remediation only when the label remediation is the boolean true', () => {
    expect(bruteForce(scenario(LEAKY)).alerts[0]!.remediation).toBe(true);
    expect(bruteForce(scenario(LEAKY.replace('remediation: true', 'remediation: false'))).alerts[0]!.remediation).toBe(false);
    expect(bruteForce(scenario(LEAKY.replace('remediation: true', "remediation: 'true'"))).alerts[0]!.remediation).toBe(false);
    expect(bruteForce(scenario(LEAKY.replace(/labels:[\s\S]*$/, ''))).alerts[0]!.remediation).toBe(false);
  });

  it('marks the alert simulated when the scenario runs in simulation mode', () => {
    expect(bruteForce(scenario(LEAKY, true)).alerts[0]!.simulated).toBe(true);
  });

  it('fills the source from Meta.source_ip and the enrichment', () => {
    const a = bruteForce(scenario(LEAKY), '1.2.3.4', {
      ASNumber: '13335',
      ASNOrg: 'CLOUDFLARENET',
      IsoCode: 'AU',
      Latitude: '-33.494',
      Longitude: '143.2104',
    }).alerts[0]!;
    expect(a.source).toEqual({
      scope: 'Ip',
      value: '1.2.3.4',
      ip: '1.2.3.4',
      asNumber: '13335',
      asName: 'CLOUDFLARENET',
      cn: 'AU',
      latitude: -33.494,
      longitude: 143.2104,
    });
  });

  it('reads the AS number from ASNNumber when ASNumber is absent', () => {
    expect(bruteForce(scenario(LEAKY), '1.2.3.4', { ASNNumber: '64500' }).alerts[0]!.source.asNumber).toBe('64500');
  });

  it('accepts IPv6 sources', () => {
    const a = bruteForce(scenario(LEAKY), '2001:db8::1').alerts[0]!;
    expect(a.source).toMatchObject({ scope: 'Ip', value: '2001:db8::1', ip: '2001:db8::1' });
    expect(a.message).toMatch(/^Ip 2001:db8::1 performed /);
  });

  it('makes one alert per source when a bucket holds several, with "N sources" in the message', () => {
    const s = scenario(LEAKY.replace('groupby: evt.Meta.source_ip', 'groupby: evt.Meta.service'));
    const r = replay(s);
    for (let i = 0; i < 3; i++) r.pour(ssh('1.2.3.4'), T0);
    for (let i = 0; i < 3; i++) r.pour(ssh('5.6.7.8'), T0);
    const o = r.overflows[0]!;
    expect(o.bucketKey).toBe('ssh');
    expect(o.alerts.map((a) => a.source.value).sort()).toEqual(['1.2.3.4', '5.6.7.8']);
    for (const a of o.alerts) {
      expect(a.message).toBe("Ip 2 sources performed 'crowdsecurity/ssh-bf' (6 events over 0s) at 2024-01-01 00:00:00 +0000 UTC");
      expect(a.events).toHaveLength(6);
    }
  });
});

describe('overflow → alert: scopes', () => {
  it('uses the declared SourceRange for scope Range, as a network', () => {
    const s = scenario(LEAKY.replace('labels:', 'scope:\n  type: Range\nlabels:'));
    const a = bruteForce(s, '1.2.3.4').alerts[0]!;
    expect(a.source).toEqual({ scope: 'Range', value: '', ip: '1.2.3.4' });
    const r = replay(s);
    for (let i = 0; i < 6; i++) r.pour(ssh('1.2.3.4', { SourceRange: '1.2.3.77/24' }), T0);
    const b = r.overflows[0]!.alerts[0]!;
    expect(b.source).toEqual({ scope: 'Range', value: '1.2.3.0/24', ip: '1.2.3.4', range: '1.2.3.0/24' });
    expect(b.message).toMatch(/^Range 1\.2\.3\.0\/24 performed 'crowdsecurity\/ssh-bf'/);
  });

  it('computes the Range value with the scope expression when there is one', () => {
    const s = scenario(LEAKY.replace('labels:', "scope:\n  type: Range\n  expression: IpToRange(evt.Meta.source_ip, '/16')\nlabels:"));
    const a = bruteForce(s, '1.2.3.4').alerts[0]!;
    expect(a.source).toMatchObject({ scope: 'Range', value: '1.2.0.0/16', ip: '1.2.3.4' });
    expect(a.message).toMatch(/^Range 1\.2\.0\.0\/16 performed /);
  });

  it('keeps the IP in the source but counts Range sources by their value', () => {
    const s = scenario(LEAKY.replace('groupby: evt.Meta.source_ip', 'groupby: evt.Meta.service').replace('labels:', "scope:\n  type: Range\n  expression: IpToRange(evt.Meta.source_ip, '/16')\nlabels:"));
    const r = replay(s);
    for (let i = 0; i < 3; i++) r.pour(ssh('1.2.3.4'), T0);
    for (let i = 0; i < 3; i++) r.pour(ssh('1.2.200.9'), T0);
    const o = r.overflows[0]!;
    expect(o.alerts).toHaveLength(1);
    expect(o.alerts[0]!.source.value).toBe('1.2.0.0/16');
  });

  it('uses the scope expression for other scopes', () => {
    const s = scenario(
      LEAKY.replace('groupby: evt.Meta.source_ip', 'groupby: evt.Meta.target_user').replace('labels:', 'scope:\n  type: username\n  expression: evt.Meta.target_user\nlabels:'),
    );
    const r = replay(s);
    for (let i = 0; i < 6; i++) r.pour(ssh(`10.0.0.${i}`, { target_user: 'admin' }), T0);
    const a = r.overflows[0]!.alerts[0]!;
    expect(a.source).toEqual({ scope: 'username', value: 'admin' });
    expect(a.message).toBe("username admin performed 'crowdsecurity/ssh-bf' (6 events over 0s) at 2024-01-01 00:00:00 +0000 UTC");
  });
});

describe('overflow → no alert', () => {
  it('gives no alert, and says why, when source_ip is not an IP', () => {
    const r = replay(scenario(LEAKY));
    for (let i = 0; i < 6; i++) r.pour(ssh('not-an-ip'), T0);
    const o = r.overflows[0]!;
    expect(o.alerts).toEqual([]);
    expect(o.problem).toBe("scope is Ip but 'not-an-ip' isn't a valid ip");
    expect(o.events).toHaveLength(6);
  });

  it('gives no alert when source_ip is missing', () => {
    const r = replay(scenario(LEAKY.replace('groupby: evt.Meta.source_ip\n', '')));
    for (let i = 0; i < 6; i++) r.pour({ log_type: 'ssh_failed-auth' }, T0);
    expect(r.overflows[0]!.alerts).toEqual([]);
    expect(r.overflows[0]!.problem).toBe("scope is Ip but Meta[source_ip] doesn't exist");
  });

  it('gives no alert when one event of the bucket has a bad source, even if the others are fine', () => {
    const s = scenario(LEAKY);
    const q = (ip: string): QueuedEvent => ({ timestamp: rfc3339(T0), meta: createStringMap({ source_ip: ip }), enriched: createStringMap(), evt: null });
    const t = GoTime.fromMillis(T0);
    const o = buildOverflow(s, { key: 'k', first: t, last: t, overflowAt: t, total: 2, queue: [q('1.2.3.4'), q('1.2.3')] }, T0, { evt: null });
    expect(o.alerts).toEqual([]);
    expect(o.problem).toBe("scope is Ip but '1.2.3' isn't a valid ip");
  });

  it('gives no alert when a declared SourceRange cannot be parsed', () => {
    const r = replay(scenario(LEAKY));
    for (let i = 0; i < 6; i++) r.pour(ssh('1.2.3.4', { SourceRange: '1.2.3.0/99' }), T0);
    expect(r.overflows[0]!.alerts).toEqual([]);
    expect(r.overflows[0]!.problem).toBe("declared range 1.2.3.0/99 of 1.2.3.4 can't be parsed");
  });
});
