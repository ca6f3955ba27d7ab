import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { LIVE, newLogEvent, OVFLW, TIMEMACHINE, type Event } from '../parse/index.js';
import {
  AlertView,
  BucketEngine,
  overflowEvent,
  overflowView,
  parseScenarioText,
  RuntimeAlertView,
  SourceView,
  type Overflow,
  type RuntimeScenario,
} from './index.js';

// The Go-shaped view of an overflow, read by hubtest's scenario asserts (`results[i].Overflow…`),
// postoverflow parsers (`evt.Overflow…`) and overflow_filter (`signal…`), with real expressions.

const helpers = crowdsecHelpers({});
const compile = (src: string, variables: readonly string[] = ['evt']): CompiledExpr => compileExpr(src, { variables, functions: helpers, regex: compileRegex });
const scenario = (yaml: string): RuntimeScenario => parseScenarioText(yaml, 'scenarios/test.yaml', { compileExpr: compile, isSimulated: () => false, warn: () => {} })[0]!;

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const SEC = 1000;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const PROBING = `
type: leaky
name: crowdsecurity/http-probing
description: "Detect site scanning/probing from a single ip"
filter: "evt.Meta.service == 'http' && evt.Meta.http_status in ['404', '403', '400']"
groupby: "evt.Meta.source_ip"
distinct: "evt.Meta.http_path"
capacity: 1
leakspeed: "10s"
version: '0.4'
labels:
  remediation: true
`;

function request(ip: string, path: string, atMs: number, enriched: Record<string, string> = {}): Event {
  const evt = newLogEvent({ raw: 'GET', src: '/var/log/nginx/access.log', module: 'file', labels: { type: 'nginx' }, readAt: T0 }, TIMEMACHINE);
  Object.assign(evt.Meta, { service: 'http', http_status: '404', http_path: path, source_ip: ip, log_type: 'http_access-log' });
  Object.assign(evt.Enriched, enriched);
  evt.MarshaledTime = rfc3339(atMs);
  return evt;
}

/** A real overflow: two 404s on distinct paths from one IP overflow a capacity-1 bucket. */
function probe(ip = '1.2.3.4', enriched: Record<string, string> = {}): Overflow {
  const out: Overflow[] = [];
  const engine = new BucketEngine([scenario(PROBING)], { mode: TIMEMACHINE, clock: new ManualClock(0) });
  engine.pour(request(ip, '/x', T0, enriched), (o) => out.push(o));
  engine.pour(request(ip, '/y', T0 + 2 * SEC, enriched), (o) => out.push(o));
  expect(out).toHaveLength(1);
  return out[0]!;
}

/** Runs a hubtest scenario assert against `results`, as cscli hubtest does: each line must be true. */
function assertLine(line: string, results: Event[]): unknown {
  return compileExpr(line, { variables: ['results'], functions: helpers, regex: compileRegex }).run({ results });
}

describe('overflowView — what hubtest scenario asserts read', () => {
  it('answers the assert lines cscli hubtest generates, true for this overflow', () => {
    const results = [overflowEvent(probe())];
    const lines = [
      'len(results) == 1',
      '"1.2.3.4" in results[0].Overflow.GetSources()',
      'results[0].Overflow.Sources["1.2.3.4"].IP == "1.2.3.4"',
      'results[0].Overflow.Sources["1.2.3.4"].Range == ""',
      'results[0].Overflow.Sources["1.2.3.4"].GetScope() == "Ip"',
      'results[0].Overflow.Sources["1.2.3.4"].GetValue() == "1.2.3.4"',
      'results[0].Overflow.Alert.Events[0].GetMeta("http_path") == "/x"',
      'results[0].Overflow.Alert.Events[1].GetMeta("http_path") == "/y"',
      'results[0].Overflow.Alert.Events[0].GetMeta("nothing") == ""',
      'results[0].Overflow.Alert.Events[0].Timestamp == "2024-01-01T00:00:00Z"',
      'results[0].Overflow.Alert.GetScenario() == "crowdsecurity/http-probing"',
      'results[0].Overflow.Alert.Remediation == true',
      'results[0].Overflow.Alert.GetEventsCount() == 2',
      'results[0].Overflow.Alert.Source.IP == "1.2.3.4"',
      'results[0].Overflow.Alert.GetScope() == "Ip"',
      'results[0].Overflow.Alert.GetValue() == "1.2.3.4"',
      'results[0].Overflow.Alert.Scenario == "crowdsecurity/http-probing"',
      'results[0].Overflow.Alert.ScenarioVersion == "0.4"',
      'results[0].Overflow.Alert.EventsCount == 2',
      'results[0].Overflow.Alert.Capacity == 1',
      'results[0].Overflow.Alert.Leakspeed == "10s"',
      'results[0].Overflow.Alert.Simulated == false',
      'results[0].Overflow.Alert.StartAt == "2024-01-01T00:00:00Z"',
      'results[0].Overflow.Alert.StopAt == "2024-01-01T00:00:02Z"',
      `results[0].Overflow.Alert.Message == "Ip 1.2.3.4 performed 'crowdsecurity/http-probing' (2 events over 2s) at 2024-01-01 00:00:02 +0000 UTC"`,
      'len(results[0].Overflow.Alert.Events) == 2',
      'len(results[0].Overflow.APIAlerts) == 1',
      'results[0].Overflow.Whitelisted == false',
      'results[0].Overflow.Reprocess == false',
      'results[0].Overflow.Sources["9.9.9.9"] == nil',
      'results[0].Overflow.Alert.Events[0].Meta[0].Key == "http_path"',
      'results[0].Type == 1 && results[0].GetType() == "overflow"',
    ];
    for (const line of lines) expect([line, assertLine(line, results)]).toEqual([line, true]);
  });

  it('gives false, not an error, for a wrong expectation, and an error for a method Go does not have', () => {
    const results = [overflowEvent(probe())];
    expect(assertLine('results[0].Overflow.Alert.GetEventsCount() == 3', results)).toBe(false);
    expect(assertLine('"5.6.7.8" in results[0].Overflow.GetSources()', results)).toBe(false);
    expect(() => assertLine('results[0].Overflow.Alert.GetMessage() == ""', results)).toThrow(/has no method GetMessage/);
  });

  it('prints as Go types for type() and %T', () => {
    const results = [overflowEvent(probe())];
    expect(assertLine('type(results[0].Overflow.Alert)', results)).toBe('models.Alert');
    expect(assertLine('type(results[0].Overflow.Sources)', results)).toBe('map');
    expect(assertLine('results[0].Overflow.Alert.Source.String()', results)).toBe('ip 1.2.3.4');
  });
});

describe('overflowView — shape', () => {
  it('is a RuntimeAlert whose Alert is its first API alert, with the Mapkey CrowdSec gives the bucket', () => {
    const o = probe();
    const v = overflowView(o);
    expect(v).toBeInstanceOf(RuntimeAlertView);
    expect(v.Alert).toBeInstanceOf(AlertView);
    expect(v.Alert).toBe(v.APIAlerts[0]);
    expect(v.BucketId).toBe('');
    const filter = "evt.Meta.service == 'http' && evt.Meta.http_status in ['404', '403', '400']";
    expect(v.Mapkey).toBe(createHash('sha1').update(`${filter}\0${'1.2.3.4'}\0crowdsecurity/http-probing`).digest('hex'));
    expect(Object.getPrototypeOf(v.Sources)).toBeNull();
  });

  it('carries the enrichment of the source', () => {
    const v = overflowView(probe('1.2.3.4', { IsoCode: 'FR', ASNumber: '64500', ASNOrg: 'Example AS', Latitude: '48.85', Longitude: '2.35' }));
    const src = v.Sources['1.2.3.4']!;
    expect(src).toMatchObject({ IP: '1.2.3.4', Cn: 'FR', AsNumber: '64500', AsName: 'Example AS', Latitude: 48.85, Longitude: 2.35, Scope: 'Ip', Value: '1.2.3.4' });
    expect(src.GetAsNumberName()).toBe('64500 Example AS');
    expect(src.String()).toBe('ip 1.2.3.4 (FR/64500)');
  });

  it('has one API alert per source, sharing one list of events', () => {
    const s = scenario(PROBING.replace('groupby: "evt.Meta.source_ip"\n', '').replace('capacity: 1', 'capacity: 2'));
    const out: Overflow[] = [];
    const engine = new BucketEngine([s], { mode: TIMEMACHINE, clock: new ManualClock(0) });
    for (const [ip, path] of [
      ['1.2.3.4', '/a'],
      ['5.6.7.8', '/b'],
      ['1.2.3.4', '/c'],
    ] as const)
      engine.pour(request(ip, path, T0), (o) => out.push(o));
    const v = overflowView(out[0]!);
    expect(v.GetSources()).toEqual(['1.2.3.4', '5.6.7.8']);
    expect(v.APIAlerts.map((a) => a.Source.Value)).toEqual(['1.2.3.4', '5.6.7.8']);
    expect(v.APIAlerts[0]!.Events).toBe(v.APIAlerts[1]!.Events);
    expect(v.Alert!.Message).toContain('2 sources');
  });

  it('has no Alert (nil) and no sources for an overflow that found none', () => {
    const s = scenario(PROBING);
    const out: Overflow[] = [];
    const engine = new BucketEngine([s], { mode: TIMEMACHINE, clock: new ManualClock(0) });
    engine.pour(request('not-an-ip', '/a', T0), (o) => out.push(o));
    engine.pour(request('not-an-ip', '/b', T0), (o) => out.push(o));
    const v = overflowView(out[0]!);
    expect(v.Alert).toBeNull();
    expect(v.GetSources()).toEqual([]);
    expect(assertLine('results[0].Overflow.Alert == nil', [overflowEvent(out[0]!)])).toBe(true);
  });

  it('gives a fresh view each time: what postoverflows change stays in their view', () => {
    const o = probe();
    const v = overflowView(o);
    v.Alert!.Source.Value = '1.2.3.0/24';
    v.Alert!.Source.Scope = 'Range';
    v.Whitelisted = true;
    expect(overflowView(o)).toMatchObject({ Whitelisted: false, Alert: { Source: { Value: '1.2.3.4', Scope: 'Ip' } } });
    expect(o.alerts[0]!.source).toMatchObject({ scope: 'Ip', value: '1.2.3.4' });
  });

  it('reads a source the view does not have as nil in a Go map, and a SourceView built from an alert source', () => {
    const v = overflowView(probe());
    expect(v.Sources['9.9.9.9']).toBeUndefined();
    expect(SourceView.from({ scope: 'username', value: 'root' })).toMatchObject({ Scope: 'username', Value: 'root', IP: '', Range: '' });
    expect(SourceView.from({ scope: 'username', value: 'root' }).String()).toBe('username root');
  });
});

describe('overflowEvent — the event an overflow travels as', () => {
  it('is an OVFLW event timed by the overflow, with an empty line, empty maps and no stage', () => {
    const o = probe();
    const evt = overflowEvent(o);
    expect(evt.Type).toBe(OVFLW);
    expect(evt.GetType()).toBe('overflow');
    expect(evt.ExpectMode).toBe(LIVE);
    expect(evt.MarshaledTime).toBe('2024-01-01T00:00:02Z');
    expect(evt.Stage).toBe('');
    expect(evt.Line.Raw).toBe('');
    expect(evt.Line.Src).toBe('');
    expect(Object.keys(evt.Meta)).toEqual([]);
    expect(Object.keys(evt.Parsed)).toEqual([]);
    expect(evt.Overflow).toBeInstanceOf(RuntimeAlertView);
    // Time: the overflow time, or the `now` the caller gives (CrowdSec sets the wall clock).
    expect(evt.Time.MarshalText()).toBe('2024-01-01T00:00:02Z');
    expect(overflowEvent(o, T0 + 60 * SEC).Time.MarshalText()).toBe('2024-01-01T00:01:00Z');
  });

  it('answers the expressions of hub postoverflows', () => {
    const evt = overflowEvent(probe('2001:db8::1'));
    const env = { evt };
    expect(compile("evt.Overflow.Alert.GetScope() == 'Ip'").run(env)).toBe(true);
    expect(compile('evt.Overflow.Alert.Remediation == true && IsIPV6(evt.Overflow.Alert.Source.IP)').run(env)).toBe(true);
    expect(compile('IpToRange(evt.Overflow.Alert.Source.IP, "/64")').run(env)).toBe('2001:db8::/64');
    expect(compile("all(evt.Overflow.Alert.Events, {.GetMeta('http_status') == '404'})").run(env)).toBe(true);
    expect(compile("evt.GetType() == 'overflow' && evt.Overflow.Alert.Source.Range == ''").run(env)).toBe(true);
  });

  it('carries Reprocess from the scenario', () => {
    const s = scenario(PROBING.replace('version:', 'reprocess: true\nversion:'));
    const out: Overflow[] = [];
    const engine = new BucketEngine([s], { mode: TIMEMACHINE, clock: new ManualClock(0) });
    engine.pour(request('1.2.3.4', '/a', T0), (o) => out.push(o));
    engine.pour(request('1.2.3.4', '/b', T0), (o) => out.push(o));
    expect(out[0]!.reprocess).toBe(true);
    expect((overflowEvent(out[0]!).Overflow as RuntimeAlertView).Reprocess).toBe(true);
  });
});
