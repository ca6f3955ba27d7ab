import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.js';
import { runHubTests, type HubTestSummary } from '../index.js';
import { writeTestHub, type TestItem } from '../test-kit.js';

/**
 * `herd hubtest run` on a small hub written here: the parser dump counts failed attempts, stages
 * appear once entered, `results["success"][""]` is empty, overflows are ordered as cscli orders them,
 * a year-less date takes the year of the injected clock, a false assert names its line and the value
 * found, and AppSec tests are skipped with their reason.
 */

let hub: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(hub, path)), { recursive: true });
  writeFileSync(join(hub, path), text);
}

const RAW = `
name: test/raw
description: splits syslog-like lines
filter: "1 == 1"
onsuccess: next_stage
grok:
  pattern: '^%{SYSLOGTIMESTAMP:timestamp} %{WORD:program}: %{GREEDYDATA:message}$'
  apply_on: Line.Raw
statics:
  - target: evt.StrTime
    expression: evt.Parsed.timestamp
`;

const APP = `
name: test/login-failed
description: failed logins of the app
filter: "evt.Parsed.program == 'app'"
onsuccess: next_stage
grok:
  pattern: '^login failed for %{WORD:user} from %{IP:source_ip}$'
  apply_on: message
statics:
  - meta: log_type
    value: app_failed
  - meta: source_ip
    expression: evt.Parsed.source_ip
---
name: test/login-ok
description: successful logins of the app
filter: "evt.Parsed.program == 'app'"
onsuccess: next_stage
grok:
  pattern: '^login ok for %{WORD:user} from %{IP:source_ip}$'
  apply_on: message
statics:
  - meta: log_type
    value: app_ok
  - meta: source_ip
    expression: evt.Parsed.source_ip
`;

const DATES = `
name: test/dates
description: parses the date
filter: "evt.StrTime != ''"
statics:
  - method: ParseDate
    expression: evt.StrTime
  - meta: timestamp
    expression: evt.Enriched.MarshaledTime
`;

const scenario = (name: string, filter: string) => `
type: trigger
name: ${name}
description: one failed login is enough
filter: "${filter}"
groupby: evt.Meta.source_ip
labels:
  remediation: true
`;

const ITEMS: TestItem[] = [
  { type: 'parsers', name: 'test/raw', stage: 's00-raw', versions: [RAW] },
  { type: 'parsers', name: 'test/app', stage: 's01-parse', versions: [APP] },
  { type: 'parsers', name: 'test/dates', stage: 's02-enrich', versions: [DATES] },
  { type: 'scenarios', name: 'test/a-first', versions: [scenario('test/a-first', "evt.Meta.log_type == 'app_failed'")] },
  { type: 'scenarios', name: 'test/b-second', versions: [scenario('test/b-second', "evt.Meta.log_type startsWith 'app_'")] },
  {
    type: 'collections',
    name: 'test/all',
    versions: ['name: test/all\n'],
    deps: { parsers: ['test/raw', 'test/app', 'test/dates'], scenarios: ['test/a-first', 'test/b-second'] },
  },
];

const LOG = ['Jan 15 08:00:00 app: login failed for bob from 192.0.2.1', 'Jan 15 08:00:01 app: login ok for alice from 192.0.2.2', 'Jan 15 08:00:02 other: noise'].join('\n');

function addTest(name: string, config: string, parserAssert: string | null, scenarioAssert: string | null): void {
  write(`.tests/${name}/config.yaml`, config);
  write(`.tests/${name}/app.log`, LOG + '\n');
  if (parserAssert !== null) write(`.tests/${name}/parser.assert`, parserAssert);
  if (scenarioAssert !== null) write(`.tests/${name}/scenario.assert`, scenarioAssert);
}

const CONFIG = `parsers:
- test/raw
- test/app
- test/dates
scenarios:
- test/a-first
- test/b-second
postoverflows:
- ""
log_file: app.log
log_type: app
labels: {}
`;

let summary: HubTestSummary;

beforeAll(() => {
  hub = mkdtempSync(join(tmpdir(), 'herd-hubtest-'));
  writeTestHub(hub, ITEMS);
  write(
    'patterns/base',
    [
      'WORD \\b\\w+\\b',
      'GREEDYDATA .*',
      'MONTH \\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\b',
      'MONTHDAY (?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])',
      'TIME \\d\\d:\\d\\d:\\d\\d',
      'SYSLOGTIMESTAMP %{MONTH} +%{MONTHDAY} %{TIME}',
      'IPV4 (?:\\d{1,3}\\.){3}\\d{1,3}',
      'IP %{IPV4}',
    ].join('\n') + '\n',
  );

  addTest(
    'parser-dump',
    CONFIG.replace('ignore', 'x') + 'ignore_parsers: false\n',
    [
      'len(results) == 4',
      'len(results["success"][""]) == 0',
      // every run of a node is kept, failed attempts included
      'len(results["s01-parse"]["test/login-failed"]) == 3',
      'results["s01-parse"]["test/login-failed"][0].Success == true',
      'results["s01-parse"]["test/login-failed"][1].Success == false',
      'results["s01-parse"]["test/login-failed"][2].Success == false',
      'len(results["s01-parse"]["test/login-ok"]) == 2',
      'results["s01-parse"]["test/login-ok"][1].Success == false',
      'results["s01-parse"]["test/login-ok"][0].Evt.Meta["source_ip"] == "192.0.2.2"',
      // the third line reaches s01-parse, where no node takes it, so it never enters s02-enrich
      'len(results["s00-raw"]["test/raw"]) == 3',
      'len(results["s02-enrich"]["test/dates"]) == 2',
      'results["s01-parse"]["test/login-failed"][1].Evt.Parsed["user"] == ""',
      'results["s02-enrich"]["test/dates"][0].Evt.Meta["timestamp"] == "2026-01-15T08:00:00Z"',
      'basename(results["s00-raw"]["test/raw"][0].Evt.Line.Src) == "app.log"',
    ].join('\n') + '\n',
    [
      'len(results) == 3',
      // cscli's order: scenario name + sources, descending
      'results[0].Overflow.Alert.GetScenario() == "test/b-second"',
      'results[2].Overflow.Alert.GetScenario() == "test/a-first"',
      '"192.0.2.1" in results[2].Overflow.GetSources()',
      'results[2].Overflow.Alert.Events[0].GetMeta("timestamp") == "2026-01-15T08:00:00Z"',
      'results[2].Overflow.Alert.Remediation == true',
      'results[2].Overflow.Alert.GetEventsCount() == 1',
    ].join('\n') + '\n',
  );
  addTest(
    'by-collection',
    'collections:\n- test/all\nlog_file: app.log\nlog_type: app\nignore_parsers: true\n',
    null,
    'len(results) == 3\nresults[0].Overflow.Alert.GetScenario() == "test/b-second"\nresults[2].Overflow.Alert.GetScenario() == "test/a-first"\n',
  );
  addTest('false-assert', CONFIG + 'ignore_parsers: true\n', null, 'len(results) == 3\nresults[0].Overflow.Alert.GetScenario() == "test/nope"\n');
  addTest('broken-assert', CONFIG + 'ignore_parsers: true\n', null, 'results[7].Overflow.Alert.GetScenario() == "x"\n');
  addTest('waf', 'appsec-rules:\n- ./appsec-rules/x.yaml\nlog_file: app.log\nlog_type: appsec\n', null, null);

  summary = runHubTests({ hubDir: hub, patternsDir: join(hub, 'patterns'), names: [], clock: new ManualClock(Date.UTC(2026, 5, 1)) });
});

afterAll(() => rmSync(hub, { recursive: true, force: true }));

const byName = (n: string) => summary.tests.find((t) => t.name === n)!;

describe('herd hubtest run', () => {
  it('passes a test whose parser dump and overflows match every assert', () => {
    expect(byName('parser-dump'), JSON.stringify(byName('parser-dump'))).toMatchObject({ status: 'passed' });
  });

  it("runs the items a collection pulls, found through the hub index's dependencies", () => {
    expect(byName('by-collection')).toMatchObject({ status: 'passed' });
  });

  it('fails a test on a false assert, naming its line and the value found', () => {
    const t = byName('false-assert');
    expect(t.status).toBe('failed');
    expect(t.failures).toEqual([{ line: 2, expression: 'scenario.assert:2: results[0].Overflow.Alert.GetScenario() == "test/nope"', actual: 'test/b-second' }]);
  });

  it('fails a test whose assert cannot be evaluated, with the reason', () => {
    const t = byName('broken-assert');
    expect(t.status).toBe('failed');
    expect(t.reason).toMatch(/scenario.assert line 1: unable to run assert .*index out of range/);
  });

  it('skips AppSec tests with the reason', () => {
    expect(byName('waf')).toMatchObject({ status: 'skipped', reason: 'AppSec test: herd has no WAF runtime' });
  });

  it('counts every test once', () => {
    expect([summary.passed, summary.failed, summary.skipped]).toEqual([2, 2, 1]);
  });
});
