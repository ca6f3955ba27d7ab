/**
 * Unicode simple case folding as RE2 applies it under `(?i)`: every code point belongs to an
 * orbit of code points that fold to the same one (k, K and the Kelvin sign U+212A; s, S and
 * ſ U+017F; σ, ς, Σ …). The linear V8 engine refuses the `i` flag, so case-insensitive parts of a
 * pattern are expanded into explicit character sets built from these orbits.
 *
 * ASCII orbits are written here; the others are derived once, on first use, from the JS engine's
 * own Unicode data: candidate pairs come from `toLowerCase`/`toUpperCase` and each pair is
 * confirmed with a `/iu` match, whose canonicalisation is exactly simple case folding.
 */

import { cleanRanges, type RangeList } from './char-class.js';

/** The lowest and highest code points that take part in any case folding (as in Go). */
const MIN_FOLD = 0x41;
const MAX_FOLD = 0x1e943;

const KELVIN = 0x212a;
const LONG_S = 0x17f;

interface FoldTable {
  /** Orbit (sorted, including the code point) of every code point whose orbit has 2+ members. */
  readonly orbits: ReadonlyMap<number, readonly number[]>;
  /** The keys of `orbits`, sorted, for scanning a range. */
  readonly folding: Int32Array;
}

let table: FoldTable | undefined;

/** Built once per process: constant data derived from the engine, not state. */
function foldTable(): FoldTable {
  if (table) return table;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (!parent.has(ra)) parent.set(ra, ra);
    if (!parent.has(rb)) parent.set(rb, rb);
    if (ra !== rb) parent.set(ra, rb);
  };
  const foldEqual = (a: number, b: number): boolean =>
    new RegExp(`^\\u{${a.toString(16)}}$`, 'iu').test(String.fromCodePoint(b));
  for (let cp = MIN_FOLD; cp <= MAX_FOLD; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    for (const other of [ch.toLowerCase(), ch.toUpperCase()]) {
      if (other === ch) continue;
      const o = other.codePointAt(0) ?? cp;
      if (other.length !== String.fromCodePoint(o).length || o === cp) continue;
      if (foldEqual(cp, o)) union(cp, o);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = []));
    g.push(cp);
  }
  const orbits = new Map<number, readonly number[]>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a - b);
    for (const cp of g) orbits.set(cp, g);
  }
  const folding = Int32Array.from([...orbits.keys()].sort((a, b) => a - b));
  table = { orbits, folding };
  return table;
}

/** The orbit of an ASCII code point, without building the Unicode table. */
function asciiOrbit(cp: number): readonly number[] {
  if (cp >= 0x61 && cp <= 0x7a) cp -= 0x20;
  if (cp < 0x41 || cp > 0x5a) return [cp];
  const lower = cp + 0x20;
  if (cp === 0x4b) return [cp, lower, KELVIN];
  if (cp === 0x53) return [cp, lower, LONG_S];
  return [cp, lower];
}

/** Every code point that `(?i)` makes equal to `cp`, including `cp`, in ascending order. */
export function foldOrbit(cp: number): readonly number[] {
  if (cp < MIN_FOLD || cp > MAX_FOLD) return [cp];
  if (cp < 0x80) return asciiOrbit(cp);
  return foldTable().orbits.get(cp) ?? [cp];
}

/** Whether `(?i)` changes what `cp` matches. */
export function hasFold(cp: number): boolean {
  return foldOrbit(cp).length > 1;
}

/** Adds [lo, hi] and everything that folds to a member of it (Go's appendFoldedRange). */
export function appendFoldedRange(out: number[], lo: number, hi: number): void {
  out.push(lo, hi);
  if (hi < MIN_FOLD || lo > MAX_FOLD) return;
  if (lo <= MIN_FOLD && hi >= MAX_FOLD) return;
  if (hi < 0x80) {
    for (let cp = Math.max(lo, MIN_FOLD); cp <= hi; cp++) {
      for (const f of asciiOrbit(cp)) if (f < lo || f > hi) out.push(f, f);
    }
    return;
  }
  const { folding, orbits } = foldTable();
  // Binary search the first folding code point >= lo, then walk the range.
  let a = 0;
  let b = folding.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (folding[m] < lo) a = m + 1;
    else b = m;
  }
  for (let i = a; i < folding.length && folding[i] <= hi; i++) {
    for (const f of orbits.get(folding[i]) ?? []) if (f < lo || f > hi) out.push(f, f);
  }
}

/** The case-folded closure of a clean range list. */
export function foldRanges(ranges: RangeList): number[] {
  const out: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) appendFoldedRange(out, ranges[i], ranges[i + 1]);
  return cleanRanges(out);
}
