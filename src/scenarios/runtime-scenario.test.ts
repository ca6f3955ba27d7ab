import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { compileExpr, crowdsecHelpers, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { loadScenarioFile, parseScenarioText, type RuntimeScenario, type ScenarioBuildDeps, type ScenarioDataEntry } from './index.js';

const FILE = 'scenarios/test.yaml';
const helpers = crowdsecHelpers({});
const compile = (src: string, variables: readonly string[] = ['evt']): CompiledExpr => compileExpr(src, { variables, functions: helpers, regex: compileRegex });

type TestDeps = ScenarioBuildDeps & { asked: string[]; warnings: string[]; data: { entry: ScenarioDataEntry; where: string }[] };

function deps(simulated: readonly string[] = [], withData = true): TestDeps {
  const asked: string[] = [];
  const warnings: string[] = [];
  const data: { entry: ScenarioDataEntry; where: string }[] = [];
  return {
    asked,
    warnings,
    data,
    compileExpr: compile,
    isSimulated: (name) => {
      asked.push(name);
      return simulated.includes(name);
    },
    warn: (message, where) => warnings.push(`${where}: ${message}`),
    loadData: withData ? (entry, where) => data.push({ entry, where }) : undefined,
  };
}

const parse = (text: string, d = deps()): RuntimeScenario[] => parseScenarioText(text, FILE, d);

/** The error loading `text` raises (fails the test when it loads). */
function loadError(text: string, d = deps()): HerdError {
  try {
    parse(text, d);
  } catch (err) {
    expect(err).toBeInstanceOf(HerdError);
    return err as HerdError;
  }
  throw new Error('expected the scenario to be refused');
}

/** 1-based line of the first line of `text` that starts with `prefix` (after indentation). */
function lineOf(text: string, prefix: string): number {
  const i = text.split('\n').findIndex((l) => l.trimStart().startsWith(prefix));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

const LEAKY = `type: leaky
name: test/ssh-bf
description: ssh brute force
filter: evt.Meta.log_type == 'ssh_failed-auth'
groupby: evt.Meta.source_ip
distinct: evt.Meta.target_user
capacity: 5
leakspeed: 10s
blackhole: 2m
cache_size: 3
reprocess: true
version: '1.2'
labels:
  service: ssh
  remediation: true
`;

const CONDITIONAL = `type: conditional
name: test/time-bf
description: slow brute force
filter: "evt.Meta.service == 'ssh' && evt.Meta.log_type in ['ssh_failed-auth', 'auth_success']"
groupby: evt.Meta.source_ip
capacity: -1
cancel_on: "evt.Meta.log_type == 'auth_success'"
condition: |
  let failed = filter(queue.Queue, {#.Meta.log_type == 'ssh_failed-auth'});
  len(failed) >= 4 &&
  MedianInterval(map(failed[-4:], {#.Time})) > duration("10m")
leakspeed: 2h
blackhole: 5m
reprocess: true
labels:
  remediation: false
`;

const BAYESIAN = `type: bayesian
name: test/bayes
description: admin probing
filter: evt.Meta.log_type == 'http_access-log'
groupby: evt.Meta.source_ip
capacity: -1
leakspeed: 30s
bayesian_prior: 0.03
bayesian_threshold: 0.5
bayesian_conditions:
  - condition: evt.Meta.http_status == '404'
    prob_given_evil: 0.8
    prob_given_benign: 0.3
  - condition: any(queue.Queue, {#.Meta.http_path == '/admin'})
    prob_given_evil: 0.9
    prob_given_benign: 0.2
    guillotine: true
labels:
  remediation: true
`;

describe('parseScenarioText — a valid scenario', () => {
  it('compiles a leaky scenario with durations in milliseconds and its lifetime of (capacity+1) × leakspeed', () => {
    const [s] = parse(LEAKY);
    expect(s).toMatchObject({
      name: 'test/ssh-bf',
      description: 'ssh brute force',
      type: 'leaky',
      file: FILE,
      hash: createHash('sha256').update(LEAKY).digest('hex'),
      version: '1.2',
      capacity: 5,
      leakMs: 10_000,
      leakspeed: '10s',
      lifetimeMs: 60_000,
      durationMs: 0,
      blackholeMs: 120_000,
      cacheSize: 3,
      scope: 'Ip',
      scopeExpr: null,
      labels: { service: 'ssh', remediation: true },
      remediation: true,
      reprocess: true,
      simulated: false,
    });
    expect(s!.filter.source).toBe("evt.Meta.log_type == 'ssh_failed-auth'");
    expect(s!.groupby?.source).toBe('evt.Meta.source_ip');
    expect(s!.distinct?.source).toBe('evt.Meta.target_user');
  });

  it('writes the leakspeed as Go prints a duration', () => {
    expect(parse(LEAKY.replace('leakspeed: 10s', 'leakspeed: 1m'))[0]).toMatchObject({ leakMs: 60_000, leakspeed: '1m0s', lifetimeMs: 360_000 });
    expect(parse(LEAKY.replace('leakspeed: 10s', 'leakspeed: 500ms'))[0]).toMatchObject({ leakMs: 500, leakspeed: '500ms', lifetimeMs: 3_000 });
  });

  it('leaves groupby and distinct empty when absent, and defaults version and labels', () => {
    const text = `type: trigger
name: test/probe
description: probe
filter: "true"
`;
    const [s] = parse(text);
    expect(s).toMatchObject({ type: 'trigger', capacity: 0, groupby: null, distinct: null, version: '', labels: {}, remediation: false, lifetimeMs: 0, leakspeed: '0s' });
  });

  it('gives a counter the lifetime of its duration', () => {
    const text = `type: counter
name: test/count
description: count
filter: "true"
capacity: -1
duration: 5m
`;
    expect(parse(text)[0]).toMatchObject({ type: 'counter', capacity: -1, durationMs: 300_000, lifetimeMs: 300_000 });
  });

  it('reads every document of a file, each with the hash of the whole file', () => {
    const text = `${LEAKY}---
${LEAKY.replace('name: test/ssh-bf', 'name: test/ssh-bf-slow').replace('leakspeed: 10s', 'leakspeed: 1m')}`;
    const list = parse(text);
    expect(list.map((s) => s.name)).toEqual(['test/ssh-bf', 'test/ssh-bf-slow']);
    const hash = createHash('sha256').update(text).digest('hex');
    expect(list.map((s) => s.hash)).toEqual([hash, hash]);
  });

  it('accepts a file that ends with an empty document (a trailing ---)', () => {
    expect(parse(`${LEAKY}---\n`).map((s) => s.name)).toEqual(['test/ssh-bf']);
  });

  it('asks the simulation configuration about each scenario by name', () => {
    const d = deps(['test/ssh-bf']);
    expect(parse(LEAKY, d)[0]!.simulated).toBe(true);
    expect(d.asked).toEqual(['test/ssh-bf']);
    expect(parse(LEAKY.replace('version:', 'simulated: true\nversion:'))[0]!.simulated).toBe(true);
  });

  it('compiles a scope expression for Range and custom scopes', () => {
    const range = parse(LEAKY.replace('labels:', "scope:\n  type: Range\n  expression: IpToRange(evt.Meta.source_ip, '/24')\nlabels:"))[0]!;
    expect(range.scope).toBe('Range');
    expect(range.scopeExpr?.source).toBe("IpToRange(evt.Meta.source_ip, '/24')");
    const user = parse(LEAKY.replace('labels:', 'scope:\n  type: username\n  expression: evt.Meta.target_user\nlabels:'))[0]!;
    expect(user.scope).toBe('username');
    expect(parse(LEAKY.replace('labels:', 'scope:\n  type: Range\nlabels:'))[0]!.scopeExpr).toBeNull();
  });
});

describe('parseScenarioText — conditional and bayesian buckets, cancel_on, overflow_filter, data', () => {
  it("compiles a conditional scenario whose lifetime is its leakspeed, with cancel_on and reprocess", () => {
    const [s] = parse(CONDITIONAL);
    expect(s).toMatchObject({ type: 'conditional', capacity: -1, leakMs: 7_200_000, lifetimeMs: 7_200_000, blackholeMs: 300_000, reprocess: true, keepEvents: true });
    expect(s!.condition?.source).toContain('MedianInterval');
    expect(s!.cancelOn?.source).toBe("evt.Meta.log_type == 'auth_success'");
    expect(s!.bayesian).toBeNull();
    expect(s!.overflowFilter).toBeNull();
  });

  it('compiles conditions for the environment CrowdSec gives them: evt, queue and leaky', () => {
    const seen: (readonly string[] | undefined)[] = [];
    const d = deps();
    d.compileExpr = (src, variables) => {
      seen.push(variables);
      return compile(src, variables);
    };
    parse(CONDITIONAL.replace('len(failed) >= 4 &&', 'leaky.Total_count >= 4 && evt.Meta.x == "" &&'), d);
    expect(seen).toContainEqual(['evt', 'queue', 'leaky']);
    expect(seen.filter((v) => v !== undefined && v.length === 1 && v[0] === 'evt')).toHaveLength(3); // filter, groupby, cancel_on
  });

  it('warns, with the line, about a conditional bucket whose capacity is not -1, and loads it', () => {
    const d = deps();
    const text = CONDITIONAL.replace('capacity: -1', 'capacity: 5');
    expect(parse(text, d)[0]!.capacity).toBe(5);
    expect(d.warnings).toEqual([`${FILE}:${lineOf(text, 'capacity:')}: scenario test/time-bf: a capacity other than -1 for a conditional bucket may lead to unexpected overflows`]);
  });

  it('reads bayesian parameters as float32, as CrowdSec does, and keeps the guillotine flags', () => {
    const [s] = parse(BAYESIAN);
    expect(s).toMatchObject({ type: 'bayesian', lifetimeMs: 30_000, keepEvents: true });
    const b = s!.bayesian!;
    expect(b.prior).toBe(Math.fround(0.03));
    expect(b.prior).not.toBe(0.03);
    expect(b.threshold).toBe(0.5);
    expect(b.conditions.map((c) => [c.expr.source, c.probGivenEvil, c.probGivenBenign, c.guillotine])).toEqual([
      ["evt.Meta.http_status == '404'", Math.fround(0.8), Math.fround(0.3), false],
      ["any(queue.Queue, {#.Meta.http_path == '/admin'})", Math.fround(0.9), Math.fround(0.2), true],
    ]);
  });

  it('compiles overflow_filter for queue, signal and leaky', () => {
    const [s] = parse(LEAKY.replace('labels:', 'overflow_filter: len(queue.Queue) > 2 && signal.Alert != nil && leaky.Total_count > 0\nlabels:'));
    expect(s!.overflowFilter?.source).toContain('signal.Alert');
    expect(s!.keepEvents).toBe(true);
  });

  it('hands each data entry to the data loader with its file:line, and warns about one without dest_file', () => {
    const text = LEAKY.replace(
      'labels:',
      [
        'data:',
        '  - source_url: https://hub-data.crowdsec.net/web/bad_user_agents.regex.txt',
        '    dest_file: bad_user_agents.regex.txt',
        '    type: regexp',
        '    strategy: LRU',
        '    size: 40',
        '    ttl: 10s',
        '  - source_url: https://example.com/nowhere.txt',
        '  - dest_file: local.txt',
        'labels:',
      ].join('\n'),
    );
    const d = deps();
    parse(text, d);
    expect(d.data).toEqual([
      {
        entry: { source_url: 'https://hub-data.crowdsec.net/web/bad_user_agents.regex.txt', dest_file: 'bad_user_agents.regex.txt', type: 'regexp', strategy: 'LRU', size: 40, ttl: '10s' },
        where: `${FILE}:${lineOf(text, '- source_url: https://hub-data')}`,
      },
      { entry: { dest_file: 'local.txt' }, where: `${FILE}:${lineOf(text, '- dest_file: local.txt')}` },
    ]);
    expect(d.warnings).toEqual([`${FILE}:${lineOf(text, '- source_url: https://example.com')}: scenario test/ssh-bf: data entry 2 has no dest_file; it is ignored`]);
  });

  it('refuses data entries when no data loader was given, naming the file', () => {
    const text = LEAKY.replace('labels:', 'data:\n  - dest_file: backdoors.txt\n    type: string\nlabels:');
    const err = loadError(text, deps([], false));
    expect(err.code).toBe('HERD_SCENARIO_INVALID');
    expect(err.message).toBe(`${FILE}:${lineOf(text, '- dest_file:')}: scenario test/ssh-bf: 'data' needs a data loader to read 'backdoors.txt', and none was given to this scenario loader`);
  });

  it("reports a data loader's failure at the entry's line", () => {
    const text = LEAKY.replace('labels:', 'data:\n  - dest_file: backdoors.txt\nlabels:');
    const d = deps();
    d.loadData = () => {
      throw new Error('ENOENT: no such file');
    };
    const err = loadError(text, d);
    expect(err.message).toBe(`${FILE}:${lineOf(text, '- dest_file:')}: scenario test/ssh-bf: cannot load data file 'backdoors.txt': ENOENT: no such file`);
  });

  it("accepts every key of CrowdSec's BucketSpec (strict decoding knows them all)", () => {
    const text = `format: 2.0
author: someone
description: every key
references:
  - https://example.com
type: leaky
name: test/all-keys
capacity: 3
leakspeed: 10s
duration: 1m
filter: "true"
groupby: evt.Meta.source_ip
distinct: evt.Meta.http_path
debug: false
labels:
  remediation: true
blackhole: 1m
reprocess: false
cache_size: 2
profiling: false
overflow_filter: "true"
condition: "false"
bayesian_prior: 0.5
bayesian_threshold: 0.9
bayesian_conditions:
  - condition: "true"
    prob_given_evil: 0.5
    prob_given_benign: 0.5
    guillotine: false
scope:
  type: Range
  expression: evt.Meta.source_ip
data:
  - source_url: https://example.com/x.txt
    dest_file: x.txt
    type: string
    cache: true
    strategy: LRU
    size: 10
    ttl: 1m
cancel_on: "false"
version: "1.0"
simulated: false
`;
    const [s] = parse(text);
    expect(s!.name).toBe('test/all-keys');
    // CrowdSec adds the bayesian processor to any type once bayesian_threshold is set.
    expect(s!.bayesian?.conditions).toHaveLength(1);
  });
});

describe('parseScenarioText — refused at load time, with file:line and the reason', () => {
  const cases: { what: string; text: string; at: string | null; code: string; reason: string | RegExp }[] = [
    {
      what: 'an unknown key',
      text: LEAKY.replace('leakspeed: 10s', 'leak_speed: 10s'),
      at: 'leak_speed:',
      code: 'HERD_CONFIG_INVALID',
      reason: "scenario: leak_speed: unknown key 'leak_speed'",
    },
    {
      what: 'an unknown key under scope',
      text: LEAKY.replace('labels:', 'scope:\n  type: Range\n  filter: x\nlabels:'),
      at: 'filter: x',
      code: 'HERD_CONFIG_INVALID',
      reason: "scenario: scope.filter: unknown key 'filter'",
    },
    {
      what: 'a capacity that is not an integer',
      text: LEAKY.replace('capacity: 5', 'capacity: five'),
      at: 'capacity:',
      code: 'HERD_CONFIG_INVALID',
      reason: /^scenario: capacity: /,
    },
    {
      what: 'a leaky bucket without capacity',
      text: LEAKY.replace('capacity: 5\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: bad capacity for leaky '0': must be a positive integer",
    },
    {
      what: 'a leaky bucket with a negative capacity',
      text: LEAKY.replace('capacity: 5', 'capacity: -1'),
      at: 'capacity:',
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: bad capacity for leaky '-1': must be a positive integer",
    },
    {
      what: 'a leaky bucket without leakspeed',
      text: LEAKY.replace('leakspeed: 10s\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: leakspeed can't be empty for leaky",
    },
    {
      what: 'a leaky bucket with a zero leakspeed',
      text: LEAKY.replace('leakspeed: 10s', 'leakspeed: 0s'),
      at: 'leakspeed:',
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: bad leakspeed for leaky '0s'",
    },
    {
      what: 'a leakspeed that is not a Go duration',
      text: LEAKY.replace('leakspeed: 10s', 'leakspeed: 10 seconds'),
      at: 'leakspeed:',
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: invalid leakspeed '10 seconds': expected a Go duration such as 10s, 1m30s or 4h",
    },
    {
      what: 'a blackhole that is not a Go duration',
      text: LEAKY.replace('blackhole: 2m', 'blackhole: 2 minutes'),
      at: 'blackhole:',
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: invalid blackhole '2 minutes': expected a Go duration such as 10s, 1m30s or 4h",
    },
    {
      what: 'a trigger with a capacity',
      text: LEAKY.replace('type: leaky', 'type: trigger'),
      at: 'capacity:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: trigger bucket must have 0 capacity',
    },
    {
      what: 'a counter without duration',
      text: LEAKY.replace('type: leaky', 'type: counter').replace('capacity: 5', 'capacity: -1'),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: duration can't be empty for counter",
    },
    {
      what: 'a counter with a duration that is not a Go duration',
      text: LEAKY.replace('type: leaky', 'type: counter').replace('capacity: 5', 'capacity: -1\nduration: 1 hour'),
      at: 'duration:',
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: invalid duration '1 hour': expected a Go duration such as 10s, 1m30s or 4h",
    },
    {
      what: 'a counter whose capacity is not -1',
      text: LEAKY.replace('type: leaky', 'type: counter').replace('capacity: 5', 'capacity: 5\nduration: 1h'),
      at: 'capacity:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: counter bucket must have -1 capacity',
    },
    {
      what: 'an unknown bucket type',
      text: LEAKY.replace('type: leaky', 'type: leakyy'),
      at: 'type:',
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: unknown bucket type 'leakyy': expected leaky, trigger, counter, conditional or bayesian",
    },
    {
      what: 'a missing bucket type',
      text: LEAKY.replace('type: leaky\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: unknown bucket type '': expected leaky, trigger, counter, conditional or bayesian",
    },
    {
      what: 'a conditional bucket without condition',
      text: LEAKY.replace('type: leaky', 'type: conditional'),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: conditional bucket must have a condition',
    },
    {
      what: 'a conditional bucket without leakspeed (its lifetime)',
      text: CONDITIONAL.replace('leakspeed: 2h\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/time-bf: leakspeed can't be empty for conditional bucket: it is the bucket's lifetime without events",
    },
    {
      what: 'a condition that does not compile, at its line',
      text: CONDITIONAL.replace('len(failed) >= 4 &&', 'len(failed) >= &&'),
      at: 'condition:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/time-bf: invalid condition 'let failed/,
    },
    {
      what: "a condition naming overflow_filter's `signal`, which its environment lacks",
      text: CONDITIONAL.replace('len(failed) >= 4 &&', 'signal != nil &&'),
      at: 'condition:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/time-bf: invalid condition .*signal/s,
    },
    {
      what: 'an overflow_filter reading `evt`, which its environment lacks (queue, signal, leaky)',
      text: LEAKY.replace('labels:', "overflow_filter: evt.Meta.x == 'y'\nlabels:"),
      at: 'overflow_filter:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/ssh-bf: invalid overflow_filter 'evt.Meta.x == 'y'': .*evt/,
    },
    {
      what: 'a cancel_on that does not compile',
      text: LEAKY.replace('labels:', 'cancel_on: evt.Meta.log_type ==\nlabels:'),
      at: 'cancel_on:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/ssh-bf: invalid cancel_on 'evt.Meta.log_type ==': /,
    },
    {
      what: 'a bayesian bucket without conditions',
      text: BAYESIAN.replace(/bayesian_conditions:[\s\S]*?labels:/, 'labels:'),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/bayes: bayesian bucket must have bayesian conditions',
    },
    {
      what: 'a bayesian prior of 0',
      text: BAYESIAN.replace('bayesian_prior: 0.03', 'bayesian_prior: 0'),
      at: 'bayesian_prior:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/bayes: bayesian bucket must have a prior above 0 and at most 1',
    },
    {
      what: 'a bayesian threshold above 1',
      text: BAYESIAN.replace('bayesian_threshold: 0.5', 'bayesian_threshold: 1.5'),
      at: 'bayesian_threshold:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/bayes: bayesian bucket must have a threshold above 0 and at most 1',
    },
    {
      what: 'a bayesian bucket whose capacity is not -1',
      text: BAYESIAN.replace('capacity: -1', 'capacity: 3'),
      at: 'capacity:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/bayes: bayesian bucket must have capacity -1',
    },
    {
      what: 'a bayesian bucket without leakspeed (CrowdSec would crash on its zero lifetime)',
      text: BAYESIAN.replace('leakspeed: 30s\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/bayes: leakspeed can't be empty for bayesian bucket: it is the bucket's lifetime without events",
    },
    {
      what: 'a bayesian probability outside [0, 1], at its line',
      text: BAYESIAN.replace('prob_given_benign: 0.2', 'prob_given_benign: 2'),
      at: 'prob_given_benign: 2',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/bayes: prob_given_benign of bayesian condition 2 must be between 0 and 1, not 2',
    },
    {
      what: 'a bayesian condition that does not compile, at its line',
      text: BAYESIAN.replace("any(queue.Queue, {#.Meta.http_path == '/admin'})", 'any(queue.Queue,'),
      at: '- condition: any(queue.Queue,',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/bayes: invalid bayesian condition 'any\(queue.Queue,': /,
    },
    {
      what: 'an unknown key in a bayesian condition',
      text: BAYESIAN.replace('guillotine: true', 'guilotine: true'),
      at: 'guilotine:',
      code: 'HERD_CONFIG_INVALID',
      reason: "scenario: bayesian_conditions[1].guilotine: unknown key 'guilotine'",
    },
    {
      what: 'an unknown key in a data entry',
      text: LEAKY.replace('labels:', 'data:\n  - source_url: https://example.com/a.txt\n    dest_file: a.txt\n    kind: string\nlabels:'),
      at: 'kind:',
      code: 'HERD_CONFIG_INVALID',
      reason: "scenario: data[0].kind: unknown key 'kind'",
    },
    {
      what: 'a missing filter',
      text: LEAKY.replace("filter: evt.Meta.log_type == 'ssh_failed-auth'\n", ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: missing filter directive',
    },
    {
      what: 'a missing description',
      text: LEAKY.replace('description: ssh brute force\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: description is mandatory',
    },
    {
      what: 'a missing name',
      text: LEAKY.replace('name: test/ssh-bf\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: 'a scenario must have a name',
    },
    {
      what: 'a filter that does not compile',
      text: LEAKY.replace("filter: evt.Meta.log_type == 'ssh_failed-auth'", 'filter: evt.Meta.log_type =='),
      at: 'filter:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/ssh-bf: invalid filter 'evt\.Meta\.log_type ==': /,
    },
    {
      what: 'a groupby naming an unknown variable',
      text: LEAKY.replace('groupby: evt.Meta.source_ip', 'groupby: event.Meta.source_ip'),
      at: 'groupby:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/ssh-bf: invalid groupby 'event\.Meta\.source_ip': /,
    },
    {
      what: 'an expression on the Ip scope',
      text: LEAKY.replace('labels:', 'scope:\n  type: Ip\n  expression: evt.Meta.source_ip\nlabels:'),
      at: 'scope:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: filter is not allowed for IP scope',
    },
    {
      what: 'a custom scope without expression',
      text: LEAKY.replace('labels:', 'scope:\n  type: username\nlabels:'),
      at: 'scope:',
      code: 'HERD_SCENARIO_INVALID',
      reason: 'scenario test/ssh-bf: an expression is mandatory for a scope other than Ip and Range',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.what}`, () => {
      const err = loadError(c.text);
      expect(err.code).toBe(c.code);
      // A missing key is reported at the start of its document.
      const line = c.at === null ? 1 : lineOf(c.text, c.at);
      expect(err.where).toBe(`${FILE}:${line}`);
      const prefix = `${FILE}:${line}: `;
      expect(err.message.startsWith(prefix)).toBe(true);
      const reason = err.message.slice(prefix.length);
      if (typeof c.reason === 'string') expect(reason).toBe(c.reason);
      else expect(reason).toMatch(c.reason);
    });
  }

  it('names the line in the document that is wrong, not the first one of the file', () => {
    const second = LEAKY.replace('name: test/ssh-bf', 'name: test/two').replace('type: leaky', 'type: trigger');
    const text = `${LEAKY}---\n${second}`;
    const err = loadError(text);
    // The second document starts after LEAKY and the separator; its capacity is the wrong key.
    const capacityLine = LEAKY.split('\n').length + lineOf(second, 'capacity:');
    expect(err.where).toBe(`${FILE}:${capacityLine}`);
    expect(err.message).toBe(`${FILE}:${capacityLine}: scenario test/two: trigger bucket must have 0 capacity`);
  });

  it('refuses a YAML syntax error with its line', () => {
    const text = 'type: leaky\nname: [broken\ndescription: x\n';
    const err = loadError(text);
    expect(err.code).toBe('HERD_YAML_SYNTAX');
    expect(err.where).toMatch(/^scenarios\/test\.yaml:\d+$/);
  });
});

describe('loadScenarioFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herd-scenarios-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a scenario file from disk, naming it as the scenario file', () => {
    const path = join(dir, 'ssh-bf.yaml');
    writeFileSync(path, LEAKY);
    const [s] = loadScenarioFile(path, deps());
    expect(s).toMatchObject({ name: 'test/ssh-bf', file: path, hash: createHash('sha256').update(LEAKY).digest('hex') });
  });

  it('reports a file it cannot read with its path', () => {
    const path = join(dir, 'missing.yaml');
    try {
      loadScenarioFile(path, deps());
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HerdError);
      expect((err as HerdError).code).toBe('HERD_SCENARIO_READ');
      expect((err as HerdError).where).toBe(path);
    }
  });

  it('names the file on disk in the errors of its content', () => {
    const path = join(dir, 'bad.yaml');
    const text = LEAKY.replace('type: leaky', 'type: trigger');
    writeFileSync(path, text);
    expect(() => loadScenarioFile(path, deps())).toThrow(`${path}:${lineOf(text, 'capacity:')}: scenario test/ssh-bf: trigger bucket must have 0 capacity`);
  });
});
