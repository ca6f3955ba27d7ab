/**
 * Emits a JS regex source (no flags) from the Go AST, written so that V8's linear engine accepts
 * it and so that backtracking irregexp gives RE2's answer: counted repeats become copies and
 * nested optionals, `(?i)` becomes explicit classes, classes are listed exactly, `.` is `[^\n]`.
 * When a construct cannot be given RE2's meaning this way, emission stops with the reason and
 * the caller runs the pattern on RE2 instead.
 *
 * Capture numbering: a Go group inside a copied repeat gets one JS group per copy. `copies[g]`
 * lists them in source order, which is also iteration order, so Go's value (the last iteration
 * that set the group) is the last copy that is defined.
 */

import { foldOrbit } from './case-fold.js';
import { cleanRanges, clipRanges, MAX_RUNE, negateRanges, type RangeList } from './char-class.js';
import { orderAlternatives } from './disjoint-branches.js';
import { alwaysSetsCapture, forEachCapture, hasCapture, isNullable, type RegexNode } from './regex-ast.js';

/** Larger emitted sources go to RE2 (Go's own limits keep real patterns far below this). */
export const MAX_JS_SOURCE_LENGTH = 1 << 20;

/**
 * V8's linear engine replicates the body of a counted quantifier (max times, or min + 1 for an
 * unbounded one) and refuses code replicated more than 16 times in all.
 */
const MAX_REPLICATION = 16;

export type JsEmitResult =
  | {
      readonly ok: true;
      readonly source: string;
      /** `copies[g]`: the JS group numbers standing for Go group g (index 0 unused). */
      readonly copies: readonly (readonly number[])[];
      readonly jsGroupCount: number;
    }
  | { readonly ok: false; readonly reason: string };

class CannotEmit extends Error {}

interface Out {
  readonly src: string;
  /** Whether a quantifier can follow `src` directly. */
  readonly atom: boolean;
}

const SYNTAX = '\\^$.|?*+()[]{}/';
const CLASS_SYNTAX = '\\]^-[';

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** One UTF-16 code unit, escaped where needed. */
function unit(u: number, inClass: boolean): string {
  if (u >= 0x20 && u < 0x7f) {
    const ch = String.fromCharCode(u);
    return (inClass ? CLASS_SYNTAX : SYNTAX).includes(ch) ? `\\${ch}` : ch;
  }
  return u < 0x100 ? `\\x${hex(u, 2)}` : `\\u${hex(u, 4)}`;
}

/** A code point as one or two code units (a surrogate pair), outside a class. */
function codePoint(cp: number): string {
  if (cp <= 0xffff) return unit(cp, false);
  const s = String.fromCodePoint(cp);
  return unit(s.charCodeAt(0), false) + unit(s.charCodeAt(1), false);
}

function classItems(ranges: RangeList): string {
  let s = '';
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i];
    const hi = ranges[i + 1];
    s += unit(lo, true);
    if (hi === lo + 1) s += unit(hi, true);
    else if (hi > lo) s += `-${unit(hi, true)}`;
  }
  return s;
}

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

/**
 * A class over code units. Code points outside the BMP are two units in JS: a class that holds
 * all of them (negated classes, `.`) matches each surrogate alone, like `.` does in JS; a class
 * that holds only some of them cannot be written without the `u` flag.
 */
function classSource(ranges: RangeList): Out {
  let bmp = [...clipRanges(ranges, 0, 0xd7ff), ...clipRanges(ranges, 0xe000, 0xffff)];
  const astral = clipRanges(ranges, 0x10000, MAX_RUNE);
  if (astral.length > 0) {
    if (astral.length !== 2 || astral[0] !== 0x10000 || astral[1] !== MAX_RUNE) {
      throw new CannotEmit('a class holding only some characters outside the Basic Multilingual Plane');
    }
    bmp = cleanRanges([...bmp, 0xd800, 0xdfff]);
  }
  if (bmp.length === 0) return { src: '[]', atom: true };
  if (bmp.length === 2 && bmp[0] === 0 && bmp[1] === 0xffff) return { src: '[^]', atom: true };
  if (bmp.length === 2 && bmp[0] === bmp[1]) return { src: unit(bmp[0], false), atom: true };
  const positive = classItems(bmp);
  const negative = classItems(negateRanges(bmp, 0xffff));
  return { src: negative.length < positive.length ? `[^${negative}]` : `[${positive}]`, atom: true };
}

function literalSource(cp: number, fold: boolean): Out {
  const members = fold ? foldOrbit(cp) : [cp];
  if (members.length === 1) {
    if (isSurrogate(cp)) return { src: '[]', atom: true };
    return { src: codePoint(cp), atom: cp <= 0xffff };
  }
  if (members.every((m) => m <= 0xffff)) {
    const pairs: number[] = [];
    for (const m of members) pairs.push(m, m);
    return classSource(cleanRanges(pairs));
  }
  return { src: `(?:${members.map(codePoint).join('|')})`, atom: true };
}

function quantified(out: Out, quantifier: string): string {
  return out.atom ? out.src + quantifier : `(?:${out.src})${quantifier}`;
}

class Emitter {
  private jsGroups = 0;
  /** How many times V8's linear engine replicates the code being emitted (see MAX_REPLICATION). */
  private replication = 1;
  readonly copies: number[][];

  constructor(groupCount: number) {
    this.copies = Array.from({ length: groupCount + 1 }, () => []);
  }

  get jsGroupCount(): number {
    return this.jsGroups;
  }

  emit(node: RegexNode): Out {
    const out = this.emitNode(node);
    if (out.src.length > MAX_JS_SOURCE_LENGTH) {
      throw new CannotEmit(`the expanded expression is larger than ${MAX_JS_SOURCE_LENGTH} characters`);
    }
    return out;
  }

  private emitNode(node: RegexNode): Out {
    switch (node.kind) {
      case 'empty':
        return { src: '(?:)', atom: true };
      case 'literal':
        return literalSource(node.cp, node.fold);
      case 'class':
        return classSource(node.ranges);
      case 'unicodeClass':
        throw new CannotEmit('a Unicode class \\p{…} (the linear V8 engine refuses the u flag)');
      case 'assert':
        switch (node.assertion) {
          case 'beginText':
            return { src: '^', atom: false };
          case 'endText':
            return { src: '$', atom: false };
          case 'wordBoundary':
            return { src: '\\b', atom: false };
          case 'notWordBoundary':
            return { src: '\\B', atom: false };
          default:
            throw new CannotEmit('a multi-line anchor (?m)^ or (?m)$ (JS also ends lines at \\r, U+2028 and U+2029)');
        }
      case 'capture': {
        const js = ++this.jsGroups;
        this.copies[node.index].push(js);
        if (node.sub.kind === 'alternate') return { src: `(${this.alternatives(node.sub.subs)})`, atom: true };
        return { src: `(${this.emit(node.sub).src})`, atom: true };
      }
      case 'concat': {
        let src = '';
        for (const s of node.subs) src += this.emit(s).src;
        return { src, atom: false };
      }
      case 'alternate':
        return { src: `(?:${this.alternatives(node.subs)})`, atom: true };
      case 'repeat':
        return this.emitRepeat(node.sub, node.min, node.max, node.greedy);
    }
  }

  private alternatives(subs: readonly RegexNode[]): string {
    // Branches that cannot match at the same position go smallest first (see disjoint-branches.ts).
    return orderAlternatives(subs)
      .map((s) => (s.kind === 'empty' ? '' : this.emit(s).src))
      .join('|');
  }

  private emitRepeat(sub: RegexNode, min: number, max: number, greedy: boolean): Out {
    const lazy = greedy ? '' : '?';
    let src = '';
    if (max === -1) {
      // JS refuses an iteration that matches empty, RE2 takes it and stops: they disagree.
      if (isNullable(sub)) throw new CannotEmit('a loop whose body can match the empty string');
      // JS clears a loop's captures at each iteration, Go keeps the last value set.
      forEachCapture(sub, (c) => {
        if (!alwaysSetsCapture(sub, c.index)) {
          throw new CannotEmit(`capture group ${c.index} inside a loop is not set by every iteration`);
        }
      });
      for (let i = 1; i < min; i++) src += this.emit(sub).src;
      const body = this.replicated(min === 0 ? 1 : 2, () => this.emit(sub));
      src += quantified(body, (min === 0 ? '*' : '+') + lazy);
      return { src, atom: false };
    }
    // A counted quantifier is kept when JS gives it RE2's meaning (no captures to keep per
    // iteration, no empty iteration) and the linear engine accepts its replication.
    if (max >= 2 && max * this.replication <= MAX_REPLICATION && !isNullable(sub) && !hasCapture(sub)) {
      const body = this.replicated(max, () => this.emit(sub));
      return { src: quantified(body, `${min === max ? `{${min}}` : `{${min},${max}}`}${lazy}`), atom: false };
    }
    for (let i = 0; i < min; i++) src += this.emit(sub).src;
    src += this.emitOptionals(sub, max - min, greedy);
    return { src: src === '' ? '(?:)' : src, atom: src === '' };
  }

  /** Emits under a quantifier that V8's linear engine replicates `factor` times. */
  private replicated(factor: number, emit: () => Out): Out {
    const saved = this.replication;
    this.replication *= factor;
    try {
      return emit();
    } finally {
      this.replication = saved;
    }
  }

  /** `count` nested optional copies: x(?:x(?:x)?)? without a counted quantifier. */
  private emitOptionals(sub: RegexNode, count: number, greedy: boolean): string {
    if (count === 0) return '';
    const body = this.emit(sub).src + this.emitOptionals(sub, count - 1, greedy);
    // An optional whose body can match empty is written as an alternation: JS's `?` would
    // refuse the empty iteration and try the body's other choices first, RE2 would not.
    if (isNullable(sub)) return greedy ? `(?:${body}|)` : `(?:|${body})`;
    return greedy ? `(?:${body})?` : `(?:${body})??`;
  }
}

/**
 * Emits consecutive parts of one expression with one emitter: the sources, and how many JS groups
 * the parts before each one hold, numbered as in emitJsRegex of the whole. Undefined when a part
 * cannot be emitted.
 */
export function emitJsParts(parts: readonly RegexNode[], groupCount: number): { readonly sources: readonly string[]; readonly groupsBefore: readonly number[] } | undefined {
  const emitter = new Emitter(groupCount);
  const sources: string[] = [];
  const groupsBefore: number[] = [];
  try {
    for (const part of parts) {
      groupsBefore.push(emitter.jsGroupCount);
      sources.push(emitter.emit(part).src);
    }
  } catch (err) {
    if (err instanceof CannotEmit) return undefined;
    throw err;
  }
  return { sources, groupsBefore };
}

/** Emits the JS source for a parsed Go regex with `groupCount` captures. */
export function emitJsRegex(ast: RegexNode, groupCount: number): JsEmitResult {
  const emitter = new Emitter(groupCount);
  try {
    const { src } = emitter.emit(ast);
    return { ok: true, source: src, copies: emitter.copies, jsGroupCount: emitter.jsGroupCount };
  } catch (err) {
    if (err instanceof CannotEmit) return { ok: false, reason: err.message };
    throw err;
  }
}
