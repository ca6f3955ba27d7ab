/**
 * A parser for Go's regexp/syntax with Perl flags (what `regexp.Compile` accepts), producing the
 * AST of regex-ast.ts. It follows Go's rules where they are surprising: `{` that is not a valid
 * repeat is a literal; `**` is an error; `\1` is an error (no backreferences); flags set by `(?i)`
 * last until the enclosing group closes, across `|`; repeat counts are at most 1000, also as a
 * product when `{n,m}` repeats nest; `\s \d \w \b` are ASCII; `(?P<n>…)` and `(?<n>…)` name groups.
 */

import { cleanRanges, MAX_RUNE, PERL_GROUPS } from './char-class.js';
import { GoRegexScanner, isDigit } from './go-regex-scanner.js';
import type { Assertion, RegexNode } from './regex-ast.js';

export { RegexSyntaxError } from './go-regex-scanner.js';

/** Go's limit on a repeat count, and on the product of nested `{n,m}` counts. */
export const MAX_REPEAT = 1000;
/** Group nesting deeper than this is refused, as Go refuses trees higher than 1000. */
export const MAX_NESTING = 1000;

export interface CaptureInfo {
  /** 1-based, in the order of the opening parentheses. */
  readonly index: number;
  readonly name: string | undefined;
  /** Offset (UTF-16 units) of the group's `(` in the source. */
  readonly offset: number;
}

export interface ParsedRegex {
  readonly source: string;
  readonly ast: RegexNode;
  readonly groupCount: number;
  /** `captures[i]` describes group `i + 1`. */
  readonly captures: readonly CaptureInfo[];
}

const EMPTY: RegexNode = { kind: 'empty' };
const ANY_CHAR: RegexNode = { kind: 'class', ranges: [0, MAX_RUNE] };
const ANY_CHAR_NOT_NL: RegexNode = { kind: 'class', ranges: [0, 9, 11, MAX_RUNE] };

/** Whether a `{n,m}` repeat and the ones nested in it stay within `n` copies (Go's repeatIsValid). */
function repeatIsValid(node: RegexNode, n: number): boolean {
  if (node.kind === 'repeat' && node.braces) {
    let m = node.max;
    if (m === 0) return true;
    if (m < 0) m = node.min;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  switch (node.kind) {
    case 'capture':
    case 'repeat':
      return repeatIsValid(node.sub, n);
    case 'concat':
    case 'alternate':
      return node.subs.every((s) => repeatIsValid(s, n));
    default:
      return true;
  }
}

class Parser extends GoRegexScanner {
  private depth = 0;
  readonly captures: CaptureInfo[] = [];

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.pos < this.src.length) throw this.fail('unexpected )', this.pos, this.src);
    return node;
  }

  private parseAlternation(): RegexNode {
    const branches = [this.parseConcat()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.parseConcat());
    }
    return branches.length === 1 ? branches[0] : { kind: 'alternate', subs: branches };
  }

  private parseConcat(): RegexNode {
    const src = this.src;
    const items: RegexNode[] = [];
    // Where the previous token started when it was a repetition operator (Go refuses `a**`).
    let lastRepeat = -1;
    while (this.pos < src.length) {
      const ch = src[this.pos];
      if (ch === '|' || ch === ')') break;
      let repeat = -1;
      switch (ch) {
        case '(': {
          const node = this.parseGroup();
          if (node) items.push(node);
          break;
        }
        case '^':
          this.pos++;
          items.push(this.assert(this.flags.multiLine ? 'beginLine' : 'beginText'));
          break;
        case '$':
          this.pos++;
          items.push(this.assert(this.flags.multiLine ? 'endLine' : 'endText'));
          break;
        case '.':
          this.pos++;
          items.push(this.flags.dotNL ? ANY_CHAR : ANY_CHAR_NOT_NL);
          break;
        case '[':
          items.push(this.parseClass());
          break;
        case '*':
        case '+':
        case '?': {
          repeat = this.pos;
          this.pos++;
          const min = ch === '+' ? 1 : 0;
          const max = ch === '?' ? 1 : -1;
          this.applyRepeat(items, min, max, false, repeat, lastRepeat);
          break;
        }
        case '{': {
          const start = this.pos;
          const r = this.parseBraces();
          if (!r) {
            this.pos++;
            items.push(this.literal(0x7b));
            break;
          }
          if (r.min < 0 || r.min > MAX_REPEAT || r.max > MAX_REPEAT || (r.max >= 0 && r.min > r.max)) {
            throw this.fail('invalid repeat count', start, src.slice(start, r.end));
          }
          this.pos = r.end;
          repeat = start;
          this.applyRepeat(items, r.min, r.max, true, start, lastRepeat);
          break;
        }
        case '\\':
          this.parseBackslash(items);
          break;
        default:
          items.push(this.literal(this.nextCodePoint()));
      }
      lastRepeat = repeat;
    }
    if (items.length === 0) return EMPTY;
    if (items.length === 1) return items[0];
    // `(?:ab)c` is one sequence, as in Go (repetitions are already applied to their item).
    const subs: RegexNode[] = [];
    for (const item of items) {
      if (item.kind === 'concat') subs.push(...item.subs);
      else subs.push(item);
    }
    return { kind: 'concat', subs };
  }

  private assert(assertion: Assertion): RegexNode {
    return { kind: 'assert', assertion };
  }

  private applyRepeat(items: RegexNode[], min: number, max: number, braces: boolean, start: number, lastRepeat: number): void {
    let greedy = !this.flags.nonGreedy;
    if (this.src[this.pos] === '?') {
      this.pos++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) {
      throw this.fail('invalid nested repetition operator', lastRepeat, this.src.slice(lastRepeat, this.pos));
    }
    const sub = items.pop();
    if (sub === undefined) {
      throw this.fail('missing argument to repetition operator', start, this.src.slice(start, this.pos));
    }
    const node: RegexNode = { kind: 'repeat', min, max, greedy, braces, sub };
    if (braces && (min >= 2 || max >= 2) && !repeatIsValid(node, MAX_REPEAT)) {
      throw this.fail('invalid repeat count', start, this.src.slice(start, this.pos));
    }
    items.push(node);
  }

  /** `{n}`, `{n,}`, `{n,m}` at pos, without consuming; undefined when `{` is a literal. */
  private parseBraces(): { min: number; max: number; end: number } | undefined {
    const src = this.src;
    let i = this.pos + 1;
    const parseInt = (): number | undefined => {
      if (!isDigit(src[i])) return undefined;
      if (src[i] === '0' && isDigit(src[i + 1])) return undefined;
      let n = 0;
      for (; isDigit(src[i]); i++) {
        if (n >= 1e8) n = -1;
        if (n >= 0) n = n * 10 + src.charCodeAt(i) - 48;
      }
      return n;
    };
    const min = parseInt();
    if (min === undefined || i >= src.length) return undefined;
    let max = min;
    let lo = min;
    if (src[i] === ',') {
      i++;
      if (i >= src.length) return undefined;
      if (src[i] === '}') {
        max = -1;
      } else {
        const m = parseInt();
        if (m === undefined) return undefined;
        max = m;
        if (m < 0) lo = -1;
      }
    }
    if (src[i] !== '}') return undefined;
    return { min: lo, max, end: i + 1 };
  }

  private parseGroup(): RegexNode | undefined {
    const src = this.src;
    const start = this.pos;
    if (src[start + 1] !== '?') {
      this.pos++;
      return this.parseCapture(start, undefined);
    }
    const rest = src.length - start;
    const withP = rest > 4 && src[start + 2] === 'P' && src[start + 3] === '<';
    const withName = rest > 3 && src[start + 2] === '<';
    if (withP || withName) {
      const end = src.indexOf('>', start);
      if (end < 0) throw this.fail('invalid named capture', start, src.slice(start));
      const name = src.slice(start + (withP ? 4 : 3), end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw this.fail('invalid named capture', start, src.slice(start, end + 1));
      this.pos = end + 1;
      return this.parseCapture(start, name);
    }
    // Flags, with or without a group: (?i) (?i-s:…) (?:…)
    this.pos = start + 2;
    let flags = this.flags;
    let negate = false;
    let sawFlag = false;
    while (this.pos < src.length) {
      const ch = String.fromCodePoint(this.nextCodePoint());
      const on = !negate;
      switch (ch) {
        case 'i':
          flags = { ...flags, fold: on };
          sawFlag = true;
          continue;
        case 'm':
          flags = { ...flags, multiLine: on };
          sawFlag = true;
          continue;
        case 's':
          flags = { ...flags, dotNL: on };
          sawFlag = true;
          continue;
        case 'U':
          flags = { ...flags, nonGreedy: on };
          sawFlag = true;
          continue;
        case '-':
          if (negate) break;
          negate = true;
          sawFlag = false;
          continue;
        case ':':
        case ')': {
          if (negate && !sawFlag) break;
          if (ch === ')') {
            this.flags = flags;
            return undefined;
          }
          const saved = this.flags;
          this.flags = flags;
          const sub = this.parseGroupBody(start);
          this.flags = saved;
          return sub;
        }
        default:
          break;
      }
      break;
    }
    throw this.fail('invalid or unsupported Perl syntax', start, src.slice(start, this.pos));
  }

  private parseCapture(start: number, name: string | undefined): RegexNode {
    const index = this.captures.length + 1;
    this.captures.push({ index, name, offset: start });
    const saved = this.flags;
    const sub = this.parseGroupBody(start);
    this.flags = saved;
    return { kind: 'capture', index, name, offset: start, sub };
  }

  /** Parses up to and including the `)` that closes the group opened at `start`. */
  private parseGroupBody(start: number): RegexNode {
    if (++this.depth > MAX_NESTING) throw this.fail('expression nests too deeply', start, this.src.slice(start, start + 20));
    const sub = this.parseAlternation();
    this.depth--;
    if (this.src[this.pos] !== ')') throw this.fail('missing closing )', start, this.src.slice(start));
    this.pos++;
    return sub;
  }

  private parseBackslash(items: RegexNode[]): void {
    const src = this.src;
    const start = this.pos;
    const next = src[start + 1];
    switch (next) {
      case 'A':
        this.pos += 2;
        items.push(this.assert('beginText'));
        return;
      case 'z':
        this.pos += 2;
        items.push(this.assert('endText'));
        return;
      case 'b':
        this.pos += 2;
        items.push(this.assert('wordBoundary'));
        return;
      case 'B':
        this.pos += 2;
        items.push(this.assert('notWordBoundary'));
        return;
      case 'C':
        throw this.fail('invalid escape sequence', start, '\\C');
      case 'Q': {
        const end = src.indexOf('\\E', start + 2);
        const stop = end < 0 ? src.length : end;
        this.pos = start + 2;
        while (this.pos < stop) items.push(this.literal(this.nextCodePoint()));
        this.pos = end < 0 ? src.length : end + 2;
        return;
      }
      case 'p':
      case 'P':
        items.push(this.unicodeNode(this.parseUnicodeItem()));
        return;
      default:
        break;
    }
    if (next !== undefined && Object.prototype.hasOwnProperty.call(PERL_GROUPS, next)) {
      this.pos += 2;
      const ranges: number[] = [];
      this.appendGroup(ranges, PERL_GROUPS[next]);
      items.push({ kind: 'class', ranges: cleanRanges(ranges) });
      return;
    }
    items.push(this.literal(this.parseEscape()));
  }
}

/** Parses a Go RE2 regular expression; throws RegexSyntaxError (HERD_REGEX_SYNTAX). */
export function parseGoRegex(source: string): ParsedRegex {
  const parser = new Parser(source);
  const ast = parser.parse();
  return { source, ast, groupCount: parser.captures.length, captures: parser.captures };
}
