import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HerdError, ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers, DataFiles, Stash } from '../expr/index.js';
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
/** The data directory of these tests. */
const DATA = mkdtempSync(join(tmpdir(), 'herd-build-node-'));
afterAll(() => rmSync(DATA, { recursive: true, force: true }));
writeFileSync(join(DATA, 'list.txt'), '# paths\n/admin\n/.env\n');
writeFileSync(join(DATA, 'bad.regex'), 'fine\n(unclosed\n');

/** `stateless`: no data files registry and no stash, as a host that does not provide them. */
function setup(opts: { stateless?: boolean } = {}) {
  const clock = new ManualClock(NOW);
  const library = loadPatternDirectory(PATTERNS);
  const dataFiles = opts.stateless ? undefined : new DataFiles({ resolve: (e) => join(DATA, e.dest_file) });
  const stash = opts.stateless ? undefined : new Stash({ clock });
  const functions = crowdsecHelpers({ clock, dataFiles, stash });
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
    dataFiles,
    stash,
  };
  return { deps, warnings, counters, library, dataFiles, stash, clock };
}

function load(yaml: string, opts: { stateless?: boolean } = {}) {
  const s = setup(opts);
  const nodes = parseParserText(yaml, '/etc/herd/parsers/s01-parse/test.yaml', 's01-parse', s.deps);
  return { nodes, ...s };
}

/** The HerdError thrown while loading `yaml`. */
function loadError(yaml: string, opts: { stateless?: boolean } = {}): HerdError {
  try {
    load(yaml, opts);
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

describe('data: entries', () => {
  it('loads the files of the node (and of its children) so that its expressions read them', () => {
    const { nodes, dataFiles } = load(`name: test/data
filter: "evt.Parsed.path in File('list.txt')"
data:
  - source_url: https://hub-data.example/list.txt
    dest_file: list.txt
    type: string
statics:
  - meta: sensitive
    value: "yes"
`);
    expect(dataFiles!.has('list.txt', 'string')).toBe(true);
    const evt = newLogEvent({ raw: '', src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
    evt.Parsed.path = '/.env';
    expect(nodes[0]!.process({ evt }, ['s01-parse'], { report: () => {} })).toBe(true);
    expect(evt.Meta.sensitive).toBe('yes');
    evt.Parsed.path = '/index.html';
    expect(nodes[0]!.process({ evt }, ['s01-parse'], { report: () => {} })).toBe(false);
  });

  it('ignores an entry without type (CrowdSec loads nothing for it, e.g. GeoIP databases), even without a registry', () => {
    const yaml = `name: test/untyped
data:
  - source_url: https://hub-data.example/GeoLite2-City.mmdb
    dest_file: GeoLite2-City.mmdb
statics:
  - meta: a
    value: "1"
`;
    const { nodes, dataFiles } = load(yaml);
    expect(nodes).toHaveLength(1);
    expect(dataFiles!.has('GeoLite2-City.mmdb', 'string')).toBe(false);
    expect(load(yaml, { stateless: true }).nodes).toHaveLength(1);
  });

  it('stops the load at the entry when its file is missing or holds an invalid pattern', () => {
    const missing = loadError(`name: test/missing
statics:
  - meta: a
    value: "1"
data:
  - dest_file: nowhere.txt
    type: string
`);
    expect(missing.code).toBe('HERD_DATA_FILE');
    expect(missing.where).toBe(`${FILE}:6`);
    expect(missing.message).toContain(join(DATA, 'nowhere.txt'));
    const bad = loadError(`name: test/bad-regex-file
statics:
  - meta: a
    value: "1"
nodes:
  - statics:
      - meta: b
        value: "1"
    data:
      - dest_file: bad.regex
        type: regexp
`);
    expect(bad.code).toBe('HERD_DATA_FILE');
    expect(bad.where).toBe(`${FILE}:10`);
    expect(bad.message).toContain(`${join(DATA, 'bad.regex')}:2`);
  });

  it('refuses an entry without dest_file, and data files when herd has no registry for them', () => {
    expect(
      loadError(`name: test/no-dest
statics:
  - meta: a
    value: "1"
data:
  - type: string
`).message,
    ).toContain('a data entry needs dest_file');
    const err = loadError(
      `name: test/stateless
statics:
  - meta: a
    value: "1"
data:
  - dest_file: list.txt
    type: string
`,
      { stateless: true },
    );
    expect(err.code).toBe('HERD_PARSER_INVALID');
    expect(err.where).toBe(`${FILE}:6`);
    expect(err.message).toContain("data file 'list.txt' cannot be used: this herd runs parsers without a data directory");
  });
});

describe('stash: entries', () => {
  const STASH = `name: test/stash
grok:
  pattern: '^%{INT:pid} %{NOTSPACE:exe}$'
  apply_on: message
stash:
  - name: pids
    key: evt.Parsed.pid
    value: evt.Parsed.exe
    ttl: 1m
    size: 10
`;

  it('defines the stash at load, so that GetFromStash knows the name', () => {
    const { nodes, stash } = load(STASH);
    expect(stash!.has('pids')).toBe(true);
    expect(nodes[0]!.stashes.map((s) => [s.name, s.ttlMs, s.key.source, s.value.source, s.where])).toEqual([['pids', 60_000, 'evt.Parsed.pid', 'evt.Parsed.exe', `${FILE}:6`]]);
  });

  it('refuses an entry without name, key, value or ttl, and a ttl that is not a duration', () => {
    const entry = (fields: Record<string, string>) =>
      ['name: test/stash-bad', 'statics:', '  - meta: a', '    value: "1"', 'stash:', ...Object.entries(fields).map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${v}`), ''].join('\n');
    expect(loadError(entry({ key: 'evt.Meta.a', value: 'evt.Meta.a', ttl: '1m' })).message).toContain('stash: name must be set');
    expect(loadError(entry({ name: 's', value: 'evt.Meta.a', ttl: '1m' })).message).toContain('stash s: key expression must be set');
    expect(loadError(entry({ name: 's', key: 'evt.Meta.a', ttl: '1m' })).message).toContain('stash s: value expression must be set');
    expect(loadError(entry({ name: 's', key: 'evt.Meta.a', value: 'evt.Meta.a' })).message).toContain('stash s: ttl must be set');
    const ttl = loadError(entry({ name: 's', key: 'evt.Meta.a', value: 'evt.Meta.a', ttl: 'soon' }));
    expect(ttl.where).toBe(`${FILE}:9`);
    expect(ttl.message).toContain("ttl 'soon' is not a Go duration");
    const expr = loadError(entry({ name: 's', key: 'evt.Meta.a +', value: 'evt.Meta.a', ttl: '1m' }));
    expect(expr.where).toBe(`${FILE}:7`);
    expect(expr.message).toContain('cannot compile expression');
  });

  it('warns about an unknown strategy, which CrowdSec replaces with LRU', () => {
    const { warnings } = load(STASH.replace('size: 10', 'size: 10\n    strategy: FIFO'));
    expect(warnings).toEqual([`${FILE}:11: stash pids: unknown strategy 'FIFO'; LRU is used (as CrowdSec does)`]);
  });

  it('refuses a stash when herd gives the loader none', () => {
    const err = loadError(STASH, { stateless: true });
    expect(err.where).toBe(`${FILE}:6`);
    expect(err.message).toContain('stash pids cannot be used');
  });
});
