import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { compileExpr, crowdsecHelpers, type CompiledExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { loadScenarioFile, parseScenarioText, type RuntimeScenario, type ScenarioBuildDeps } from './index.js';

const FILE = 'scenarios/test.yaml';
const helpers = crowdsecHelpers({});
const compile = (src: string): CompiledExpr => compileExpr(src, { variables: ['evt'], functions: helpers, regex: compileRegex });

function deps(simulated: readonly string[] = []): ScenarioBuildDeps & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    compileExpr: compile,
    isSimulated: (name) => {
      asked.push(name);
      return simulated.includes(name);
    },
    warn: () => {},
  };
}

const parse = (text: string, d = deps()): RuntimeScenario[] => parseScenarioText(text, FILE, d);

/** The error loading `text` raises (fails the test when it loads). */
function loadError(text: string): HerdError {
  try {
    parse(text);
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
      reason: "scenario test/ssh-bf: unknown bucket type 'leakyy': expected leaky, trigger or counter",
    },
    {
      what: 'a missing bucket type',
      text: LEAKY.replace('type: leaky\n', ''),
      at: null,
      code: 'HERD_SCENARIO_INVALID',
      reason: "scenario test/ssh-bf: unknown bucket type '': expected leaky, trigger or counter",
    },
    {
      what: 'a conditional bucket (not supported yet)',
      text: LEAKY.replace('type: leaky', 'type: conditional'),
      at: 'type:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/ssh-bf: 'conditional' buckets are not supported yet by herd/,
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
    {
      what: 'cancel_on (not supported yet)',
      text: LEAKY.replace('labels:', "cancel_on: evt.Meta.log_type == 'ssh_success-auth'\nlabels:"),
      at: 'cancel_on:',
      code: 'HERD_SCENARIO_INVALID',
      reason: /^scenario test\/ssh-bf: 'cancel_on' is not supported yet by herd/,
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
