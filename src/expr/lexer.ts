/**
 * Tokens of expr-lang, following its lexer's decisions exactly (which operators are glued, how `not in`
 * is one token, numbers such as `1..3`, string escapes). Positions are UTF-16 offsets into the source.
 */
import { LexError } from './errors.js';
import { unescape } from './string-literal.js';

export { LexError };

export type TokenKind = 'Identifier' | 'Number' | 'String' | 'Operator' | 'Bracket' | 'EOF';

export interface Token {
  kind: TokenKind;
  value: string;
  pos: number;
}

const KEYWORD_OPERATORS = new Set([
  'in',
  'or',
  'and',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'let',
  'if',
  'else',
]);
const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isAlphabetic(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
  return LETTER.test(ch);
}

function isAlphaNumeric(ch: string): boolean {
  if (ch === '') return false;
  const c = ch.charCodeAt(0);
  if (c < 0x80) return isAlphabetic(ch) || (c >= 0x30 && c <= 0x39);
  return LETTER.test(ch) || DIGIT.test(ch);
}

/** True when `name` would lex as one identifier (used to allow `a.not`, `a.matches` as property names). */
export function isValidIdentifier(name: string): boolean {
  const chars = Array.from(name);
  if (chars.length === 0 || !isAlphabetic(chars[0])) return false;
  return chars.every(isAlphaNumeric);
}

class Lexer {
  private readonly src: string;
  private start = 0;
  private end = 0;
  readonly tokens: Token[] = [];

  constructor(src: string) {
    this.src = src;
  }

  /** The next code point as a string ('' at the end), advancing. */
  private next(): string {
    if (this.end >= this.src.length) {
      this.end = this.src.length + 1; // past the end, so a backup() returns to the end
      return '';
    }
    const cp = this.src.codePointAt(this.end)!;
    const ch = String.fromCodePoint(cp);
    this.end += ch.length;
    return ch;
  }

  private peek(): string {
    if (this.end >= this.src.length) return '';
    return String.fromCodePoint(this.src.codePointAt(this.end)!);
  }

  private backup(ch: string): void {
    this.end -= ch === '' ? 1 : ch.length;
  }

  private accept(valid: string): boolean {
    const ch = this.peek();
    if (ch !== '' && valid.includes(ch)) {
      this.end += ch.length;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private word(): string {
    return this.src.slice(this.start, this.end);
  }

  private emit(kind: TokenKind, value = this.word()): void {
    this.tokens.push({ kind, value: internalize(value), pos: this.start });
    this.start = this.end;
  }

  private fail(message: string, pos = Math.max(0, Math.min(this.end, this.src.length) - 1)): never {
    throw new LexError(message, pos);
  }

  run(): Token[] {
    for (;;) {
      const ch = this.next();
      if (ch === '') {
        this.tokens.push({ kind: 'EOF', value: '', pos: this.src.length });
        return this.tokens;
      }
      const c = ch.codePointAt(0)!;
      if (isGoSpace(c)) {
        this.start = this.end;
      } else if (ch === "'" || ch === '"') {
        this.scanString(ch);
        this.emit('String', unescape(this.word(), this.start));
      } else if (ch === '`') {
        this.scanRawString();
      } else if (c >= 0x30 && c <= 0x39) {
        this.backup(ch);
        this.number();
      } else if (ch === '?') {
        this.accept('.?');
        this.emit('Operator');
      } else if (ch === '/') {
        if (this.accept('/')) this.lineComment();
        else if (this.accept('*')) this.blockComment();
        else this.emit('Operator');
      } else if (ch === '#') {
        this.pointer();
      } else if (ch === '|') {
        this.accept('|');
        this.emit('Operator');
      } else if (ch === ':') {
        this.accept(':');
        this.emit('Operator');
      } else if ('([{)]}'.includes(ch)) {
        this.emit('Bracket');
      } else if (',;%+-^'.includes(ch)) {
        this.emit('Operator');
      } else if ('&!=*<>'.includes(ch)) {
        this.accept('&=*');
        this.emit('Operator');
      } else if (ch === '.') {
        if (this.accept('0123456789')) {
          this.end -= 1; // scan the number from the digit after the dot, as expr-lang does
          this.number();
        } else {
          this.accept('.');
          this.emit('Operator');
        }
      } else if (isAlphaNumeric(ch)) {
        this.identifier();
      } else {
        this.fail(`unrecognized character: U+${c.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`, this.start);
      }
    }
  }

  private number(): void {
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    const beforeDot = this.end;
    let rangeFollows = false;
    if (this.accept('.')) {
      if (this.peek() === '.') {
        this.end = beforeDot; // `1..3`: the dots are the range operator
        rangeFollows = true;
      } else {
        this.acceptRun(digits);
      }
    }
    if (!rangeFollows && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun(digits);
    }
    if (!rangeFollows && isAlphaNumeric(this.peek())) {
      this.next();
      this.fail(`bad number syntax: ${JSON.stringify(this.word())}`, this.start);
    }
    this.emit('Number');
  }

  private identifier(): void {
    for (;;) {
      const ch = this.next();
      if (!isAlphaNumeric(ch)) {
        this.backup(ch);
        break;
      }
    }
    const w = this.word();
    if (w === 'not') {
      this.emit('Operator');
      this.negatedOperator();
    } else if (KEYWORD_OPERATORS.has(w)) {
      this.emit('Operator');
    } else {
      this.emit('Identifier');
    }
  }

  /** After `not`: `not in`, `not matches`... make the second word an operator; otherwise re-lex it. */
  private negatedOperator(): void {
    while (this.peek() === ' ') this.end++;
    this.start = this.end;
    const end = this.end;
    for (;;) {
      const ch = this.next();
      if (!isAlphaNumeric(ch)) {
        this.backup(ch);
        break;
      }
    }
    if (NEGATABLE.has(this.word())) this.emit('Operator');
    else this.end = end;
  }

  private pointer(): void {
    this.accept('#');
    this.emit('Operator');
    for (;;) {
      const ch = this.next();
      if (!isAlphaNumeric(ch)) {
        this.backup(ch);
        break;
      }
    }
    if (this.word() !== '') this.emit('Identifier');
  }

  private lineComment(): void {
    for (;;) {
      const ch = this.next();
      if (ch === '' || ch === '\n') break;
    }
    if (this.end > this.src.length) this.end = this.src.length;
    this.start = this.end;
  }

  private blockComment(): void {
    for (;;) {
      const ch = this.next();
      if (ch === '') this.fail('unclosed comment', this.src.length - 1);
      if (ch === '*' && this.accept('/')) break;
    }
    this.start = this.end;
  }

  private scanString(quote: string): void {
    let ch = this.next();
    while (ch !== quote) {
      if (ch === '\n' || ch === '') this.fail('literal not terminated', Math.min(this.end, this.src.length) - 1);
      if (ch === '\\') ch = this.scanEscape(quote);
      else ch = this.next();
    }
  }

  private scanDigits(ch: string, base: number, n: number): string {
    while (n > 0 && digitVal(ch) < base) {
      ch = this.next();
      n--;
    }
    if (n > 0) this.fail('invalid char escape');
    return ch;
  }

  private scanEscape(quote: string): string {
    const ch = this.next();
    switch (ch) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
      case quote:
        return this.next();
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        return this.scanDigits(ch, 8, 3);
      case 'x':
        return this.scanDigits(this.next(), 16, 2);
      case 'u':
        if (this.peek() === '{') {
          this.next();
          let digits = 0;
          while (this.peek() !== '}') {
            if (digitVal(this.peek()) >= 16 || digits >= 6) this.fail('invalid char escape');
            this.next();
            digits++;
          }
          if (digits === 0) this.fail('invalid char escape');
          this.next();
          return this.next();
        }
        return this.scanDigits(this.next(), 16, 4);
      case 'U':
        return this.scanDigits(this.next(), 16, 8);
      default:
        return this.fail('invalid char escape');
    }
  }

  private scanRawString(): void {
    let escaped = 0;
    for (;;) {
      let ch = this.next();
      while (ch === '`' && this.peek() === '`') {
        this.next();
        ch = this.next();
        escaped++;
      }
      if (ch === '`') break;
      if (ch === '') this.fail('literal not terminated', this.src.length - 1);
    }
    const body = this.src.slice(this.start + 1, this.end - 1);
    this.emit('String', escaped === 0 ? body : body.replace(/``/g, '`'));
  }
}

/**
 * Returns the canonical (internalized) copy of a string: slices of the source are compared
 * character by character on every `===`, internalized strings by pointer first.
 */
function internalize(s: string): string {
  const holder: Record<string, true> = {};
  holder[s] = true;
  return Object.keys(holder)[0] ?? s;
}

function digitVal(ch: string): number {
  if (ch.length !== 1) return 16;
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return 16;
}

export function lex(source: string): Token[] {
  return new Lexer(source).run();
}
