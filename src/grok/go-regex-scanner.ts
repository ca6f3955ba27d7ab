/**
 * The lexical half of the Go RE2 parser: escapes (`\x{263a}`, `\123`, `\n` …), bracketed classes
 * with POSIX and Perl classes and ranges, Unicode classes `\pL` / `\p{Greek}`, and the error type.
 * go-regex-syntax.ts builds the structure (groups, alternation, repetition) on top of it.
 */

import { HerdError } from '../core/index.js';
import { appendFoldedRange, foldRanges, hasFold } from './case-fold.js';
import { cleanRanges, MAX_RUNE, negateRanges, PERL_GROUPS, posixGroup, type CharGroup } from './char-class.js';
import type { RegexNode, UnicodeProperty } from './regex-ast.js';

/** A syntax error: `reason` is Go's wording, `offset` where it was found, `fragment` the culprit. */
export class RegexSyntaxError extends HerdError {
  readonly reason: string;
  readonly offset: number;
  readonly fragment: string;

  constructor(source: string, reason: string, offset: number, fragment: string) {
    super(
      'HERD_REGEX_SYNTAX',
      `invalid regular expression: ${reason} at offset ${offset} (\`${clip(fragment)}\`) in \`${clip(source)}\`; ` +
        'write it in Go RE2 syntax (no lookarounds or backreferences)',
    );
    this.reason = reason;
    this.offset = offset;
    this.fragment = fragment;
  }
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** The Unicode general categories Go knows by their short names. */
const CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl',
  'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

function isScriptName(name: string): boolean {
  if (!/^[A-Z][A-Za-z_]*$/.test(name)) return false;
  try {
    new RegExp(`\\p{Script=${name}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

/** The flags `(?imsU)` in force at the current position. */
export interface Flags {
  readonly fold: boolean;
  readonly multiLine: boolean;
  readonly dotNL: boolean;
  readonly nonGreedy: boolean;
}

export const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isOctal = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '7';
const isAlnum = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);

function unhex(ch: string | undefined): number {
  if (ch === undefined) return -1;
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  if (ch >= 'a' && ch <= 'f') return ch.charCodeAt(0) - 87;
  if (ch >= 'A' && ch <= 'F') return ch.charCodeAt(0) - 55;
  return -1;
}

/** Reads the source left to right; `pos` is the offset (UTF-16 units) of the next character. */
export abstract class GoRegexScanner {
  protected pos = 0;
  protected flags: Flags = { fold: false, multiLine: false, dotNL: false, nonGreedy: false };

  constructor(protected readonly src: string) {}

  protected fail(reason: string, offset: number, fragment: string): RegexSyntaxError {
    return new RegexSyntaxError(this.src, reason, offset, fragment);
  }

  protected literal(cp: number): RegexNode {
    return { kind: 'literal', cp, fold: this.flags.fold && hasFold(cp) };
  }

  /** An escape that stands for one code point (Go's parseEscape); pos is at the backslash. */
  protected parseEscape(): number {
    const src = this.src;
    const start = this.pos;
    this.pos++;
    if (this.pos >= src.length) throw this.fail('trailing backslash at end of expression', start, '\\');
    const cp = this.nextCodePoint();
    const ch = String.fromCodePoint(cp);
    if (cp < 0x80 && !isAlnum(cp)) return cp;
    // Octal: `\0`, or `\1`-`\7` followed by another octal digit (a lone `\1` would be a backreference).
    if (ch === '0' || (isOctal(ch) && isOctal(src[this.pos]))) {
      let r = cp - 48;
      for (let i = 1; i < 3 && isOctal(src[this.pos]); i++) r = r * 8 + src.charCodeAt(this.pos++) - 48;
      return r;
    }
    switch (ch) {
      case 'x': {
        if (this.pos >= src.length) break;
        if (src[this.pos] === '{') {
          this.pos++;
          let r = 0;
          let digits = 0;
          for (;;) {
            if (this.pos >= src.length) return this.badEscape(start);
            const d = src[this.pos++];
            if (d === '}') break;
            const v = unhex(d);
            if (v < 0) return this.badEscape(start);
            r = r * 16 + v;
            if (r > MAX_RUNE) return this.badEscape(start);
            digits++;
          }
          if (digits === 0) return this.badEscape(start);
          return r;
        }
        const x = unhex(src[this.pos++]);
        const y = unhex(src[this.pos++]);
        if (x < 0 || y < 0) {
          this.pos = Math.min(this.pos, src.length);
          break;
        }
        return x * 16 + y;
      }
      case 'a':
        return 7;
      case 'f':
        return 12;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 't':
        return 9;
      case 'v':
        return 11;
      default:
        break;
    }
    return this.badEscape(start);
  }

  private badEscape(start: number): never {
    throw this.fail('invalid escape sequence', start, this.src.slice(start, Math.max(this.pos, start + 2)));
  }

  /** The code point at pos (a surrogate pair counts as one); lone surrogates are invalid UTF-8. */
  protected nextCodePoint(): number {
    const cp = this.src.codePointAt(this.pos) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) throw this.fail('invalid UTF-8', this.pos, this.src.slice(this.pos, this.pos + 1));
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  protected appendGroup(ranges: number[], g: CharGroup): void {
    const base = this.flags.fold ? foldRanges(g.ranges) : g.ranges;
    ranges.push(...(g.negated ? negateRanges(base) : base));
  }

  /** `\pL`, `\p{Greek}`, `\P{^Lu}` at pos: ranges when RE2 is not needed, else a property. */
  protected parseUnicodeItem(): { ranges: number[] } | { prop: UnicodeProperty } {
    const src = this.src;
    const start = this.pos;
    let negated = src[start + 1] === 'P';
    this.pos = start + 2;
    let name: string;
    if (src[this.pos] === '{') {
      const end = src.indexOf('}', this.pos);
      if (end < 0) throw this.fail('invalid character class range', start, src.slice(start));
      name = src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.pos < src.length ? String.fromCodePoint(this.nextCodePoint()) : '';
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === 'Any') return { ranges: negated ? [] : [0, MAX_RUNE] };
    if (name === 'ASCII') {
      const base = this.flags.fold ? foldRanges([0, 0x7f]) : [0, 0x7f];
      return { ranges: negated ? negateRanges(base) : base };
    }
    if (CATEGORIES.has(name) || isScriptName(name)) return { prop: { name, negated } };
    throw this.fail('invalid character class range', start, src.slice(start, this.pos));
  }

  protected unicodeNode(item: { ranges: number[] } | { prop: UnicodeProperty }): RegexNode {
    if ('ranges' in item) return { kind: 'class', ranges: item.ranges };
    return { kind: 'unicodeClass', negated: false, ranges: [], props: [item.prop], fold: this.flags.fold };
  }

  protected parseClass(): RegexNode {
    const src = this.src;
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (src[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: number[] = [];
    const props: UnicodeProperty[] = [];
    let first = true;
    while (this.pos >= src.length || src[this.pos] !== ']' || first) {
      if (this.pos >= src.length) throw this.fail('missing closing ]', start, src.slice(start));
      first = false;
      if (src[this.pos] === '[' && src[this.pos + 1] === ':' && src.length - this.pos > 2) {
        const close = src.indexOf(':]', this.pos + 2);
        if (close >= 0) {
          const name = src.slice(this.pos, close + 2);
          const g = posixGroup(name);
          if (!g) throw this.fail('invalid character class range', this.pos, name);
          this.appendGroup(ranges, g);
          this.pos = close + 2;
          continue;
        }
      }
      const next = src[this.pos + 1];
      if (src[this.pos] === '\\' && (next === 'p' || next === 'P')) {
        const item = this.parseUnicodeItem();
        if ('ranges' in item) ranges.push(...item.ranges);
        else props.push(item.prop);
        continue;
      }
      if (src[this.pos] === '\\' && next !== undefined && Object.prototype.hasOwnProperty.call(PERL_GROUPS, next)) {
        this.pos += 2;
        this.appendGroup(ranges, PERL_GROUPS[next]);
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(start);
      let hi = lo;
      if (src.length - this.pos >= 2 && src[this.pos] === '-' && src[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.parseClassChar(start);
        if (hi < lo) throw this.fail('invalid character class range', rangeStart, src.slice(rangeStart, this.pos));
      }
      if (this.flags.fold) appendFoldedRange(ranges, lo, hi);
      else ranges.push(lo, hi);
    }
    this.pos++;
    const clean = cleanRanges(ranges);
    if (props.length === 0) return { kind: 'class', ranges: negated ? negateRanges(clean) : clean };
    return { kind: 'unicodeClass', negated, ranges: clean, props, fold: this.flags.fold };
  }

  private parseClassChar(classStart: number): number {
    if (this.pos >= this.src.length) throw this.fail('missing closing ]', classStart, this.src.slice(classStart));
    if (this.src[this.pos] === '\\') return this.parseEscape();
    return this.nextCodePoint();
  }
}
