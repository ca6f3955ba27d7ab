import { cleanRanges, rangesContain, type RangeList } from './char-class.js';
import type { RegexNode } from './regex-ast.js';

/**
 * Branches of an alternation that can never match at the same position may be tried in any order
 * without changing what the regex matches or captures: at most one of them matches, and a
 * backtracking engine that tries the others first only loses time. `IP` is `IPV6|IPV4`: on the IPv4
 * addresses most log lines start with, irregexp walks every IPv6 form before trying IPv4. With the
 * smaller IPv4 branch first, it answers at once, and an IPv6 address fails IPv4 within 4 characters.
 *
 * Proof of disjointness, from a necessary prefix of each branch: every match of a branch starts
 * with some characters of `run` followed by `ch`. Two such branches (run1, ch1) and
 * (run2, ch2) cannot both match at one position when ch1 ≠ ch2, ch1 ∉ run2 and ch2 ∉ run1: if both
 * did, with prefixes of lengths k1 and k2, k1 = k2 would give ch1 = ch2, and k1 < k2 would put ch1
 * inside the run of branch 2 (symmetrically for k2 < k1).
 */

interface Guard {
  /** Characters that may come before `ch` (a range list). */
  readonly run: RangeList;
  readonly ch: number;
}

const EMPTY: RangeList = [];

/** The characters `node` consumes when it consumes only characters of one set (any number), else null. */
function runOf(node: RegexNode): RangeList | null {
  switch (node.kind) {
    case 'class':
      return node.ranges;
    case 'literal':
      return node.fold ? null : [node.cp, node.cp];
    case 'empty':
    case 'assert':
      return EMPTY;
    case 'capture':
    case 'repeat':
      return runOf(node.sub);
    case 'concat':
    case 'alternate': {
      let run: RangeList = EMPTY;
      for (const s of node.subs) {
        const r = runOf(s);
        if (r === null) return null;
        run = union(run, r);
      }
      return run;
    }
    default:
      return null;
  }
}

function union(a: RangeList, b: RangeList): RangeList {
  return a.length === 0 ? b : b.length === 0 ? a : cleanRanges([...a, ...b]);
}

/** A necessary prefix of every match of `node`, or null when none is found. */
export function guardOf(node: RegexNode): Guard | null {
  switch (node.kind) {
    case 'literal':
      return node.fold ? null : { run: EMPTY, ch: node.cp };
    case 'class':
      // `[.]`: a class of one character is that character.
      return node.ranges.length === 2 && node.ranges[0] === node.ranges[1] ? { run: EMPTY, ch: node.ranges[0]! } : null;
    case 'capture':
      return guardOf(node.sub);
    case 'repeat':
      return node.min >= 1 ? guardOf(node.sub) : null;
    case 'alternate': {
      let run: RangeList = EMPTY;
      let ch = -1;
      for (const s of node.subs) {
        const g = guardOf(s);
        if (g === null || (ch !== -1 && g.ch !== ch)) return null;
        ch = g.ch;
        run = union(run, g.run);
      }
      return ch === -1 ? null : { run, ch };
    }
    case 'concat': {
      let run: RangeList = EMPTY;
      for (const s of node.subs) {
        if (s.kind === 'assert' || s.kind === 'empty') continue; // zero width
        const g = guardOf(s);
        if (g !== null) return { run: union(run, g.run), ch: g.ch };
        const r = runOf(s);
        if (r === null) return null;
        run = union(run, r);
      }
      return null;
    }
    default:
      return null;
  }
}

function disjoint(a: Guard, b: Guard): boolean {
  return a.ch !== b.ch && !rangesContain(b.run, a.ch) && !rangesContain(a.run, b.ch);
}

function size(node: RegexNode): number {
  switch (node.kind) {
    case 'capture':
    case 'repeat':
      return 1 + size(node.sub) * (node.kind === 'repeat' && node.max > 1 ? node.max : 1);
    case 'concat':
    case 'alternate':
      return node.subs.reduce((n, s) => n + size(s), 1);
    default:
      return 1;
  }
}

/**
 * `subs` with smaller branches moved before larger ones, one adjacent swap at a time, and only
 * across a branch it is provably disjoint from (swapping two adjacent branches that cannot match at
 * one position changes nothing: leftmost-first tries the other branch only when the first fails).
 * The same array when nothing moves.
 */
export function orderAlternatives(subs: readonly RegexNode[]): readonly RegexNode[] {
  if (subs.length < 2) return subs;
  const items = subs.map((s) => ({ s, g: guardOf(s), n: size(s) }));
  let moved = false;
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0; j--) {
      const a = items[j - 1]!;
      const b = items[j]!;
      if (!(b.n < a.n && a.g !== null && b.g !== null && disjoint(a.g, b.g))) break;
      items[j - 1] = b;
      items[j] = a;
      moved = true;
    }
  }
  return moved ? items.map((x) => x.s) : subs;
}
