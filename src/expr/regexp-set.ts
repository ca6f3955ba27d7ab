/**
 * Many Go RE2 patterns tested against one string in one linear pass: the patterns of a `type: regexp`
 * data file (RegexpInFile) or the `regex` rows of a map file (LookupFile). The patterns go through
 * src/grok's Go-syntax parser, which writes each one back as canonical RE2 source (`(?i)` made local,
 * every special character escaped), and all of them into one `RE2.Set`: one automaton instead of
 * hundreds of regex runs (bad_user_agents.regex.txt: ~600 patterns, about 1 µs per user agent where
 * a loop takes about 800 µs). A pattern RE2 refuses on its own runs alone, on the engine src/grok
 * picks for it.
 */
import RE2 from 're2';
import {
  compileParsedRegex,
  literalCondition,
  LiteralAutomaton,
  parseGoRegex,
  prefilterTerms,
  type ConditionLiteral,
  type ParsedRegex,
  type SafeRegex,
} from '../grok/index.js';

/** A pattern of the set: its Go source and where it comes from (line number, for messages). */
export interface SetPattern {
  readonly source: string;
  readonly line: number;
}

type Re2Set = InstanceType<typeof RE2.Set>;

interface SetPart {
  readonly set: Re2Set;
  /** Index in the pattern list of each member of the set, in set order. */
  readonly members: Int32Array;
}

export class RegexpSet {
  readonly size: number;
  private readonly parts: SetPart[];
  /** Patterns RE2 refuses as set members, tested one by one: [index, regex]. */
  private readonly alone: { index: number; regex: SafeRegex }[];
  /** Rejects, in one scan, inputs that contain none of the literals the patterns need. */
  private readonly prefilter: LiteralAutomaton | undefined;

  /**
   * Compiles every pattern; a pattern that is not valid Go RE2 syntax (or that no engine takes)
   * throws what `refuse` makes of the error.
   */
  constructor(patterns: readonly SetPattern[], refuse: (pattern: SetPattern, err: Error) => Error) {
    this.size = patterns.length;
    const sources: string[] = [];
    const indexes: number[] = [];
    this.alone = [];
    // The literals one of which every pattern needs (its most selective required term): an input
    // holding none of them cannot match any pattern, and is answered without calling RE2.
    const needed: ConditionLiteral[] = [];
    let everyPatternNeedsOne = true;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i]!;
      let parsed: ParsedRegex;
      try {
        parsed = parseGoRegex(p.source);
      } catch (err) {
        throw refuse(p, err as Error);
      }
      const terms = prefilterTerms(literalCondition(parsed.ast));
      if (terms.length === 0) everyPatternNeedsOne = false;
      else needed.push(...terms[0]!);
      let compiled: SafeRegex;
      try {
        // The RE2 path yields the canonical RE2 source, which the binding takes as it is.
        compiled = compileParsedRegex(parsed, { engine: 're2', prefilter: false });
      } catch {
        try {
          this.alone.push({ index: i, regex: compileParsedRegex(parsed) });
        } catch (err) {
          throw refuse(p, err as Error);
        }
        continue;
      }
      sources.push(compiled.compiledSource);
      indexes.push(i);
    }
    this.parts = [];
    this.buildParts(sources, indexes, patterns);
    this.prefilter = everyPatternNeedsOne && needed.length > 0 ? LiteralAutomaton.build(needed) : undefined;
  }

  /** Builds sets; a set RE2 refuses (too large) is split in halves, down to single patterns. */
  private buildParts(sources: string[], indexes: number[], patterns: readonly SetPattern[]): void {
    if (sources.length === 0) return;
    try {
      this.parts.push({ set: new RE2.Set(sources), members: Int32Array.from(indexes) });
      return;
    } catch {
      // fall through: split
    }
    if (sources.length === 1) {
      this.alone.push({ index: indexes[0]!, regex: compileParsedRegex(parseGoRegex(patterns[indexes[0]!]!.source)) });
      this.alone.sort((a, b) => a.index - b.index);
      return;
    }
    const mid = sources.length >> 1;
    this.buildParts(sources.slice(0, mid), indexes.slice(0, mid), patterns);
    this.buildParts(sources.slice(mid), indexes.slice(mid), patterns);
  }

  /** False only when `s` holds none of the literals every pattern needs (no pattern can match). */
  mayMatch(s: string): boolean {
    return this.prefilter === undefined || this.prefilter.test(s);
  }

  /** Whether any pattern matches somewhere in `s` (Go's MatchString on each, or-ed). */
  test(s: string): boolean {
    if (this.prefilter !== undefined && !this.prefilter.test(s)) return false;
    const parts = this.parts;
    for (let i = 0; i < parts.length; i++) if (parts[i]!.set.test(s)) return true;
    const alone = this.alone;
    for (let i = 0; i < alone.length; i++) if (alone[i]!.regex.test(s)) return true;
    return false;
  }

  /** The index of the first pattern (in file order) that matches `s`, or -1. */
  firstMatch(s: string): number {
    if (this.prefilter !== undefined && !this.prefilter.test(s)) return -1;
    let best = -1;
    const parts = this.parts;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const hits = part.set.match(s);
      if (hits.length > 0) {
        const index = part.members[hits[0]!]!;
        if (best < 0 || index < best) best = index;
      }
    }
    const alone = this.alone;
    for (let i = 0; i < alone.length; i++) {
      const a = alone[i]!;
      if (best >= 0 && a.index > best) break;
      if (a.regex.test(s)) return a.index;
    }
    return best;
  }
}
