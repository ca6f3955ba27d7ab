import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HerdError, ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers } from '../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, loadPatternDirectory } from '../grok/index.js';
import { IpMatcher } from '../ip/index.js';
import {
  createDateParseEnricher,
  newLogEvent,
  parseParserText,
  TIMEMACHINE,
  type NodeBuildDeps,
  type NodeCounters,
  type RuntimeNode,
} from './index.js';

/**
 * What a parser node is checked for when it is loaded (CrowdSec's Node.compile and validate): every
 * expression and grok compiles, the grok has a source and a pattern, statics have a target and a
 * value, onsuccess is known. A broken node stops the load with a HerdError naming file:line and the
 * reason; problems that do not stop CrowdSec (a duplicate grok name, an unknown method, a target that
 * can never be set) are warnings.
 */

const PATTERNS = fileURLToPath(new URL('../../content/patterns', import.meta.url));
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function setup() {
  const clock = new ManualClock(NOW);
  const library = loadPatternDirectory(PATTERNS);
  const functions = crowdsecHelpers({ clock });
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
  };
  return { deps, warnings, counters, library };
}

function load(yaml: string) {
  const s = setup();
  const nodes = parseParserText(yaml, '/etc/herd/parsers/s01-parse/test.yaml', 's01-parse', s.deps);
  return { nodes, ...s };
}

/** The HerdError thrown while loading `yaml`. */
function loadError(yaml: string): HerdError {
  try {
    load(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(HerdError);
    return err as HerdError;
  }
  throw new Error('the parser loaded without error');
}

function grokOn(n: RuntimeNode, message: string): Record<string, string> | null {
  const evt = newLogEvent({ raw: message, src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
  evt.Parsed.message = message;
  const ok = n.process({ evt }, ['s01-parse'], { report: () => {} });
  return ok ? { ...evt.Parsed } : null;
}

const FILE = '/etc/herd/parsers/s01-parse/test.yaml';

describe('load-time errors name the file, the line and the reason', () => {
  it('refuses an onsuccess other than continue or next_stage', () => {
    const err = loadError(`name: test/bad
onsuccess: next
statics:
  - meta: a
    value: "1"
`);
    expect(err.code).toBe('HERD_PARSER_INVALID');
    expect(err.where).toBe(`${FILE}:2`);
    expect(err.message).toContain("onsuccess 'next' must be 'continue' or 'next_stage'");
  });

  it('accepts an empty onsuccess, which behaves as continue', () => {
    const { nodes } = load(`name: test/empty-onsuccess
onsuccess: ""
statics:
  - meta: a
    value: "1"
`);
    expect(nodes[0]!.nextStageOnSuccess).toBe(false);
  });

  it('refuses a filter that does not compile, at the filter line', () => {
    const err = loadError(`name: test/bad-filter
description: "a filter with a syntax error"
filter: "evt.Parsed.program == 'sshd' &&"
statics:
  - meta: a
    value: "1"
`);
    expect(err.code).toBe('HERD_PARSER_INVALID');
    expect(err.where).toBe(`${FILE}:3`);
    expect(err.message).toContain('cannot compile expression');
  });

  it('refuses a filter that calls an unknown function', () => {
    const err = loadError(`name: test/unknown-fn
filter: "NoSuchHelper(evt.Line.Raw)"
statics:
  - meta: a
    value: "1"
`);
    expect(err.where).toBe(`${FILE}:2`);
    expect(err.message).toMatch(/cannot compile expression: .*NoSuchHelper/);
  });

  it('refuses a static expression that does not compile, at the expression line', () => {
    const err = loadError(`name: test/bad-static
statics:
  - meta: a
    value: "1"
  - meta: b
    expression: "evt.Parsed.x +"
`);
    expect(err.where).toBe(`${FILE}:6`);
    expect(err.message).toContain('cannot compile expression');
  });

  it('refuses a whitelist expression that does not compile', () => {
    const err = loadError(`name: test/bad-whitelist
whitelist:
  reason: test
  expression:
    - "evt.Meta.source_ip =="
`);
    expect(err.where).toBe(`${FILE}:5`);
  });

  it("refuses a grok with a pattern but neither apply_on nor expression", () => {
    const err = loadError(`name: test/grok-no-source
grok:
  pattern: '%{WORD:w}'
`);
    expect(err.code).toBe('HERD_PARSER_INVALID');
    expect(err.where).toBe(`${FILE}:2`);
    expect(err.message).toContain("grok requires 'expression' or 'apply_on'");
  });

  it("refuses a grok with apply_on but no pattern or name", () => {
    const err = loadError(`name: test/grok-no-pattern
grok:
  apply_on: message
`);
    expect(err.where).toBe(`${FILE}:2`);
    expect(err.message).toContain("grok needs 'pattern' or 'name'");
  });

  it('refuses a grok name that the library does not have', () => {
    const err = loadError(`name: test/unknown-grok
grok:
  name: NO_SUCH_PATTERN
  apply_on: message
`);
    expect(err.where).toBe(`${FILE}:3`);
    expect(err.message).toMatch(/cannot compile grok: .*NO_SUCH_PATTERN/);
  });

  it('refuses a grok pattern that references an unknown name or is not a valid regex', () => {
    expect(
      loadError(`name: test/unknown-ref
grok:
  pattern: '%{NOPE:x}'
  apply_on: message
`).message,
    ).toMatch(/cannot compile grok: .*NOPE/);
    expect(
      loadError(`name: test/bad-regex
grok:
  pattern: '(%{WORD:x}'
  apply_on: message
`).where,
    ).toBe(`${FILE}:3`);
  });

  it('refuses an empty node (no grok, statics, child nodes or whitelist)', () => {
    const err = loadError(`name: test/empty
description: "nothing here"
filter: "true"
`);
    expect(err.code).toBe('HERD_PARSER_INVALID');
    expect(err.where).toBe(`${FILE}:1`);
    expect(err.message).toContain('node is empty');
  });

  it('refuses an empty child node, at the child', () => {
    const err = loadError(`name: test/empty-child
nodes:
  - statics:
      - meta: a
        value: "1"
  - filter: "true"
`);
    expect(err.where).toBe(`${FILE}:6`);
    expect(err.message).toContain('node is empty');
  });

  it('refuses a static without a target, or without a value or expression', () => {
    expect(
      loadError(`name: test/no-target
statics:
  - value: "1"
`).message,
    ).toContain('at least one of meta/parsed/enriched/target must be set');
    const err = loadError(`name: test/no-value
statics:
  - meta: a
    value: "1"
  - meta: b
`);
    expect(err.where).toBe(`${FILE}:5`);
    expect(err.message).toContain('value or expression must be set');
  });

  it('refuses a method static without an expression', () => {
    expect(
      loadError(`name: test/method
statics:
  - method: ParseDate
`).message,
    ).toContain('when method is set, expression must be present');
  });

  it('refuses an invalid whitelist address', () => {
    const err = loadError(`name: test/bad-ip
whitelist:
  reason: test
  ip:
    - "300.1.2.3"
`);
    expect(err.where).toBe(`${FILE}:2`);
    expect(err.message).toContain('invalid whitelist entry');
  });

  it('says that stash and data are not supported yet rather than ignoring them', () => {
    expect(
      loadError(`name: test/stash
statics:
  - meta: a
    value: "1"
stash:
  - name: s
    key: evt.Meta.a
    value: evt.Meta.a
    ttl: 1m
`).message,
    ).toContain('stash is not supported yet');
    expect(
      loadError(`name: test/data
statics:
  - meta: a
    value: "1"
data:
  - source_url: https://example.com/list.txt
    dest_file: list.txt
    type: string
`).message,
    ).toContain('data files are not supported yet');
  });

  it('refuses a pattern_syntax entry that is not a valid grok pattern', () => {
    const err = loadError(`name: test/bad-syntax
pattern_syntax:
  GOOD: '\\w+'
  BAD: '(unclosed'
grok:
  pattern: '%{GOOD:g}'
  apply_on: message
`);
    expect(err.where).toBe(`${FILE}:4`);
    expect(err.message).toContain('cannot compile grok pattern BAD');
  });
});

describe('pattern_syntax', () => {
  it('adds named patterns that this node and later nodes can use', () => {
    const { nodes } = load(`name: test/defines
pattern_syntax:
  KV: '%{WORD:key}=%{WORD:value}'
grok:
  pattern: '^%{KV}$'
  apply_on: message
---
name: test/uses
grok:
  pattern: '^%{KV} %{KV:pair}$'
  apply_on: message
`);
    expect(grokOn(nodes[0]!, 'a=b')).toMatchObject({ key: 'a', value: 'b' });
    expect(grokOn(nodes[1]!, 'a=b c=d')).toMatchObject({ pair: 'c=d' });
  });

  it('keeps the first definition of a name and warns about the second (CrowdSec: already registered)', () => {
    const { nodes, warnings } = load(`name: test/first
pattern_syntax:
  HERD_TEST_THING: '[0-9]+'
grok:
  pattern: '^%{HERD_TEST_THING:thing}$'
  apply_on: message
---
name: test/second
pattern_syntax:
  HERD_TEST_THING: '[a-z]+'
grok:
  pattern: '^%{HERD_TEST_THING:thing}$'
  apply_on: message
`);
    expect(warnings).toEqual([`${FILE}:10: grok pattern 'HERD_TEST_THING' is already registered; keeping the first definition`]);
    expect(grokOn(nodes[1]!, '123')).toMatchObject({ thing: '123' });
    expect(grokOn(nodes[1]!, 'abc')).toBeNull();
  });

  it('does not let a node redefine a library pattern', () => {
    const { nodes, warnings } = load(`name: test/redefine
pattern_syntax:
  WORD: '[0-9]+'
grok:
  pattern: '^%{WORD:w}$'
  apply_on: message
`);
    expect(warnings).toHaveLength(1);
    expect(grokOn(nodes[0]!, 'letters')).toMatchObject({ w: 'letters' });
  });
});

describe('what a node becomes', () => {
  it('keeps the name, stage and where of the node; only named nodes have counters', () => {
    const { nodes, counters } = load(`name: test/named
statics:
  - meta: a
    value: "1"
---
description: "unnamed but described"
statics:
  - meta: a
    value: "1"
`);
    expect(nodes.map((n) => [n.name, n.stage, n.where])).toEqual([
      ['test/named', 's01-parse', `${FILE}:1`],
      ['', 's01-parse', `${FILE}:6`],
    ]);
    expect(nodes[0]!.counters).toBe(counters.get('test/named'));
    expect(nodes[1]!.counters).toBeNull();
  });

  it('marks next_stage, a whitelist and its reason', () => {
    const { nodes } = load(`name: test/wl
onsuccess: next_stage
whitelist:
  reason: "office"
  ip: ["192.0.2.1"]
  cidr: ["198.51.100.0/24"]
  expression: ["evt.Meta.user == 'root'"]
`);
    const n = nodes[0]!;
    expect(n.nextStageOnSuccess).toBe(true);
    expect(n.hasWhitelist).toBe(true);
    expect(n.whitelist?.reason).toBe('office');
    expect(n.whitelist?.ips?.contains('198.51.100.9')).toBe(true);
    expect(n.whitelist?.exprs).toHaveLength(1);
  });

  it('accepts a node made only of grok statics without a pattern (CrowdSec counts them as content)', () => {
    const { nodes } = load(`name: test/grok-statics-only
grok:
  statics:
    - meta: a
      value: "1"
`);
    expect(nodes[0]!.grok).toBeNull();
  });

  it('compiles a field-copy static to a direct read, with the same result as the expression', () => {
    const { nodes } = load(`name: test/copy
statics:
  - meta: user
    expression: evt.Parsed.user
  - meta: missing
    expression: "evt.Parsed.nothing"
  - meta: upper
    expression: "Upper(evt.Parsed.user)"
`);
    const [copy, missing, upper] = nodes[0]!.statics;
    expect(copy!.expr?.source).toBe('evt.Parsed.user');
    const evt = newLogEvent({ raw: '', src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
    evt.Parsed.user = 'alice';
    expect(copy!.expr?.run({ evt })).toBe('alice');
    expect(missing!.expr?.run({ evt })).toBe('');
    expect(upper!.expr?.run({ evt })).toBe('ALICE');
  });

  it('warns at load about a target that can never be set, naming its line', () => {
    const { warnings } = load(`name: test/targets
statics:
  - target: evt.StrTime
    value: "x"
  - target: evt.NoSuchField
    value: "x"
`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${FILE}:5: 'evt.NoSuchField' is not a valid target`));
  });
});
