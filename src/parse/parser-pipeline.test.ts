import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, crowdsecHelpers } from '../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, loadPatternDirectory } from '../grok/index.js';
import { IpMatcher } from '../ip/index.js';
import {
  createDateParseEnricher,
  loadParserFiles,
  newLogEvent,
  NodeRuntimeError,
  ParserPipeline,
  parseParserText,
  TIMEMACHINE,
  type Event,
  type NodeBuildDeps,
  type NodeIssues,
  type ParseTracer,
  type RuntimeNode,
} from './index.js';

/**
 * The walk of an event through the stages (CrowdSec's parser.Parse): stages in name order; within
 * a stage, nodes in load order until one succeeds with `onsuccess: next_stage`; an event must leave
 * every stage but the last through a next_stage node, and a stage where no node succeeds ends the
 * parse with `Process` false.
 */

const CONTENT = fileURLToPath(new URL('../../content', import.meta.url));
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function deps(): { deps: NodeBuildDeps; warnings: string[] } {
  const clock = new ManualClock(NOW);
  const library = loadPatternDirectory(join(CONTENT, 'patterns'));
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

/** A pipeline from YAML per stage. */
function pipeline(stages: Record<string, string>): ParserPipeline {
  const d = deps().deps;
  const nodes: RuntimeNode[] = [];
  for (const [stage, yaml] of Object.entries(stages)) nodes.push(...parseParserText(yaml, `${stage}.yaml`, stage, d));
  return new ParserPipeline(nodes);
}

function event(raw: string, type = 'test'): Event {
  return newLogEvent({ raw, src: 'test.log', module: 'file', labels: { type }, readAt: NOW }, TIMEMACHINE);
}

const noIssues: NodeIssues = { report: () => {} };

/** Records every node the pipeline runs: `stage:name:ok|ko`, and failed stages. */
function recorder(): { tracer: ParseTracer; trail: string[] } {
  const trail: string[] = [];
  return {
    trail,
    tracer: {
      beforeNode: (stage, node) => trail.push(`> ${stage}:${node.name}`),
      afterNode: (stage, node, ok) => trail.push(`${stage}:${node.name}:${ok ? 'ok' : 'ko'}`),
      stageFailed: (stage) => trail.push(`failed ${stage}`),
    },
  };
}

const mark = (name: string, opts: { next?: boolean; filter?: string } = {}) => `
name: ${name}
${opts.next ? 'onsuccess: next_stage\n' : ''}${opts.filter ? `filter: "${opts.filter}"\n` : ''}statics:
  - meta: ${name.replace(/\W/g, '_')}
    value: "ran"
`;

describe('ParserPipeline', () => {
  it('runs the stages in name order, whatever the order of the nodes it was given', () => {
    const p = pipeline({ 's02-enrich': mark('c'), 's00-raw': mark('a', { next: true }), 's01-parse': mark('b', { next: true }) });
    expect(p.stages).toEqual(['s00-raw', 's01-parse', 's02-enrich']);
    const { tracer, trail } = recorder();
    const evt = event('x');
    expect(p.parse(evt, noIssues, tracer)).toBe(true);
    expect(trail.filter((t) => !t.startsWith('>'))).toEqual(['s00-raw:a:ok', 's01-parse:b:ok', 's02-enrich:c:ok']);
    expect(evt.Process).toBe(true);
    expect(evt.Stage).toBe('s02-enrich');
  });

  it('starts a fresh event at the first stage', () => {
    const p = pipeline({ 's00-raw': mark('a', { next: true }), 's01-parse': mark('b') });
    const evt = event('x');
    expect(evt.Stage).toBe('');
    p.parse(evt, noIssues);
    expect(evt.Meta.a).toBe('ran');
  });

  it('stops at a stage where no node succeeds: later stages do not run and the line is not processed', () => {
    const p = pipeline({
      's00-raw': mark('a', { next: true }),
      's01-parse': mark('nginx', { next: true, filter: "evt.Line.Labels.type == 'nginx'" }) + '---\n' + mark('sshd', { next: true, filter: "evt.Line.Labels.type == 'sshd'" }),
      's02-enrich': mark('c'),
    });
    const { tracer, trail } = recorder();
    const evt = event('x', 'unknown');
    expect(p.parse(evt, noIssues, tracer)).toBe(false);
    expect(evt.Process).toBe(false);
    expect(trail).toEqual(['> s00-raw:a', 's00-raw:a:ok', '> s01-parse:nginx', 's01-parse:nginx:ko', '> s01-parse:sshd', 's01-parse:sshd:ko', 'failed s01-parse']);
    expect(evt.Meta.c).toBeUndefined();
  });

  it('ends a stage at the first node that succeeds with next_stage: its siblings do not run', () => {
    const p = pipeline({
      's01-parse': mark('first', { next: true }) + '---\n' + mark('second', { next: true }),
      's02-enrich': mark('enrich'),
    });
    const { tracer, trail } = recorder();
    const evt = event('x');
    expect(p.parse(evt, noIssues, tracer)).toBe(true);
    expect(trail.filter((t) => !t.startsWith('>'))).toEqual(['s01-parse:first:ok', 's02-enrich:enrich:ok']);
    expect(evt.Meta.second).toBeUndefined();
  });

  it('runs every node of a stage whose nodes succeed without next_stage', () => {
    const p = pipeline({ 's02-enrich': mark('one') + '---\n' + mark('two', { filter: 'false' }) + '---\n' + mark('three') });
    const evt = event('x');
    expect(p.parse(evt, noIssues)).toBe(true);
    expect(evt.Meta.one).toBe('ran');
    expect(evt.Meta.two).toBeUndefined();
    expect(evt.Meta.three).toBe('ran');
  });

  it('does not let an event that passed a stage without next_stage into the next one (it stays behind)', () => {
    const p = pipeline({ 's01-parse': mark('no-next'), 's02-enrich': mark('enrich') });
    const { tracer, trail } = recorder();
    const evt = event('x');
    expect(p.parse(evt, noIssues, tracer)).toBe(false);
    expect(evt.Meta.no_next).toBe('ran');
    expect(evt.Meta.enrich).toBeUndefined();
    expect(trail.filter((t) => !t.startsWith('>'))).toEqual(['s01-parse:no-next:ok']);
  });

  it('skips the earlier stages for an event injected at a later stage', () => {
    const p = pipeline({ 's00-raw': mark('raw', { next: true }), 's01-parse': mark('parse', { next: true }), 's02-enrich': mark('enrich') });
    const { tracer, trail } = recorder();
    const evt = event('x');
    evt.Stage = 's01-parse';
    expect(p.parse(evt, noIssues, tracer)).toBe(true);
    expect(trail.filter((t) => !t.startsWith('>'))).toEqual(['s01-parse:parse:ok', 's02-enrich:enrich:ok']);
    expect(evt.Meta.raw).toBeUndefined();
  });

  it('does not process an event whose stage is not one of the pipeline’s', () => {
    const p = pipeline({ 's01-parse': mark('parse', { next: true }) });
    const evt = event('x');
    evt.Stage = 's07-unknown';
    expect(p.parse(evt, noIssues)).toBe(false);
    expect(evt.Meta.parse).toBeUndefined();
  });

  it('shows the tracer each top-level node, before and after it runs, but not the child nodes', () => {
    const p = pipeline({
      's01-parse': `
name: parent
onsuccess: next_stage
nodes:
  - name: child
    statics:
      - meta: child
        value: ran
`,
      's02-enrich': mark('enrich'),
    });
    const seen: string[] = [];
    const tracer: ParseTracer = {
      beforeNode: (stage, node, evt) => seen.push(`before ${stage} ${node.name} child=${evt.Meta.child ?? '-'}`),
      afterNode: (stage, node, ok, evt) => seen.push(`after ${stage} ${node.name} ${ok} child=${evt.Meta.child ?? '-'}`),
    };
    p.parse(event('x'), noIssues, tracer);
    expect(seen).toEqual([
      'before s01-parse parent child=-',
      'after s01-parse parent true child=ran',
      'before s02-enrich enrich child=ran',
      'after s02-enrich enrich true child=ran',
    ]);
  });

  it('throws NodeRuntimeError for a line a static aborts, and parses the next line normally', () => {
    const p = pipeline({
      's01-parse': `
name: sometimes
onsuccess: next_stage
statics:
  - meta: v
    expression: "evt.Line.Raw == 'bad' ? true : evt.Line.Raw"
`,
    });
    expect(() => p.parse(event('bad'), noIssues)).toThrow(NodeRuntimeError);
    const good = event('good');
    expect(p.parse(good, noIssues)).toBe(true);
    expect(good.Meta.v).toBe('good');
  });

  it('passes the issues of the nodes to the caller', () => {
    const p = pipeline({ 's01-parse': mark('n', { next: true, filter: 'evt.Line.Raw' }) });
    const reports: string[] = [];
    expect(p.parse(event('x'), { report: (kind, where) => reports.push(`${kind} ${where}`) })).toBe(false);
    expect(reports).toEqual(['filter_not_bool s01-parse.yaml:2']);
  });
});

describe("herd's own parsers", () => {
  const parserFiles = () =>
    readdirSync(join(CONTENT, 'parsers'))
      .filter((d) => /^s\d\d-/.test(d))
      .flatMap((stage) => readdirSync(join(CONTENT, 'parsers', stage)).map((f) => ({ path: join(CONTENT, 'parsers', stage, f) })));

  it('load without warnings into the three stages', () => {
    const d = deps();
    const p = loadParserFiles(parserFiles(), d.deps);
    expect(d.warnings).toEqual([]);
    expect(p.stages).toEqual(['s00-raw', 's01-parse', 's02-enrich']);
  });

  it('never throw on arbitrary lines: every parse answers true or false', () => {
    const p = loadParserFiles(parserFiles(), deps().deps);
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });
    const anyText = fc.string({ unit: 'grapheme', maxLength: 120 });
    // Shapes that reach deep into the parsers: envelopes and log formats around random parts.
    const shaped = fc
      .tuple(
        fc.constantFrom(
          (s: string) => `Oct 10 13:55:36 web01 sshd[1234]: ${s}`,
          (s: string) => `Oct 10 13:55:36 web01 sshd-session[1234]: Failed password for ${s} from 203.0.113.7 port 22 ssh2`,
          (s: string) => `<38>1 2025-10-10T13:55:36Z web01 sshd 1 - - Invalid user ${s} from 2001:db8::1`,
          (s: string) => `203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET ${s} HTTP/1.1" 404 12 "-" "${s}"`,
          (s: string) => `example.com 203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "${s}" 400 0 "-" "-"`,
          (s: string) => `2025/10/10 13:55:36 [error] 1#1: *1 ${s}, client: 203.0.113.7, server: ${s}, request: "GET ${s} HTTP/1.1"`,
          (s: string) => `[Fri Oct 10 13:55:36.123456 2025] [auth_basic:error] [pid 1] [client 203.0.113.7:1] AH01617: user ${s}`,
          (s: string) => s,
        ),
        fc.oneof(printable, anyText),
      )
      .map(([wrap, s]) => wrap(s));
    const type = fc.constantFrom('syslog', 'nginx', 'apache2', 'sshd', 'unknown', '');
    fc.assert(
      fc.property(fc.oneof(printable, shaped), type, (raw, t) => {
        const result = p.parse(event(raw, t), noIssues);
        expect(typeof result).toBe('boolean');
      }),
      { seed: 20251010, numRuns: 1500 },
    );
  });
});
