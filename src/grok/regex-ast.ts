/**
 * The parsed form of a Go RE2 regular expression. Flags are resolved while parsing: `(?s)` has
 * already turned `.` into a class, `(?i)` marks literals and has already folded classes, `(?U)`
 * has already swapped greediness, `(?m)` has chosen line or text anchors. What is left is the
 * structure both emitters (V8 and RE2) need.
 */

import type { RangeList } from './char-class.js';

export type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary';

/** A `\p{…}` item; kept by name because only RE2 can run it. */
export interface UnicodeProperty {
  readonly name: string;
  readonly negated: boolean;
}

export type RegexNode =
  | { readonly kind: 'empty' }
  /** One code point; `fold` when `(?i)` applies and the code point has other cases. */
  | { readonly kind: 'literal'; readonly cp: number; readonly fold: boolean }
  /** A resolved set of code points (may be empty: never matches). */
  | { readonly kind: 'class'; readonly ranges: RangeList }
  /** A class that contains `\p{…}` items: `[^ranges props]`, folded by RE2 when `fold`. */
  | {
      readonly kind: 'unicodeClass';
      readonly negated: boolean;
      readonly ranges: RangeList;
      readonly props: readonly UnicodeProperty[];
      readonly fold: boolean;
    }
  | { readonly kind: 'assert'; readonly assertion: Assertion }
  /** A capturing group; `index` is 1-based in source order; `offset` is where its `(` is. */
  | {
      readonly kind: 'capture';
      readonly index: number;
      readonly name: string | undefined;
      readonly offset: number;
      readonly sub: RegexNode;
    }
  | { readonly kind: 'concat'; readonly subs: readonly RegexNode[] }
  | { readonly kind: 'alternate'; readonly subs: readonly RegexNode[] }
  /** `max` is -1 when unbounded. `braces` is true for the `{n,m}` forms (Go limits their nesting). */
  | {
      readonly kind: 'repeat';
      readonly min: number;
      readonly max: number;
      readonly greedy: boolean;
      readonly braces: boolean;
      readonly sub: RegexNode;
    };

export type CaptureNode = Extract<RegexNode, { kind: 'capture' }>;
export type RepeatNode = Extract<RegexNode, { kind: 'repeat' }>;

/** Whether the node can match the empty string (assertions count as empty). */
export function isNullable(node: RegexNode): boolean {
  switch (node.kind) {
    case 'empty':
    case 'assert':
      return true;
    case 'literal':
    case 'class':
    case 'unicodeClass':
      return false;
    case 'capture':
      return isNullable(node.sub);
    case 'concat':
      return node.subs.every(isNullable);
    case 'alternate':
      return node.subs.some(isNullable);
    case 'repeat':
      return node.min === 0 || isNullable(node.sub);
  }
}

/** Calls `visit` on every capture inside `node` (including `node`), in source order. */
export function forEachCapture(node: RegexNode, visit: (c: CaptureNode) => void): void {
  switch (node.kind) {
    case 'capture':
      visit(node);
      forEachCapture(node.sub, visit);
      return;
    case 'concat':
    case 'alternate':
      for (const s of node.subs) forEachCapture(s, visit);
      return;
    case 'repeat':
      forEachCapture(node.sub, visit);
      return;
    default:
      return;
  }
}

export function hasCapture(node: RegexNode): boolean {
  let found = false;
  forEachCapture(node, () => {
    found = true;
  });
  return found;
}

/** Whether every match of `node` sets capture `index` (directly or in a required part). */
export function alwaysSetsCapture(node: RegexNode, index: number): boolean {
  switch (node.kind) {
    case 'capture':
      return node.index === index || alwaysSetsCapture(node.sub, index);
    case 'concat':
      return node.subs.some((s) => alwaysSetsCapture(s, index));
    case 'alternate':
      return node.subs.length > 0 && node.subs.every((s) => alwaysSetsCapture(s, index));
    case 'repeat':
      return node.min >= 1 && alwaysSetsCapture(node.sub, index);
    default:
      return false;
  }
}

/**
 * Rebuilds `node` keeping only the captures `keep` accepts, renumbered 1..n in source order;
 * the others become plain groups. Returns the new tree and, for each kept capture, its old index.
 */
export function keepCaptures(
  node: RegexNode,
  keep: (c: CaptureNode) => boolean,
): { readonly node: RegexNode; readonly oldIndexes: readonly number[] } {
  const oldIndexes: number[] = [];
  const walk = (n: RegexNode): RegexNode => {
    switch (n.kind) {
      case 'capture': {
        if (!keep(n)) return walk(n.sub);
        oldIndexes.push(n.index);
        const index = oldIndexes.length;
        return { kind: 'capture', index, name: n.name, offset: n.offset, sub: walk(n.sub) };
      }
      case 'concat':
        return { kind: 'concat', subs: n.subs.map(walk) };
      case 'alternate':
        return { kind: 'alternate', subs: n.subs.map(walk) };
      case 'repeat':
        return { ...n, sub: walk(n.sub) };
      default:
        return n;
    }
  };
  const out = walk(node);
  return { node: out, oldIndexes };
}
