/**
 * Checks a regex's literal prefilter (literal-condition.ts) against an input: every term must
 * hold, a term holding when the input contains one of its literals. A term of a few exact
 * literals uses `String.prototype.includes`; larger or case-insensitive terms run an Aho–Corasick
 * automaton, built once per regex as a dense DFA over the literals' characters, so a scan costs
 * one table step per input code unit whatever the number of literals.
 */

import {
  foldUnit,
  foldText,
  formatCondition,
  formatLiteral,
  type ConditionLiteral,
  type LiteralCondition,
  type LiteralTerm,
} from './literal-condition.js';

/**
 * Terms with up to this many exact literals use `includes` (about 45 ns per literal on a
 * 120-character line); the automaton costs 2.5 to 3.5 ns per character (prefilter.bench.ts).
 */
export const MAX_INCLUDES_LITERALS = 3;

/** An automaton with more cells (states × alphabet, 4 bytes each) is not built: the term is dropped. */
export const MAX_AUTOMATON_CELLS = 1 << 18;

/**
 * Whether an input contains one of a set of literals: a dense DFA over code units. States that
 * complete a literal are final: the scan stops there, so they need no row and share one number.
 * Transitions hold the next row's offset rather than its number (a multiplication less per
 * step: 315 instead of 400 ns on a 120-character line, where the bare charCodeAt loop takes 240).
 * Literals are folded when any of them is case-insensitive (the others are weakened to
 * case-insensitive: sound, merely less selective).
 */
export class LiteralAutomaton {
  /** Alphabet class of each ASCII code unit (0: in no literal). */
  private readonly ascii: Uint8Array;
  /** Alphabet classes of the other code units that occur in literals (or fold to one). */
  private readonly wide: Map<number, number> | undefined;
  /** `delta[row + class]`: the next state's row (its number × alphabet size); -1: final. */
  private readonly delta: Int32Array;

  private constructor(ascii: Uint8Array, wide: Map<number, number> | undefined, delta: Int32Array) {
    this.ascii = ascii;
    this.wide = wide;
    this.delta = delta;
  }

  /** Undefined when the automaton would be too large (see MAX_AUTOMATON_CELLS) or the set is empty. */
  static build(literals: readonly ConditionLiteral[]): LiteralAutomaton | undefined {
    if (literals.length === 0) return undefined;
    const fold = literals.some((l) => l.caseInsensitive);
    const texts = literals.map((l) => (fold ? foldText(l.text) : l.text));
    if (texts.some((t) => t.length === 0)) return undefined;

    // The alphabet: one class per code unit used by the literals, 0 for every other unit.
    const classOf = new Map<number, number>();
    for (const t of texts) for (let i = 0; i < t.length; i++) if (!classOf.has(t.charCodeAt(i))) classOf.set(t.charCodeAt(i), classOf.size + 1);
    const width = classOf.size + 1;
    if (width > 255) return undefined;
    const ascii = new Uint8Array(128);
    for (let u = 0; u < 128; u++) ascii[u] = classOf.get(fold ? foldUnit(u) : u) ?? 0;
    let wide: Map<number, number> | undefined;
    const addWide = (u: number, cls: number | undefined): void => {
      if (cls === undefined) return;
      wide ??= new Map();
      wide.set(u, cls);
    };
    for (const [u, cls] of classOf) if (u >= 128) addWide(u, cls);
    if (fold) {
      addWide(0x212a, classOf.get(foldUnit(0x212a)));
      addWide(0x17f, classOf.get(foldUnit(0x17f)));
    }

    // The trie.
    const children: Map<number, number>[] = [new Map()];
    const final: boolean[] = [false];
    for (const t of texts) {
      let s = 0;
      for (let i = 0; i < t.length && !final[s]; i++) {
        const cls = classOf.get(t.charCodeAt(i)) ?? 0;
        let next = children[s].get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          final.push(false);
          children[s].set(cls, next);
        }
        s = next;
      }
      final[s] = true;
    }

    // Breadth-first: failure links, finality through them, and the full transition of each state.
    const n = children.length;
    const go = new Int32Array(n * width);
    const fail = new Int32Array(n);
    const parent = new Int32Array(n);
    const order: number[] = [0];
    for (let k = 0; k < order.length; k++) {
      const s = order[k];
      // Below a final state is unreachable (the scan stops first): final too, without rows.
      if (s !== 0 && (final[fail[s]] || final[parent[s]])) final[s] = true;
      for (let cls = 0; cls < width; cls++) {
        const child = children[s].get(cls);
        const viaFail = s === 0 ? 0 : go[fail[s] * width + cls];
        if (child === undefined) {
          go[s * width + cls] = viaFail;
        } else {
          go[s * width + cls] = child;
          fail[child] = viaFail;
          parent[child] = s;
          order.push(child);
        }
      }
    }

    // Rows for the states that are not final, in breadth-first order (the hot ones first).
    const row = new Int32Array(n);
    let live = 0;
    for (const s of order) row[s] = final[s] ? -1 : width * live++;
    if (live * width > MAX_AUTOMATON_CELLS) return undefined;
    const delta = new Int32Array(live * width);
    for (const s of order) {
      if (final[s]) continue;
      for (let cls = 0; cls < width; cls++) delta[row[s] + cls] = row[go[s * width + cls]];
    }
    return new LiteralAutomaton(ascii, wide, delta);
  }

  /**
   * A test of `Upper(input)` (`'upper'`) or `Lower(input)` (`'lower'`) for an ASCII input, without
   * building that string: ASCII letters take the class of their other case. Returns undefined as
   * soon as a unit outside ASCII shows up (Go's case mapping is then not one unit for one unit in
   * general): the caller maps the string itself and calls `test`.
   */
  asciiCaseTest(kind: 'upper' | 'lower'): (input: string) => boolean | undefined {
    const mapped = new Uint8Array(128);
    for (let u = 0; u < 128; u++) {
      const to = kind === 'upper' && u >= 0x61 && u <= 0x7a ? u - 32 : kind === 'lower' && u >= 0x41 && u <= 0x5a ? u + 32 : u;
      mapped[u] = this.ascii[to];
    }
    const delta = this.delta;
    return (input) => {
      let row = 0;
      for (let i = 0, n = input.length; i < n; i++) {
        const u = input.charCodeAt(i);
        if (u >= 128) return undefined;
        row = delta[row + mapped[u]];
        if (row < 0) return true;
      }
      return false;
    };
  }

  // Hot path (every input of the regex): no allocation, one table step per code unit.
  test(input: string): boolean {
    const ascii = this.ascii;
    const wide = this.wide;
    const delta = this.delta;
    let row = 0;
    for (let i = 0, n = input.length; i < n; i++) {
      const u = input.charCodeAt(i);
      row = delta[row + (u < 128 ? ascii[u] : wide === undefined ? 0 : (wide.get(u) ?? 0))];
      if (row < 0) return true;
    }
    return false;
  }
}

/** One term: whether the input contains one of its literals. */
class TermCheck {
  constructor(
    /** Exact literals checked with includes (when `automaton` is undefined). */
    private readonly includes: readonly string[],
    private readonly automaton: LiteralAutomaton | undefined,
  ) {}

  test(input: string): boolean {
    if (this.automaton !== undefined) return this.automaton.test(input);
    const includes = this.includes;
    for (let i = 0; i < includes.length; i++) if (input.includes(includes[i])) return true;
    return false;
  }
}

/** A compiled prefilter: `mayMatch` is false only for inputs that the regex cannot match. */
export class LiteralPrefilter {
  /** The terms actually checked, in checking order (a term too large to build is left out). */
  readonly terms: readonly LiteralTerm[];
  private readonly checks: readonly TermCheck[];

  private constructor(
    /** The condition derived from the expression, before it was cut down to `terms`. */
    readonly condition: LiteralCondition,
    terms: readonly LiteralTerm[],
    checks: readonly TermCheck[],
  ) {
    this.terms = terms;
    this.checks = checks;
  }

  /** Undefined when no term can be checked (the regex then always runs). */
  static build(condition: LiteralCondition, terms: readonly LiteralTerm[]): LiteralPrefilter | undefined {
    const kept: { term: LiteralTerm; check: TermCheck; cost: number }[] = [];
    for (const term of terms) {
      if (term.length <= MAX_INCLUDES_LITERALS && term.every((l) => !l.caseInsensitive)) {
        kept.push({ term, check: new TermCheck(term.map((l) => l.text), undefined), cost: term.length });
        continue;
      }
      const automaton = LiteralAutomaton.build(term);
      if (automaton !== undefined) kept.push({ term, check: new TermCheck([], automaton), cost: MAX_INCLUDES_LITERALS + 1 });
    }
    if (kept.length === 0) return undefined;
    // Cheap checks first; terms arrive most selective first, and sort is stable.
    kept.sort((a, b) => a.cost - b.cost);
    return new LiteralPrefilter(
      condition,
      kept.map((k) => k.term),
      kept.map((k) => k.check),
    );
  }

  // Hot path: runs before the regex (and before the answer cache) on every input.
  mayMatch(input: string): boolean {
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) if (!checks[i].test(input)) return false;
    return true;
  }

  /** The derived condition in readable form (see formatCondition). */
  describeCondition(): string {
    return formatCondition(this.condition);
  }

  /** `"a" & ("b"i | "c")`: what is checked, for tests and debugging; `none`: nothing can match. */
  toString(): string {
    if (this.terms.some((t) => t.length === 0)) return 'none';
    return this.terms.map((t) => (t.length === 1 ? formatLiteral(t[0]) : `(${t.map(formatLiteral).join(' | ')})`)).join(' & ');
  }
}
