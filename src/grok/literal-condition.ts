/**
 * The literal condition of a regex: a formula over literal strings that every match satisfies,
 * so that an input failing it is rejected without running the regex. Derived from the parsed AST
 * as RE2's prefilter does it: a node is either exact (the small set of strings it can match is
 * known, e.g. `a(?:b|c)d` is {abd, acd}) or described by a condition; concatenations multiply
 * exact sets, alternations unite them, and a set too large or a node too loose (classes, `.`,
 * optional and starred parts) turns into a condition: the OR of the set's strings, ANDed along a
 * concatenation. An OR holds only when every branch yields a condition, so a branch without a
 * literal leaves the whole alternation unconstrained.
 *
 * Case-insensitive literals are kept folded: a code unit folds to itself except ASCII A-Z (to
 * a-z), the Kelvin sign U+212A (to k) and the long s U+017F (to s), the only non-ASCII code
 * points that `(?i)` makes equal to ASCII letters. A character becomes a case-insensitive literal
 * only when everything it matches folds to the same code unit; a case-insensitive letter outside
 * ASCII gives nothing (on the RE2 path its cases come from RE2's Unicode data, which may differ
 * from the table here). A string that mixes exact and folded parts is folded as a whole, which
 * only weakens it. Folding is per code unit, so a match's folded text is a substring of the
 * input's folded text: the check stays sound.
 */

import { foldOrbit } from './case-fold.js';
import { rangesSize } from './char-class.js';
import type { RegexNode } from './regex-ast.js';

/**
 * Literals shorter than this give no condition (an OR that would hold one holds nothing).
 * Attack patterns often hinge on two punctuation characters (`\$\{` for log4j, `%\{\s*\(#` for
 * OGNL, `\(\)\s*\{` for shellshock): with 3, one such branch leaves a whole 50-branch
 * alternation unconstrained. A common two-letter word ("or", "on") only makes its own set
 * pass more often; the scan costs the same. Single characters are too common to reject.
 */
export const MIN_PREFILTER_LITERAL_LENGTH = 2;

/** Exact sets larger than this become conditions (concatenations multiply their sizes). */
export const MAX_EXACT_STRINGS = 256;

/** A class of up to this many code points is an exact set of one-character strings. */
const MAX_CLASS_STRINGS = 4;

/** A required repeat contributes at most this many copies of its body. */
const MAX_REPEAT_COPIES = 4;

/**
 * An exact string this long ends its run (the next characters start another literal): longer
 * literals reject no more in practice, and building them character by character is quadratic.
 */
const MAX_LITERAL_LENGTH = 64;

/** An AND keeps at most this many terms while deriving (the most selective). */
const MAX_AND_TERMS = 16;

/** OR sets larger than this are not searched for redundant literals (quadratic). */
const MAX_REDUNDANCY_CHECK = 128;

/** At most this many terms are checked (the most selective ones): each costs a scan. */
export const MAX_PREFILTER_TERMS = 3;

export interface ConditionLiteral {
  /** Folded (see above) when caseInsensitive. */
  readonly text: string;
  readonly caseInsensitive: boolean;
}

export type LiteralCondition =
  /** No constraint: any input may match. */
  | { readonly kind: 'any' }
  /** No input can match (an empty class on the way). */
  | { readonly kind: 'none' }
  /** The input contains the literal (compared folded when case-insensitive). */
  | ({ readonly kind: 'literal' } & ConditionLiteral)
  | { readonly kind: 'and'; readonly terms: readonly LiteralCondition[] }
  | { readonly kind: 'or'; readonly terms: readonly LiteralCondition[] };

/** An OR of literals: holds when the input contains one of them; empty: never holds. */
export type LiteralTerm = readonly ConditionLiteral[];

const ANY: LiteralCondition = { kind: 'any' };
const NONE: LiteralCondition = { kind: 'none' };

const KELVIN = 0x212a;
const LONG_S = 0x17f;

/** The case-insensitive form of a UTF-16 code unit (see the file comment). */
export function foldUnit(u: number): number {
  if (u >= 0x41 && u <= 0x5a) return u + 0x20;
  if (u === KELVIN) return 0x6b;
  if (u === LONG_S) return 0x73;
  return u;
}

export function foldText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(foldUnit(s.charCodeAt(i)));
  return out;
}

/** Folded text with no a-z has a single preimage: it is then an exact, case-sensitive literal. */
function hasFoldableLetter(folded: string): boolean {
  return /[a-z]/.test(folded);
}

function literal(text: string, caseInsensitive: boolean): ConditionLiteral {
  if (!caseInsensitive) return { text, caseInsensitive: false };
  const folded = foldText(text);
  return { text: folded, caseInsensitive: hasFoldableLetter(folded) };
}

/** Whether every input containing `a` (folded: `aFolded`) also contains `b`. */
function implies(a: ConditionLiteral, aFolded: string, b: ConditionLiteral): boolean {
  if (a.text.length < b.text.length) return false;
  if (!b.caseInsensitive) return !a.caseInsensitive && a.text.includes(b.text);
  return aFolded.includes(b.text);
}

type LiteralNode = Extract<LiteralCondition, { kind: 'literal' }>;

/**
 * Drops the literals that add nothing: in an AND those implied by another, in an OR those that
 * imply another. Implication between distinct literals is a strict order, so the kept ones are
 * its maximal (AND) or minimal (OR) elements.
 */
function dropRedundant(terms: LiteralCondition[], kind: 'and' | 'or'): LiteralCondition[] {
  const literals = terms.filter((t): t is LiteralNode => t.kind === 'literal');
  if (literals.length < 2 || literals.length > MAX_REDUNDANCY_CHECK) return terms;
  const folded = literals.map((l) => foldText(l.text));
  const redundant = new Set<LiteralCondition>();
  for (let i = 0; i < literals.length; i++) {
    for (let j = 0; j < literals.length; j++) {
      if (i === j) continue;
      const drop = kind === 'or' ? implies(literals[i], folded[i], literals[j]) : implies(literals[j], folded[j], literals[i]);
      if (drop) {
        redundant.add(literals[i]);
        break;
      }
    }
  }
  return redundant.size === 0 ? terms : terms.filter((t) => !redundant.has(t));
}

const asCondition = (l: ConditionLiteral): LiteralCondition => ({ kind: 'literal', text: l.text, caseInsensitive: l.caseInsensitive });

const key = (l: ConditionLiteral): string => (l.caseInsensitive ? 'i' : 'c') + l.text;

/** A readable form, for tests and debugging: `"abc"`, `"abc"i`, `("a" | "b")`, `("a" & "b")`. */
export function formatCondition(c: LiteralCondition): string {
  switch (c.kind) {
    case 'any':
    case 'none':
      return c.kind;
    case 'literal':
      return formatLiteral(c);
    case 'and':
    case 'or':
      return `(${c.terms.map(formatCondition).join(c.kind === 'and' ? ' & ' : ' | ')})`;
  }
}

export function formatLiteral(l: ConditionLiteral): string {
  return JSON.stringify(l.text) + (l.caseInsensitive ? 'i' : '');
}

/** The terms of nested ANDs (or ORs) as one list; literals once each (other terms by identity). */
function flatten(kind: 'and' | 'or', terms: readonly LiteralCondition[]): LiteralCondition[] {
  const out: LiteralCondition[] = [];
  const seen = new Set<string | LiteralCondition>();
  for (const t of terms) {
    for (const u of t.kind === kind ? t.terms : [t]) {
      const k = u.kind === 'literal' ? key(u) : u;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(u);
      }
    }
  }
  return out;
}

/** How selective a condition is: the length of the shortest literal it may come down to. */
function strength(c: LiteralCondition): number {
  switch (c.kind) {
    case 'any':
      return 0;
    case 'none':
      return Infinity;
    case 'literal':
      return c.text.length;
    case 'and':
      return Math.max(...c.terms.map(strength));
    case 'or':
      return Math.min(...c.terms.map(strength));
  }
}

function and(terms: readonly LiteralCondition[]): LiteralCondition {
  let flat = flatten('and', terms);
  if (flat.some((t) => t.kind === 'none')) return NONE;
  flat = dropRedundant(
    flat.filter((t) => t.kind !== 'any'),
    'and',
  );
  if (flat.length > MAX_AND_TERMS) {
    const ranked = flat.map((t) => ({ t, s: strength(t) })).sort((a, b) => b.s - a.s);
    flat = ranked.slice(0, MAX_AND_TERMS).map((r) => r.t);
  }
  if (flat.length === 0) return ANY;
  return flat.length === 1 ? flat[0] : { kind: 'and', terms: flat };
}

function or(terms: readonly LiteralCondition[]): LiteralCondition {
  let flat = flatten('or', terms);
  if (flat.some((t) => t.kind === 'any')) return ANY;
  flat = dropRedundant(
    flat.filter((t) => t.kind !== 'none'),
    'or',
  );
  if (flat.length === 0) return NONE;
  return flat.length === 1 ? flat[0] : { kind: 'or', terms: flat };
}

/** What a node tells: its exact set of strings when small and known, else a condition. */
interface Info {
  readonly exact: readonly ConditionLiteral[] | undefined;
  readonly match: LiteralCondition;
}

const exactInfo = (strings: readonly ConditionLiteral[]): Info => {
  const byKey = new Map<string, ConditionLiteral>();
  for (const s of strings) byKey.set(key(s), s);
  return { exact: [...byKey.values()], match: ANY };
};
const inexactInfo = (match: LiteralCondition): Info => ({ exact: undefined, match });
const EMPTY_LITERAL = literal('', false);
const EMPTY_STRING: Info = exactInfo([EMPTY_LITERAL]);

function toMatch(info: Info): LiteralCondition {
  if (info.exact === undefined) return info.match;
  return or(info.exact.map((s) => (s.text.length >= MIN_PREFILTER_LITERAL_LENGTH ? asCondition(s) : ANY)));
}

function cross(a: readonly ConditionLiteral[], b: readonly ConditionLiteral[]): ConditionLiteral[] {
  const out: ConditionLiteral[] = [];
  for (const x of a) {
    for (const y of b) {
      // A case-insensitive part has a letter already: the result stays case-insensitive.
      if (!x.caseInsensitive && !y.caseInsensitive) out.push({ text: x.text + y.text, caseInsensitive: false });
      else out.push({ text: (x.caseInsensitive ? x.text : foldText(x.text)) + (y.caseInsensitive ? y.text : foldText(y.text)), caseInsensitive: true });
    }
  }
  return out;
}

/** The code points a character node matches, when few; undefined when many or unknown. */
function charMembers(node: RegexNode): number[] | undefined {
  let members: number[];
  if (node.kind === 'literal') {
    // RE2 folds a non-ASCII letter with its own Unicode data, which may differ from V8's.
    if (node.fold && node.cp >= 0x80) return undefined;
    members = node.fold ? [...foldOrbit(node.cp)] : [node.cp];
  } else if (node.kind === 'class') {
    const size = rangesSize(node.ranges);
    if (size > MAX_CLASS_STRINGS) return undefined;
    members = [];
    for (let i = 0; i < node.ranges.length; i += 2) for (let cp = node.ranges[i]; cp <= node.ranges[i + 1]; cp++) members.push(cp);
  } else {
    return undefined;
  }
  // Surrogates and U+FFFD: the re2 binding reads a lone surrogate of the input as U+FFFD.
  if (members.some((cp) => (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffd)) return undefined;
  return members;
}

function charInfo(node: RegexNode): Info {
  const members = charMembers(node);
  if (members === undefined) return inexactInfo(ANY);
  if (members.length > 1 && members.every((cp) => cp <= 0xffff)) {
    const folded = foldUnit(members[0]);
    if (members.every((cp) => foldUnit(cp) === folded)) return exactInfo([literal(String.fromCharCode(folded), true)]);
  }
  if (members.length > MAX_CLASS_STRINGS) return inexactInfo(ANY);
  return exactInfo(members.map((cp) => literal(String.fromCodePoint(cp), false)));
}

function concatInfo(subs: readonly Info[]): Info {
  let run: readonly ConditionLiteral[] | undefined = EMPTY_STRING.exact;
  let match: LiteralCondition = ANY;
  let exact = true;
  for (const sub of subs) {
    if (sub.exact !== undefined && run !== undefined && run.length * sub.exact.length <= MAX_EXACT_STRINGS) {
      run = exactInfo(cross(run, sub.exact)).exact;
      if (run !== undefined && run.some((l) => l.text.length >= MAX_LITERAL_LENGTH)) {
        exact = false;
        match = and([match, toMatch(exactInfo(run))]);
        run = EMPTY_STRING.exact;
      }
      continue;
    }
    exact = false;
    if (run !== undefined) match = and([match, toMatch(exactInfo(run))]);
    run = sub.exact;
    if (sub.exact === undefined) match = and([match, sub.match]);
  }
  if (exact && run !== undefined) return exactInfo(run);
  if (run !== undefined) match = and([match, toMatch(exactInfo(run))]);
  return inexactInfo(match);
}

function info(node: RegexNode): Info {
  switch (node.kind) {
    case 'empty':
    case 'assert':
      return EMPTY_STRING;
    case 'literal':
    case 'class':
    case 'unicodeClass':
      return charInfo(node);
    case 'capture':
      return info(node.sub);
    case 'concat':
      return concatInfo(node.subs.map(info));
    case 'alternate': {
      const subs = node.subs.map(info);
      const size = subs.reduce((n, s) => n + (s.exact?.length ?? Infinity), 0);
      if (size <= MAX_EXACT_STRINGS) return exactInfo(subs.flatMap((s) => s.exact ?? []));
      return inexactInfo(or(subs.map(toMatch)));
    }
    case 'repeat': {
      if (node.max === 0) return EMPTY_STRING;
      const sub = info(node.sub);
      if (node.min === 0) {
        if (node.max === 1 && sub.exact !== undefined && sub.exact.length < MAX_EXACT_STRINGS) {
          return exactInfo([EMPTY_LITERAL, ...sub.exact]);
        }
        return inexactInfo(ANY);
      }
      const copies = Math.min(node.min, MAX_REPEAT_COPIES);
      const required = concatInfo(Array.from({ length: copies }, () => sub));
      // Exact only when the copies are exactly what it matches.
      return node.min === node.max && copies === node.min ? required : inexactInfo(toMatch(required));
    }
  }
}

/** The condition every match of the expression satisfies. */
export function literalCondition(ast: RegexNode): LiteralCondition {
  return toMatch(info(ast));
}

/** Higher is more selective: the shortest literal decides, then fewer literals. */
function selectivity(term: LiteralTerm): number {
  if (term.length === 0) return Infinity;
  let shortest = Infinity;
  for (const l of term) shortest = Math.min(shortest, l.text.length);
  return shortest * 1024 - Math.min(term.length, 1023);
}

function orTerm(literals: readonly ConditionLiteral[]): LiteralTerm {
  const c = or(literals.map(asCondition));
  const out: ConditionLiteral[] = [];
  for (const t of c.kind === 'or' ? c.terms : [c]) if (t.kind === 'literal') out.push({ text: t.text, caseInsensitive: t.caseInsensitive });
  return out;
}

/** An AND of terms; [] when unconstrained. */
function termsOf(c: LiteralCondition): LiteralTerm[] {
  switch (c.kind) {
    case 'any':
      return [];
    case 'none':
      return [[]];
    case 'literal':
      return [[{ text: c.text, caseInsensitive: c.caseInsensitive }]];
    case 'and':
      return c.terms.flatMap(termsOf);
    case 'or': {
      // OR(A, AND(B, C)) implies OR(A, B): each branch gives its most selective term.
      const picked: ConditionLiteral[] = [];
      for (const branch of c.terms) {
        const terms = termsOf(branch);
        if (terms.length === 0) return [];
        if (terms.some((t) => t.length === 0)) continue;
        let best = terms[0];
        for (const t of terms) if (selectivity(t) > selectivity(best)) best = t;
        picked.push(...best);
      }
      return [orTerm(picked)];
    }
  }
}

/**
 * What to check for a condition: every returned term must hold (the input contains one of its
 * literals). At most MAX_PREFILTER_TERMS, most selective first; [] when nothing can be checked,
 * [[]] when nothing can match.
 */
export function prefilterTerms(c: LiteralCondition): LiteralTerm[] {
  const terms = termsOf(c);
  if (terms.some((t) => t.length === 0)) return [[]];
  const byKey = new Map<string, LiteralTerm>();
  for (const t of terms) byKey.set(t.map(key).join('\0'), t);
  return [...byKey.values()].sort((a, b) => selectivity(b) - selectivity(a)).slice(0, MAX_PREFILTER_TERMS);
}
