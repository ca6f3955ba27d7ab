/**
 * Unquoting of expr-lang's '...' and "..." literals: Go's escapes (\n, \x41, \101, \u00e9,
 * \U0001F600, \u{1F600}) become the characters they name; an escape expr-lang rejects is an error.
 */
import { LexError } from './errors.js';

/** Unquotes a '...' or "..." literal the way expr-lang does (escapes map to code points, then UTF-8). */
export function unescape(quoted: string, pos: number): string {
  const value = quoted.replace(/\r\n|\r/g, '\n');
  const body = value.slice(1, -1);
  if (!body.includes('\\')) return body;
  let out = '';
  let i = 0;
  const bad = (message = 'unable to unescape string'): never => {
    throw new LexError(message, pos);
  };
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    if (i + 1 >= body.length) bad("unable to unescape string, found '\\' as last character");
    const e = body[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case "'":
      case '"':
      case '`':
      case '?':
        out += e;
        break;
      case 'x':
      case 'X':
      case 'u':
      case 'U': {
        let hex: string;
        if (e === 'u' && body[i] === '{') {
          const close = body.indexOf('}', i);
          if (close < 0) bad();
          hex = body.slice(i + 1, close);
          i = close + 1;
        } else {
          const n = e === 'u' ? 4 : e === 'U' ? 8 : 2;
          hex = body.slice(i, i + n);
          if (hex.length < n) bad();
          i += n;
        }
        if (!/^[0-9a-fA-F]+$/.test(hex)) bad();
        out += codePointText(parseInt(hex, 16), bad);
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3': {
        const oct = body.slice(i, i + 2);
        if (!/^[0-7]{2}$/.test(oct)) bad('unable to unescape octal sequence in string');
        i += 2;
        out += codePointText(parseInt(e + oct, 8), bad);
        break;
      }
      default:
        bad();
    }
  }
  return out;
}

function codePointText(cp: number, bad: () => never): string {
  if (cp > 0x10ffff) bad();
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd'; // Go encodes a surrogate half as U+FFFD
  return String.fromCodePoint(cp);
}
