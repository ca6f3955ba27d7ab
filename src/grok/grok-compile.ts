/**
 * compileGrok: a grok pattern (`%{IPORHOST:clientip} …`) compiled once into a SafeRegex whose only
 * groups are the semantics' groups, plus the literals any match must contain (the regex's
 * prefilter checks them, and more). `parseInto` is the per-line hot path.
 */

import { HerdError } from '../core/index.js';
import { parseGoRegex, type CaptureInfo } from './go-regex-syntax.js';
import { expandGrok, type PatternLibrary } from './pattern-library.js';
import { keepCaptures } from './regex-ast.js';
import { requiredLiterals } from './required-literals.js';
import { compileParsedRegex, type CompileRegexOptions, type SafeRegex } from './safe-regex.js';

export interface GrokPattern {
  /** The pattern as written. */
  readonly pattern: string;
  /** The Go regex after expanding every `%{…}`. */
  readonly expanded: string;
  /** The semantics (field names), in the order of their groups. */
  readonly names: readonly string[];
  /**
   * False when the pattern names no semantic: it then yields no field even when it matches, and
   * CrowdSec treats such a result (an empty map) as "no match".
   */
  readonly hasSemantics: boolean;
  /**
   * Literals every match contains. Checked with `includes` before the regex runs when the regex
   * has no prefilter (`regex.prefilter`, which covers them otherwise).
   */
  readonly requiredLiterals: readonly string[];
  /** The compiled regex: group i + 1 is the group of `names[i]`. */
  readonly regex: SafeRegex;
  /**
   * On a match writes every semantic into `dest` (`""` when its group did not take part) and
   * returns true; otherwise writes nothing and returns false.
   */
  parseInto(input: string, dest: Record<string, string>): boolean;
  /** The fields of a match (`{}` for a pattern without semantics), or null. */
  parse(input: string): Record<string, string> | null;
}

class CompiledGrok implements GrokPattern {
  readonly hasSemantics: boolean;
  /** requiredLiterals, when the regex has no prefilter of its own to check them. */
  private readonly checkedLiterals: readonly string[];

  constructor(
    readonly pattern: string,
    readonly expanded: string,
    readonly names: readonly string[],
    readonly requiredLiterals: readonly string[],
    readonly regex: SafeRegex,
  ) {
    this.hasSemantics = names.length > 0;
    this.checkedLiterals = regex.prefilter === undefined ? requiredLiterals : [];
  }

  // Hot path: no allocation besides the regex's own match array.
  parseInto(input: string, dest: Record<string, string>): boolean {
    const literals = this.checkedLiterals;
    for (let i = 0; i < literals.length; i++) if (!input.includes(literals[i])) return false;
    const m = this.regex.exec(input);
    if (m === null) return false;
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const v = m[i + 1];
      dest[names[i]] = v === undefined ? '' : v;
    }
    return true;
  }

  parse(input: string): Record<string, string> | null {
    const out: Record<string, string> = {};
    return this.parseInto(input, out) ? out : null;
  }
}

function context(err: unknown, what: string): never {
  if (err instanceof HerdError) throw new HerdError(err.code, `${what}: ${err.message}`, { where: err.where, cause: err });
  throw err;
}

/** Compiles a grok pattern against a library; throws HerdError (unknown name, loop, bad regex). */
export function compileGrok(library: PatternLibrary, pattern: string, options: CompileRegexOptions = {}): GrokPattern {
  if (pattern === '') throw new HerdError('HERD_GROK_PATTERN_INVALID', 'the grok pattern is empty; write a pattern such as %{IP:source_ip}');
  let expansion;
  let parsed;
  try {
    expansion = expandGrok(library, pattern);
    parsed = parseGoRegex(expansion.regex);
  } catch (err) {
    return context(err, `grok pattern \`${pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern}\``);
  }
  const groupAt = new Map<number, number>();
  for (const c of parsed.captures) groupAt.set(c.offset, c.index);
  const semantics = [...expansion.semantics]
    .map(([name, offset]) => ({ name, group: groupAt.get(offset) ?? 0 }))
    .filter((s) => s.group > 0)
    .sort((a, b) => a.group - b.group);
  const kept = new Set(semantics.map((s) => s.group));
  // Groups no semantic maps to are dropped: fewer groups to fill, and fewer patterns that need RE2.
  const { node, oldIndexes } = keepCaptures(parsed.ast, (c) => kept.has(c.index));
  const captures: CaptureInfo[] = oldIndexes.map((old, i) => ({ ...parsed.captures[old - 1], index: i + 1 }));
  const regex = compileParsedRegex({ source: expansion.regex, ast: node, groupCount: captures.length, captures }, options);
  const names = semantics.map((s) => s.name);
  return new CompiledGrok(pattern, expansion.regex, names, requiredLiterals(node), regex);
}

/** Compiles the library's pattern `name` itself (CrowdSec's `grok: name:`). */
export function compileNamedGrok(library: PatternLibrary, name: string, options: CompileRegexOptions = {}): GrokPattern {
  const definition = library.get(name);
  if (!definition) {
    throw new HerdError('HERD_GROK_UNKNOWN_PATTERN', `grok pattern ${name} does not exist; define it in a patterns file or in pattern_syntax`);
  }
  return compileGrok(library, definition.expression, options);
}
