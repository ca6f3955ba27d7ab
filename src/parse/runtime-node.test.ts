import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, Stash } from '../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, loadPatternDirectory } from '../grok/index.js';
import { IpMatcher } from '../ip/index.js';
import {
  createDateParseEnricher,
  newLogEvent,
  NodeRuntimeError,
  OVFLW,
  parseParserText,
  TIMEMACHINE,
  type Event,
  type NodeBuildDeps,
  type NodeCounters,
  type NodeIssues,
  type RuntimeNode,
} from './index.js';

/**
 * One parser node at a time, with CrowdSec's semantics (pkg/parser/node.go process): filter →
 * whitelist → grok (+ its statics) → stash → children → statics → onsuccess. Nodes are written in
 * YAML and built with the real expression language, grok library, enrichers and stash.
 */

const PATTERNS = fileURLToPath(new URL('../../content/patterns', import.meta.url));
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const STAGES = ['s00-raw', 's01-parse', 's02-enrich'];

interface Issue {
  kind: string;
  where: string;
  detail: string;
}

function setup() {
  const clock = new ManualClock(NOW);
  const library = loadPatternDirectory(PATTERNS);
  const stash = new Stash({ clock });
  const functions = crowdsecHelpers({ clock, stash });
  const warnings: string[] = [];
  const counters = new Map<string, NodeCounters>();
  const deps: NodeBuildDeps = {
    compileExpr: (src) => compileExpr(src, { variables: ['evt'], functions, regex: compileRegex }),
    addGrokPattern: (name, regex) => library.add(name, regex, 'pattern_syntax'),
    compileGrok: (pattern) => compileGrok(library, pattern),
    compileNamedGrok: (name) => compileNamedGrok(library, name),
    ipMatcher: (entries) => IpMatcher.parse(entries),
    enrichers: new Map([['ParseDate', createDateParseEnricher(clock)]]),
    counters: (name) => {
      let c = counters.get(name);
      if (!c) counters.set(name, (c = { hits: 0, ok: 0, ko: 0 }));
      return c;
    },
    warn: (message, where) => warnings.push(`${where}: ${message}`),
    stash,
  };
  return { deps, warnings, counters, clock, stash };
}

/** Builds the one node of `yaml` (stage s01-parse). */
function node(yaml: string) {
  const s = setup();
  const nodes = parseParserText(yaml, 'node.yaml', 's01-parse', s.deps);
  expect(nodes).toHaveLength(1);
  return { node: nodes[0]!, warnings: s.warnings, counters: s.counters, clock: s.clock, stash: s.stash };
}

function event(raw = 'hello world', parsed: Record<string, string> = {}): Event {
  const evt = newLogEvent({ raw, src: 'test.log', module: 'file', labels: { type: 'test' }, readAt: NOW }, TIMEMACHINE);
  evt.Stage = 's01-parse';
  Object.assign(evt.Parsed, parsed);
  return evt;
}

function run(n: RuntimeNode, evt: Event): { ok: boolean; issues: Issue[] } {
  const issues: Issue[] = [];
  const sink: NodeIssues = { report: (kind, where, detail) => issues.push({ kind, where, detail }) };
  const ok = n.process({ evt }, STAGES, sink);
  return { ok, issues };
}

describe('filter', () => {
  it('enters the node when the filter is true, counting a hit and a success', () => {
    const { node: n, counters } = node(`
name: test/ok
filter: "evt.Line.Raw startsWith 'hello'"
statics:
  - meta: seen
    value: "yes"
`);
    const evt = event();
    expect(run(n, evt)).toEqual({ ok: true, issues: [] });
    expect(evt.Meta.seen).toBe('yes');
    expect(counters.get('test/ok')).toEqual({ hits: 1, ok: 1, ko: 0 });
  });

  it('fails the node when the filter is false, without counting a hit or reporting anything', () => {
    const { node: n, counters } = node(`
name: test/false
filter: "evt.Line.Raw == 'something else'"
statics:
  - meta: seen
    value: "yes"
`);
    const evt = event();
    expect(run(n, evt)).toEqual({ ok: false, issues: [] });
    expect(evt.Meta.seen).toBeUndefined();
    expect(counters.get('test/false')).toEqual({ hits: 0, ok: 0, ko: 0 });
  });

  it('fails the node and reports filter_not_bool when the filter returns something else than a boolean', () => {
    const { node: n } = node(`
name: test/not-bool
filter: "evt.Line.Raw"
statics:
  - meta: seen
    value: "yes"
`);
    const evt = event();
    const r = run(n, evt);
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{ kind: 'filter_not_bool', where: 'node.yaml:2', detail: 'string' }]);
    expect(evt.Meta.seen).toBeUndefined();
  });

  it('fails the node and reports filter_error when the filter fails at run time', () => {
    const { node: n } = node(`
name: test/erroring
filter: "int(evt.Parsed.port) > 1024"
statics:
  - meta: seen
    value: "yes"
`);
    const r = run(n, event('x', { port: 'not a number' }));
    expect(r.ok).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ kind: 'filter_error', where: 'node.yaml:2' });
    expect(r.issues[0]!.detail).toContain('int(');
    // the same filter on good input passes
    expect(run(n, event('x', { port: '8080' })).ok).toBe(true);
  });
});

describe('grok', () => {
  it('merges every semantic into Parsed, "" for groups that did not take part, and keeps the other fields', () => {
    const { node: n } = node(`
name: test/grok
grok:
  pattern: '^%{WORD:verb} %{NOTSPACE:path}(?: HTTP/%{NUMBER:version})?$'
  apply_on: message
`);
    const evt = event('raw', { message: 'GET /index.html', other: 'kept' });
    expect(run(n, evt).ok).toBe(true);
    expect({ ...evt.Parsed }).toEqual({ message: 'GET /index.html', other: 'kept', verb: 'GET', path: '/index.html', version: '' });
  });

  it('reads Line.Raw when apply_on says so', () => {
    const { node: n } = node(`
name: test/raw
grok:
  pattern: '^%{WORD:first}'
  apply_on: Line.Raw
`);
    const evt = event('hello world');
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Parsed.first).toBe('hello');
  });

  it('fails the node when the apply_on field does not exist, even for a pattern that matches anything', () => {
    const { node: n, counters } = node(`
name: test/missing
grok:
  pattern: '^%{DATA:anything}$'
  apply_on: message
statics:
  - meta: seen
    value: "yes"
`);
    const evt = event('raw');
    expect(run(n, evt)).toEqual({ ok: false, issues: [] });
    expect(evt.Parsed.anything).toBeUndefined();
    expect(evt.Meta.seen).toBeUndefined();
    expect(counters.get('test/missing')).toEqual({ hits: 1, ok: 0, ko: 1 });
    // an empty field exists: the pattern then runs on ""
    const empty = event('raw', { message: '' });
    expect(run(n, empty).ok).toBe(true);
    expect(empty.Parsed.anything).toBe('');
  });

  it('applies the grok statics after a match, and neither grok nor node statics when it does not match', () => {
    const { node: n } = node(`
name: test/grok-statics
grok:
  pattern: 'user=%{USERNAME:user}'
  apply_on: message
  statics:
    - meta: user
      expression: evt.Parsed.user
    - meta: log_type
      value: login
statics:
  - meta: service
    value: app
`);
    const hit = event('raw', { message: 'login ok user=alice' });
    expect(run(n, hit).ok).toBe(true);
    expect({ ...hit.Meta }).toEqual({ user: 'alice', log_type: 'login', service: 'app' });

    const miss = event('raw', { message: 'logout' });
    expect(run(n, miss).ok).toBe(false);
    expect({ ...miss.Meta }).toEqual({});
  });

  it('never matches a pattern that names no field, as CrowdSec (an empty grok result is a failure)', () => {
    const { node: n, warnings } = node(`
name: test/no-semantics
grok:
  pattern: '^%{WORD} %{WORD}$'
  apply_on: message
`);
    expect(warnings.join('\n')).toMatch(/node\.yaml:3: .*names no field/);
    expect(run(n, event('raw', { message: 'hello world' })).ok).toBe(false);
  });

  it('groks the text an expression gives, numbers written as Go prints them', () => {
    const { node: n } = node(`
name: test/expression
grok:
  pattern: '^%{WORD:a}-%{WORD:b}$'
  expression: "evt.Parsed.left + '-' + evt.Parsed.right"
`);
    const evt = event('raw', { left: 'one', right: 'two' });
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Parsed.a).toBe('one');
    expect(evt.Parsed.b).toBe('two');

    const ints = node(`
name: test/int-expression
grok:
  pattern: '^%{INT:n}$'
  expression: "len(evt.Parsed.text) * 2"
`);
    const e2 = event('raw', { text: 'abc' });
    expect(run(ints.node, e2).ok).toBe(true);
    expect(e2.Parsed.n).toBe('6');

    const floats = node(`
name: test/float-expression
grok:
  pattern: '^%{DATA:f}$'
  expression: "Atof(evt.Parsed.text)"
`);
    const e3 = event('raw', { text: '2' });
    expect(run(floats.node, e3).ok).toBe(true);
    expect(e3.Parsed.f).toBe('2.000000');
  });

  it('groks "" and reports grok_value_error when the expression gives neither text nor a number', () => {
    const { node: n } = node(`
name: test/bool-expression
grok:
  pattern: '^%{DATA:whole}$'
  expression: "len(evt.Parsed.text) > 0"
`);
    const evt = event('raw', { text: 'abc' });
    const r = run(n, evt);
    expect(r.ok).toBe(true);
    expect(evt.Parsed.whole).toBe('');
    expect(r.issues.map((i) => i.kind)).toEqual(['grok_value_error']);
  });

  it('fails the node and reports expr_error when the grok expression fails at run time', () => {
    const { node: n } = node(`
name: test/erroring-expression
grok:
  pattern: '^%{DATA:whole}$'
  expression: "string(int(evt.Parsed.text))"
`);
    const r = run(n, event('raw', { text: 'abc' }));
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.kind)).toEqual(['expr_error']);
  });
});

describe('child nodes', () => {
  const skeleton = (onsuccess: string) => `
name: test/skeleton
onsuccess: ${onsuccess}
nodes:
  - grok:
      pattern: '^a=%{WORD:a}'
      apply_on: message
  - grok:
      pattern: '^b=%{WORD:b}'
      apply_on: message
statics:
  - meta: parent
    value: applied
`;

  it('a node without grok (a skeleton) succeeds through a child, and then applies its statics', () => {
    const { node: n } = node(skeleton('continue'));
    const evt = event('raw', { message: 'b=2' });
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Parsed.b).toBe('2');
    expect(evt.Meta.parent).toBe('applied');
  });

  it('a skeleton node fails when every child fails, and applies no statics', () => {
    const { node: n, counters } = node(skeleton('continue'));
    const evt = event('raw', { message: 'c=3' });
    expect(run(n, evt).ok).toBe(false);
    expect(evt.Meta.parent).toBeUndefined();
    expect(counters.get('test/skeleton')).toEqual({ hits: 1, ok: 0, ko: 1 });
  });

  it('a skeleton node takes the result of its last child run (CrowdSec quirk): a success followed by a failure fails it', () => {
    const { node: n } = node(`
name: test/last-child
nodes:
  - statics:
      - meta: first
        value: ran
  - grok:
      pattern: '^never %{WORD:x}'
      apply_on: message
statics:
  - meta: parent
    value: applied
`);
    const evt = event('raw', { message: 'something' });
    expect(run(n, evt).ok).toBe(false);
    // what the successful child did stays done
    expect(evt.Meta.first).toBe('ran');
    expect(evt.Meta.parent).toBeUndefined();
  });

  it('with onsuccess: next_stage, the first successful child ends the walk: later children do not run', () => {
    const { node: n } = node(`
name: test/first-wins
onsuccess: next_stage
nodes:
  - statics:
      - meta: first
        value: ran
  - statics:
      - meta: second
        value: ran
`);
    const evt = event('raw');
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Meta.first).toBe('ran');
    expect(evt.Meta.second).toBeUndefined();
    expect(evt.Stage).toBe('s02-enrich');
  });

  it('a node with a successful grok stays successful when its children fail', () => {
    const { node: n } = node(`
name: test/grok-parent
grok:
  pattern: '^%{WORD:kind} %{GREEDYDATA:rest}'
  apply_on: message
nodes:
  - filter: "evt.Parsed.kind == 'auth'"
    grok:
      pattern: 'user=%{WORD:user}'
      apply_on: rest
statics:
  - meta: kind
    expression: evt.Parsed.kind
`);
    const evt = event('raw', { message: 'cron job started' });
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Meta.kind).toBe('cron');
    expect(evt.Parsed.user).toBeUndefined();

    const auth = event('raw', { message: 'auth user=bob' });
    expect(run(n, auth).ok).toBe(true);
    expect(auth.Parsed.user).toBe('bob');
  });

  it('a child that succeeds makes its parent succeed even when the parent grok did not match', () => {
    const { node: n } = node(`
name: test/rescued
grok:
  pattern: '^never %{WORD:x}'
  apply_on: message
nodes:
  - statics:
      - meta: child
        value: ran
statics:
  - meta: parent
    value: applied
`);
    const evt = event('raw', { message: 'hello' });
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Meta.child).toBe('ran');
    expect(evt.Meta.parent).toBe('applied');
  });

  it('names an unnamed child after its parent (child-<name>), sharing its counters', () => {
    const { node: n, counters } = node(`
name: test/parent
grok:
  pattern: '^%{WORD:w}'
  apply_on: message
nodes:
  - statics:
      - meta: a
        value: "1"
`);
    expect(n.children[0]!.name).toBe('child-test/parent');
    run(n, event('raw', { message: 'hello' }));
    expect(counters.get('child-test/parent')).toEqual({ hits: 1, ok: 1, ko: 0 });
  });
});

describe('stash', () => {
  /** charon-ipsec-logs' shape: one line stores an id by thread, a later line of the thread reads it. */
  const CHARON = `
name: test/charon
nodes:
  - grok:
      pattern: '^%{NUMBER:thread} %{WORD:id} failed'
      apply_on: message
    stash:
      - name: ids
        key: evt.Parsed.thread
        value: evt.Parsed.id
        ttl: 5s
        size: 10
  - grok:
      pattern: '^%{NUMBER:thread} %{WORD:id} sending'
      apply_on: message
    nodes:
      - filter: "GetFromStash('ids', evt.Parsed.thread) == evt.Parsed.id"
        statics:
          - meta: log_type
            value: auth_failed
`;

  it('stores after a successful grok, for later lines to read until the ttl passes', () => {
    const { node: n, clock } = node(CHARON);
    expect(run(n, event('raw', { message: '12 peer1 failed' })).ok).toBe(true);
    const later = event('raw', { message: '12 peer1 sending' });
    expect(run(n, later)).toEqual({ ok: true, issues: [] });
    expect(later.Meta.log_type).toBe('auth_failed');
    clock.advance(5_001);
    const expired = event('raw', { message: '12 peer1 sending' });
    run(n, expired);
    expect(expired.Meta.log_type).toBeUndefined();
  });

  it('stores nothing when the grok of the node does not match', () => {
    const { node: n, stash } = node(CHARON);
    run(n, event('raw', { message: '12 peer1 succeeded' }));
    expect(stash.get('ids', '12')).toBe('');
  });

  it('runs in a node without grok, before its children and its statics, which can read it', () => {
    const { node: n } = node(`
name: test/auditd
filter: "evt.Parsed.program == 'auditd'"
stash:
  - name: progs
    key: evt.Parsed.pid
    value: evt.Parsed.exe
    ttl: 1m
    size: 100
nodes:
  - statics:
      - meta: from_child
        expression: GetFromStash("progs", evt.Parsed.pid)
statics:
  - meta: own
    expression: GetFromStash("progs", evt.Parsed.pid)
`);
    const evt = event('raw', { program: 'auditd', pid: '42', exe: '/usr/bin/rm' });
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Meta.from_child).toBe('/usr/bin/rm');
    expect(evt.Meta.own).toBe('/usr/bin/rm');
  });

  it('skips and reports an entry whose value or key is not text, or fails to evaluate', () => {
    const { node: n, stash } = node(`
name: test/bad-stash
statics:
  - meta: a
    value: "1"
stash:
  - name: s
    key: evt.Parsed.k
    value: len(evt.Parsed.v)
    ttl: 1m
  - name: s
    key: int(evt.Parsed.k)
    value: evt.Parsed.v
    ttl: 1m
  - name: s
    key: "'ok'"
    value: evt.Parsed.v
    ttl: 1m
`);
    const r = run(n, event('raw', { k: 'x', v: 'value' }));
    expect(r.ok).toBe(true);
    expect(r.issues.map((i) => [i.kind, i.where])).toEqual([
      ['stash_error', 'node.yaml:7'],
      ['expr_error', 'node.yaml:11'],
    ]);
    expect(stash.get('s', 'x')).toBe('');
    expect(stash.get('s', 'ok')).toBe('value');
  });
});

describe('onsuccess', () => {
  it('next_stage moves the event to the following stage when the node succeeds', () => {
    const { node: n } = node(`
name: test/next
onsuccess: next_stage
statics:
  - meta: a
    value: "1"
`);
    const evt = event();
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Stage).toBe('s02-enrich');
  });

  it('next_stage leaves the event in the last stage', () => {
    const { node: n } = node(`
name: test/next-last
onsuccess: next_stage
statics:
  - meta: a
    value: "1"
`);
    const evt = event();
    evt.Stage = 's02-enrich';
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Stage).toBe('s02-enrich');
  });

  it('next_stage does not move an event whose node failed', () => {
    const { node: n } = node(`
name: test/next-failed
onsuccess: next_stage
filter: "false"
statics:
  - meta: a
    value: "1"
`);
    const evt = event();
    expect(run(n, evt).ok).toBe(false);
    expect(evt.Stage).toBe('s01-parse');
  });
});

describe('statics', () => {
  function applyOne(staticYaml: string, parsed: Record<string, string> = {}, prepare?: (evt: Event) => void) {
    const { node: n, warnings } = node(`
name: test/statics
statics:
${staticYaml}
`);
    const evt = event('raw', parsed);
    prepare?.(evt);
    const r = run(n, evt);
    return { evt, ...r, warnings };
  }

  it('prefers value over expression when both are given', () => {
    const { evt } = applyOne(`  - meta: x
    value: constant
    expression: "'computed'"`);
    expect(evt.Meta.x).toBe('constant');
  });

  it('writes a string expression as it is, into Parsed, Meta or Enriched', () => {
    const { evt } = applyOne(
      `  - parsed: p
    expression: "Upper(evt.Parsed.word)"
  - meta: m
    expression: evt.Parsed.word
  - enriched: e
    expression: "evt.Parsed.word + '!'"`,
      { word: 'hi' },
    );
    expect(evt.Parsed.p).toBe('HI');
    expect(evt.Meta.m).toBe('hi');
    expect(evt.Enriched.e).toBe('hi!');
  });

  it('writes an int result as decimal text', () => {
    const { evt } = applyOne(`  - meta: n
    expression: "len(evt.Parsed.word) + 40"`, { word: 'ab' });
    expect(evt.Meta.n).toBe('42');
  });

  it('writes a float result as Go %f text, even when it is integral', () => {
    const { evt } = applyOne(`  - meta: ratio
    expression: "1 / 4"
  - meta: whole
    expression: "Atof('2')"
  - meta: half
    expression: "Atof(evt.Parsed.v) / 2"`, { v: '3' });
    expect(evt.Meta.ratio).toBe('0.250000');
    expect(evt.Meta.whole).toBe('2.000000');
    expect(evt.Meta.half).toBe('1.500000');
  });

  it('writes a number read straight from decoded JSON as a float (Go decodes JSON numbers as float64), but int(...) of it as an int', () => {
    const { evt } = applyOne(`  - meta: status_code
    expression: evt.Unmarshaled.app.statusCode
  - meta: status
    expression: "evt.Unmarshaled.app['statusCode'] != nil ? int(evt.Unmarshaled.app['statusCode']) : nil"`, {}, (e) => {
      e.Unmarshaled = { app: { statusCode: 401 } };
    });
    expect(evt.Meta.status_code).toBe('401.000000');
    expect(evt.Meta.status).toBe('401');
  });

  it('skips a static whose expression gives nil', () => {
    const { evt, issues } = applyOne(`  - meta: gone
    expression: "nil"`);
    expect('gone' in evt.Meta).toBe(false);
    expect(issues).toEqual([]);
  });

  it('skips and reports a static whose expression gives a map or an array', () => {
    const { evt, issues } = applyOne(`  - meta: map
    expression: evt.Parsed
  - meta: list
    expression: "[1, 2]"`);
    expect('map' in evt.Meta).toBe(false);
    expect('list' in evt.Meta).toBe(false);
    expect(issues.map((i) => i.kind)).toEqual(['static_error', 'static_error']);
    expect(issues[0]!.detail).toContain('ToJsonString');
  });

  it('skips a static whose value is empty, keeping what the field held', () => {
    const { evt } = applyOne(`  - meta: user
    value: first
  - meta: user
    expression: evt.Parsed.missing`);
    expect(evt.Meta.user).toBe('first');
  });

  it('still calls ParseDate on an empty value (the time is then the clock’s)', () => {
    const { evt } = applyOne(`  - method: ParseDate
    expression: evt.StrTime`);
    expect(evt.Enriched.MarshaledTime).toBe('2025-06-01T12:00:00Z');
  });

  it('calls ParseDate with an empty value when the expression gives nil, as Go does', () => {
    const { evt } = applyOne(`  - method: ParseDate
    expression: "nil"`);
    expect(evt.Enriched.MarshaledTime).toBe('2025-06-01T12:00:00Z');
  });

  it('skips and reports a static whose expression fails at run time; the next statics still apply', () => {
    const { evt, issues, ok } = applyOne(`  - meta: bad
    expression: "int(evt.Parsed.word)"
  - meta: good
    value: "yes"`, { word: 'abc' });
    expect(ok).toBe(true);
    expect('bad' in evt.Meta).toBe(false);
    expect(evt.Meta.good).toBe('yes');
    expect(issues.map((i) => i.kind)).toEqual(['expr_error']);
    expect(issues[0]!.where).toBe('node.yaml:4');
  });

  it('aborts the line with a NodeRuntimeError when an expression gives a boolean (Go returns an error)', () => {
    const { node: n } = node(`
name: test/bool-static
statics:
  - meta: flag
    expression: "evt.Parsed.word == 'x'"
`);
    expect(() => run(n, event('raw', { word: 'x' }))).toThrow(NodeRuntimeError);
    expect(() => run(n, event('raw', { word: 'x' }))).toThrow(/node\.yaml:4: unexpected return type/);
  });

  it('runs the statics in order, each seeing what the previous ones wrote', () => {
    const { evt } = applyOne(`  - parsed: a
    value: one
  - parsed: b
    expression: "evt.Parsed.a + '+two'"
  - meta: c
    expression: "evt.Parsed.b + '+three'"`);
    expect(evt.Meta.c).toBe('one+two+three');
  });

  it('does nothing, without failing, for a method herd does not know (warned at load)', () => {
    const { evt, ok, warnings } = applyOne(`  - method: GeoIpCity
    expression: evt.Meta.source_ip
  - meta: after
    value: "yes"`);
    expect(ok).toBe(true);
    expect(warnings.join('\n')).toMatch(/node\.yaml:4: the method 'GeoIpCity' does not exist/);
    expect(evt.Meta.after).toBe('yes');
    expect({ ...evt.Enriched }).toEqual({});
  });
});

describe('whitelists', () => {
  const wl = (entries: string) => `
name: test/whitelist
whitelist:
  reason: "trusted"
${entries}
statics:
  - meta: whitelist_hit
    value: "yes"
`;

  function whitelisted(yaml: string, sourceIp: string | undefined, parsed: Record<string, string> = {}) {
    const { node: n } = node(yaml);
    const evt = event('raw', parsed);
    if (sourceIp !== undefined) evt.Meta.source_ip = sourceIp;
    const r = run(n, evt);
    return { evt, ...r };
  }

  it('whitelists a listed ip, setting Whitelisted and WhitelistReason, and then applies the statics', () => {
    const { evt, ok } = whitelisted(wl('  ip:\n    - "192.0.2.10"\n    - "2001:db8::10"'), '192.0.2.10');
    expect(ok).toBe(true);
    expect(evt.Whitelisted).toBe(true);
    expect(evt.WhitelistReason).toBe('trusted');
    expect(evt.Meta.whitelist_hit).toBe('yes');
    expect(whitelisted(wl('  ip:\n    - "192.0.2.10"\n    - "2001:db8::10"'), '2001:db8::10').evt.Whitelisted).toBe(true);
  });

  it('whitelists addresses inside a listed range, IPv4 and IPv6', () => {
    const yaml = wl('  cidr:\n    - "198.51.100.0/24"\n    - "2001:db8:1::/48"');
    expect(whitelisted(yaml, '198.51.100.77').evt.Whitelisted).toBe(true);
    expect(whitelisted(yaml, '2001:db8:1:ffff::1').evt.Whitelisted).toBe(true);
    expect(whitelisted(yaml, '198.51.101.1').evt.Whitelisted).toBe(false);
    expect(whitelisted(yaml, '2001:db8:2::1').evt.Whitelisted).toBe(false);
  });

  it('leaves an event that does not match unchanged: the node still succeeds, its statics are not applied', () => {
    const { evt, ok } = whitelisted(wl('  ip:\n    - "192.0.2.10"'), '203.0.113.5');
    expect(ok).toBe(true);
    expect(evt.Whitelisted).toBe(false);
    expect(evt.WhitelistReason).toBe('');
    expect(evt.Meta.whitelist_hit).toBeUndefined();
  });

  it('does not match an event without a source ip', () => {
    expect(whitelisted(wl('  cidr:\n    - "0.0.0.0/0"'), undefined).evt.Whitelisted).toBe(false);
    expect(whitelisted(wl('  cidr:\n    - "0.0.0.0/0"'), '').evt.Whitelisted).toBe(false);
  });

  it('whitelists by expression', () => {
    const yaml = wl(`  expression:
    - "evt.Parsed.user == 'monitoring'"
    - "evt.Parsed.path startsWith '/health'"`);
    expect(whitelisted(yaml, '203.0.113.5', { user: 'monitoring' }).evt.Whitelisted).toBe(true);
    expect(whitelisted(yaml, '203.0.113.5', { path: '/healthz' }).evt.Whitelisted).toBe(true);
    const miss = whitelisted(yaml, '203.0.113.5', { user: 'bob', path: '/' });
    expect(miss.evt.Whitelisted).toBe(false);
    expect(miss.evt.Meta.whitelist_hit).toBeUndefined();
  });

  it('treats an erroring whitelist expression as no match, reporting expr_error', () => {
    const yaml = wl(`  expression:
    - "int(evt.Parsed.port) == 22"`);
    const r = whitelisted(yaml, '203.0.113.5', { port: 'ssh' });
    expect(r.ok).toBe(true);
    expect(r.evt.Whitelisted).toBe(false);
    expect(r.issues.map((i) => i.kind)).toEqual(['expr_error']);
  });

  it('keeps the reason of the first whitelist that matched', () => {
    const { node: first } = node(wl('  ip:\n    - "192.0.2.10"'));
    const { node: second } = node(`
name: test/second
whitelist:
  reason: "second reason"
  cidr:
    - "192.0.2.0/24"
`);
    const evt = event();
    evt.Meta.source_ip = '192.0.2.10';
    run(first, evt);
    run(second, evt);
    expect(evt.WhitelistReason).toBe('trusted');
  });

  it('checks every source of an overflow and marks the overflow whitelisted', () => {
    const { node: n } = node(wl('  cidr:\n    - "192.0.2.0/24"'));
    const evt = event();
    evt.Type = OVFLW;
    const overflow = { Sources: { '203.0.113.9': {}, '192.0.2.44': {} }, Whitelisted: false };
    evt.Overflow = overflow;
    expect(run(n, evt).ok).toBe(true);
    expect(evt.Whitelisted).toBe(true);
    expect(overflow.Whitelisted).toBe(true);
  });
});
