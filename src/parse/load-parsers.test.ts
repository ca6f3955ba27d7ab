import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HerdError, ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers } from '../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, loadPatternDirectory } from '../grok/index.js';
import { IpMatcher } from '../ip/index.js';
import {
  createDateParseEnricher,
  loadParserFile,
  loadParserFiles,
  newLogEvent,
  parseParserText,
  stageOfPath,
  TIMEMACHINE,
  type NodeBuildDeps,
} from './index.js';

/**
 * Loading parser files: one or more YAML documents per file, the stage taken from the directory
 * (`parsers/s01-parse/x.yaml`), files of a stage in name order. Everything is validated and compiled
 * at load; the first problem stops the load with a HerdError naming file:line and the reason.
 */

const PATTERNS = fileURLToPath(new URL('../../content/patterns', import.meta.url));
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function setup(): { deps: NodeBuildDeps; warnings: string[] } {
  const clock = new ManualClock(NOW);
  const library = loadPatternDirectory(PATTERNS);
  const functions = crowdsecHelpers({ clock });
  const warnings: string[] = [];
  return {
    warnings,
    deps: {
      compileExpr: (src) => compileExpr(src, { variables: ['evt'], functions, regex: compileRegex }),
      addGrokPattern: (name, regex) => library.add(name, regex, 'pattern_syntax'),
      compileGrok: (pattern) => compileGrok(library, pattern),
      compileNamedGrok: (name) => compileNamedGrok(library, name),
      ipMatcher: (entries) => IpMatcher.parse(entries),
      enrichers: new Map([['ParseDate', createDateParseEnricher(clock)]]),
      counters: () => ({ hits: 0, ok: 0, ko: 0 }),
      warn: (message, where) => warnings.push(`${where}: ${message}`),
    },
  };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'herd-parsers-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

let seq = 0;
/** Writes `files` (relative path → text) under a fresh directory; returns their absolute paths. */
function write(files: Record<string, string>): Record<string, string> {
  const base = join(root, String(seq++));
  const out: Record<string, string> = {};
  for (const [rel, text] of Object.entries(files)) {
    const path = join(base, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    out[rel] = path;
  }
  return out;
}

const node = (name: string, next = true) => `name: ${name}
${next ? 'onsuccess: next_stage\n' : ''}statics:
  - meta: order
    expression: "evt.Meta.order + '${name};'"
`;

function loadError(run: () => unknown): HerdError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(HerdError);
    return err as HerdError;
  }
  throw new Error('loaded without error');
}

describe('loadParserFiles', () => {
  it('orders the nodes by stage, then file name, then position in the file', () => {
    const f = write({
      'parsers/s02-enrich/a.yaml': node('enrich-a', false),
      'parsers/s01-parse/b.yaml': node('parse-b'),
      'parsers/s01-parse/a.yaml': `${node('parse-a1', false)}---\n${node('parse-a2', false)}`,
      'parsers/s00-raw/z.yaml': node('raw-z'),
    });
    const { deps } = setup();
    const p = loadParserFiles(Object.values(f).map((path) => ({ path })), deps);
    expect(p.stages).toEqual(['s00-raw', 's01-parse', 's02-enrich']);
    expect(p.nodes.map((n) => `${n.stage}/${n.name}`)).toEqual(['s00-raw/raw-z', 's01-parse/parse-a1', 's01-parse/parse-a2', 's01-parse/parse-b', 's02-enrich/enrich-a']);
    const evt = newLogEvent({ raw: 'x', src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
    expect(p.parse(evt, { report: () => {} })).toBe(true);
    expect(evt.Meta.order).toBe('raw-z;parse-a1;parse-a2;parse-b;enrich-a;');
  });

  it('takes the stage from the directory holding the file, or from the stage given', () => {
    const f = write({ 'custom/dir/x.yaml': node('x'), 'parsers/s01-parse/y.yaml': node('y') });
    expect(stageOfPath(f['parsers/s01-parse/y.yaml']!)).toBe('s01-parse');
    const { deps } = setup();
    expect(loadParserFile({ path: f['custom/dir/x.yaml']!, stage: 's02-enrich' }, deps)[0]!.stage).toBe('s02-enrich');
    const p = loadParserFiles([{ path: f['custom/dir/x.yaml']!, stage: 's00-raw' }, { path: f['parsers/s01-parse/y.yaml']! }], deps);
    expect(p.stages).toEqual(['s00-raw', 's01-parse']);
  });

  it('refuses a file outside a stage directory', () => {
    const f = write({ 'parsers/x.yaml': node('x') });
    const err = loadError(() => loadParserFiles([{ path: f['parsers/x.yaml']! }], setup().deps));
    expect(err.code).toBe('HERD_PARSER_INVALID');
    expect(err.where).toBe(f['parsers/x.yaml']);
    expect(err.message).toContain('stage directory such as s01-parse');
  });

  it('refuses a file it cannot read, naming it', () => {
    const path = join(root, 'parsers', 's01-parse', 'missing.yaml');
    const err = loadError(() => loadParserFile({ path }, setup().deps));
    expect(err.code).toBe('HERD_PARSER_READ');
    expect(err.where).toBe(path);
  });

  it('stops at the first broken file, naming its file and line', () => {
    const f = write({
      'parsers/s01-parse/a-good.yaml': node('good'),
      'parsers/s01-parse/b-bad.yaml': `${node('fine')}---\nname: broken\nfilter: "evt.Line.Raw =="\nstatics:\n  - meta: a\n    value: "1"\n`,
    });
    const err = loadError(() => loadParserFiles(Object.values(f).map((path) => ({ path })), setup().deps));
    expect(err.where).toBe(`${f['parsers/s01-parse/b-bad.yaml']}:8`);
    expect(err.message).toContain('cannot compile expression');
  });
});

describe('parseParserText', () => {
  const FILE = 'parsers/s01-parse/t.yaml';
  const parse = (text: string) => {
    const s = setup();
    return { nodes: parseParserText(text, FILE, 's01-parse', s.deps), warnings: s.warnings };
  };

  it('reads every document of a file, ignoring empty ones (a trailing --- with or without a newline)', () => {
    expect(parse(`---\n${node('one')}---\n${node('two')}---\n`).nodes.map((n) => n.name)).toEqual(['one', 'two']);
    expect(parse(`${node('one')}---\n---\n${node('two')}---`).nodes.map((n) => n.name)).toEqual(['one', 'two']);
    expect(parse(`# only a comment\n---\n`).nodes).toEqual([]);
  });

  it('reports a YAML syntax error with its line', () => {
    const err = loadError(() => parse(`name: x\nstatics:\n  - meta: a\n    value: "unterminated\n`));
    expect(err.code).toBe('HERD_YAML_SYNTAX');
    expect(err.where).toMatch(/^parsers\/s01-parse\/t\.yaml:\d+$/);
    expect(err.message).toContain('invalid YAML');
  });

  it('reports a key the parser format does not have, naming it and its line (CrowdSec decodes strictly)', () => {
    const err = loadError(() => parse(`name: x\nstatics:\n  - meta: a\n    value: "1"\ngrok:\n  apply_on: message\n  pattern: '%{WORD:w}'\n  patern: typo\n`));
    expect(err.where).toBe(`${FILE}:8`);
    expect(err.message).toContain("unknown key 'patern'");
  });

  it('reports a value of the wrong shape', () => {
    const err = loadError(() => parse(`name: x\nstatics:\n  meta: a\n  value: "1"\n`));
    expect(err.where).toMatch(new RegExp(`^${FILE}:\\d+$`));
    expect(err.message).toContain('statics');
  });

  it('reads scalars as CrowdSec’s YAML does: a number written as a static value keeps its text', () => {
    const { nodes } = parse(`name: x\nstatics:\n  - meta: version\n    value: 1.10\n  - meta: yes_word\n    value: yes\n`);
    const evt = newLogEvent({ raw: 'x', src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
    nodes[0]!.process({ evt }, ['s01-parse'], { report: () => {} });
    expect(evt.Meta.version).toBe('1.10');
    expect(evt.Meta.yes_word).toBe('yes');
  });

  it('skips, with a warning naming its line, a node that has no name, author or description (as CrowdSec does)', () => {
    const { nodes, warnings } = parse(`${node('kept')}---\nfilter: "true"\nstatics:\n  - meta: a\n    value: "1"\n---\nauthor: someone\nstatics:\n  - meta: b\n    value: "2"\n`);
    expect(nodes).toHaveLength(2);
    expect(nodes[0]!.name).toBe('kept');
    expect(nodes[1]!.name).toBe('');
    expect(warnings).toEqual([`${FILE}:7: parser node has no name, author or description; skipped (as CrowdSec does)`]);
  });

  it('does not validate a skipped node any further', () => {
    const { nodes, warnings } = parse(`filter: "this does not compile ((("\nstatics:\n  - meta: a\n`);
    expect(nodes).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});
