/**
 * Sets of code points as Go's regexp/syntax keeps them: a flat list of inclusive ranges
 * `[lo0, hi0, lo1, hi1, …]`, sorted, with no overlapping or touching ranges once cleaned.
 * Also the fixed ASCII classes of RE2 (`\d \s \w` and the POSIX `[:name:]` classes).
 */

export const MAX_RUNE = 0x10ffff;

/** A clean range list: sorted by low end, no overlaps, no adjacent ranges. */
export type RangeList = readonly number[];

/** Sorts and merges ranges (the input is any list of pairs); returns a new clean list. */
export function cleanRanges(pairs: readonly number[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) idx.push(i);
  idx.sort((a, b) => pairs[a] - pairs[b] || pairs[b + 1] - pairs[a + 1]);
  const out: number[] = [];
  for (const i of idx) {
    const lo = pairs[i];
    const hi = pairs[i + 1];
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) {
      if (hi > out[n - 1]) out[n - 1] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** The complement of a clean list within [0, MAX_RUNE]. */
export function negateRanges(ranges: RangeList, max = MAX_RUNE): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i] > next) out.push(next, ranges[i] - 1);
    next = ranges[i + 1] + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

/** The part of a clean list that lies within [lo, hi]. */
export function clipRanges(ranges: RangeList, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const a = Math.max(ranges[i], lo);
    const b = Math.min(ranges[i + 1], hi);
    if (a <= b) out.push(a, b);
  }
  return out;
}

export function rangesEqual(a: RangeList, b: RangeList): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function rangesContain(ranges: RangeList, cp: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (cp < ranges[i]) return false;
    if (cp <= ranges[i + 1]) return true;
  }
  return false;
}

/** How many code points a clean list holds. */
export function rangesSize(ranges: RangeList): number {
  let n = 0;
  for (let i = 0; i < ranges.length; i += 2) n += ranges[i + 1] - ranges[i] + 1;
  return n;
}

const c = (s: string): number => s.codePointAt(0) ?? 0;

/** A class that may be negated (`\D`, `[:^alpha:]`): its positive ranges and its sign. */
export interface CharGroup {
  readonly negated: boolean;
  readonly ranges: RangeList;
}

const DIGIT = [c('0'), c('9')];
const WORD = [c('0'), c('9'), c('A'), c('Z'), c('_'), c('_'), c('a'), c('z')];
/** RE2's `\s` is ASCII `[\t\n\f\r ]`: no `\v`, unlike the POSIX `[:space:]`. */
const PERL_SPACE = [9, 10, 12, 13, 32, 32];

/** `\d \D \s \S \w \W`, ASCII-only as in RE2. */
export const PERL_GROUPS: Readonly<Record<string, CharGroup>> = {
  d: { negated: false, ranges: DIGIT },
  D: { negated: true, ranges: DIGIT },
  s: { negated: false, ranges: PERL_SPACE },
  S: { negated: true, ranges: PERL_SPACE },
  w: { negated: false, ranges: WORD },
  W: { negated: true, ranges: WORD },
};

const POSIX_POSITIVE: Readonly<Record<string, RangeList>> = {
  alnum: [c('0'), c('9'), c('A'), c('Z'), c('a'), c('z')],
  alpha: [c('A'), c('Z'), c('a'), c('z')],
  ascii: [0, 0x7f],
  blank: [9, 9, 32, 32],
  cntrl: [0, 0x1f, 0x7f, 0x7f],
  digit: DIGIT,
  graph: [c('!'), c('~')],
  lower: [c('a'), c('z')],
  print: [c(' '), c('~')],
  punct: [c('!'), c('/'), c(':'), c('@'), c('['), c('`'), c('{'), c('~')],
  space: [9, 13, 32, 32],
  upper: [c('A'), c('Z')],
  word: WORD,
  xdigit: [c('0'), c('9'), c('A'), c('F'), c('a'), c('f')],
};

/** Looks up `[:alpha:]` / `[:^alpha:]` (the full bracketed name); undefined when unknown. */
export function posixGroup(bracketedName: string): CharGroup | undefined {
  const m = /^\[:(\^?)([a-z]+):\]$/.exec(bracketedName);
  if (!m) return undefined;
  const ranges = Object.prototype.hasOwnProperty.call(POSIX_POSITIVE, m[2]) ? POSIX_POSITIVE[m[2]] : undefined;
  return ranges ? { negated: m[1] === '^', ranges } : undefined;
}
