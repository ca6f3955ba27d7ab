/**
 * The lookup of github.com/buger/jsonparser v1.1.1 (`Get`, `GetString`), which CrowdSec's JsonExtract
 * helpers are built on. It is a lenient scanner, not a validating parser: it walks the text to the
 * key path and slices the value out, so it answers on JSON that a strict parser refuses (a value
 * before a missing `}` is found) and refuses some JSON a strict parser takes (`:` inside an array
 * before the key). Hub content and its tests depend on those answers, so they are kept.
 *
 * Positions are UTF-16 indexes where Go uses byte offsets; only ASCII characters steer the scan, so
 * the slices are the same text. Work is linear in the input for each key of the path, except for
 * `[n]` steps, which rescan the array (as jsonparser does).
 */
import { fault } from './errors.js';

/** jsonparser's ValueType. */
export const enum JsonType {
  NotExist = 0,
  String = 1,
  Number = 2,
  Object = 3,
  Array = 4,
  Boolean = 5,
  Null = 6,
  Unknown = 7,
}

/** What Get returns: the value's text (strings without their quotes, still escaped), its type, or an error. */
export interface JsonGetResult {
  value: string;
  type: JsonType;
  /** Offset just after the value, in the text given to Get. */
  end: number;
  /** jsonparser's error message; null on success. */
  error: string | null;
}

export const KEY_PATH_NOT_FOUND = 'Key path not found';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** Offset (from `from`) of the first non-whitespace character, or -1. */
function nextToken(d: string, from: number): number {
  for (let i = from; i < d.length; i++) if (!isSpace(d.charCodeAt(i))) return i - from;
  return -1;
}

/** Offset (from `from`) of the first whitespace, `,`, `}` or `]`, or the length left. */
function tokenEnd(d: string, from: number): number {
  for (let i = from; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET) return i - from;
  }
  return d.length - from;
}

/**
 * The end of a string whose opening quote is just before `from`: offset just past the closing quote
 * (relative to `from`), or -1. (jsonparser also reports whether a backslash was seen before it: the
 * callers that need it look for one in the string instead, which is the same answer.)
 */
function stringEnd(d: string, from: number): number {
  let escaped = false;
  for (let i = from; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c === QUOTE) {
      if (!escaped) return i - from + 1;
      // Count the backslashes before the quote: an even number leaves it unescaped.
      let j = i - 1;
      for (;;) {
        if (j < from || d.charCodeAt(j) !== BACKSLASH) return i - from + 1;
        j--;
        if (j < from || d.charCodeAt(j) !== BACKSLASH) break;
        j--;
      }
    } else if (c === BACKSLASH) {
      escaped = true;
    }
  }
  return -1;
}

/** The end of the block opening at `from` (offset past its closing symbol, relative to `from`), or -1. */
function blockEnd(d: string, from: number, open: number, close: number): number {
  let level = 0;
  for (let i = from; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c === QUOTE) {
      const se = stringEnd(d, i + 1);
      if (se === -1) return -1;
      i += se;
    } else if (c === open) {
      level++;
    } else if (c === close) {
      level--;
      if (level === 0) return i - from + 1;
    }
  }
  return -1;
}

/** strconv.Atoi: optional sign, decimal digits, within int64. */
function atoi(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return Math.abs(n) <= 9223372036854775807 ? n : null;
}

/** Go panics on these indexes; expr-lang turns a panic into a runtime error. */
function indexPanic(i: number, length: number): never {
  throw fault(i < 0 ? `runtime error: index out of range [${i}]` : `runtime error: index out of range [${i}] with length ${length}`);
}

/**
 * jsonparser's searchKeys on `d[from:]`: the offset (relative to `from`) just after the `:` of the
 * last key of the path, or where the `[n]` element starts; -1 when not found.
 */
function searchKeys(d: string, from: number, keys: readonly string[]): number {
  const lk = keys.length;
  if (lk === 0) return 0;
  let keyLevel = 0;
  let level = 0;
  let lastMatched = true;
  const ln = d.length;
  let i = from;
  while (i < ln) {
    const c = d.charCodeAt(i);
    switch (c) {
      case QUOTE: {
        i++;
        const keyBegin = i;
        const se = stringEnd(d, i);
        if (se === -1) return -1;
        i += se;
        const keyEnd = i - 1;
        const valueOffset = nextToken(d, i);
        if (valueOffset === -1) return -1;
        i += valueOffset;
        if (d.charCodeAt(i) === COLON) {
          if (level < 1) return -1;
          let key = d.slice(keyBegin, keyEnd);
          if (key.indexOf('\\') >= 0) {
            const u = unescapeJson(key);
            if (u === null) return -1;
            key = u;
          }
          if (level > lk) return -1;
          if (key === keys[level - 1]) {
            lastMatched = true;
            if (keyLevel === level - 1) {
              keyLevel++;
              if (keyLevel === lk) return i + 1 - from;
            }
          } else {
            lastMatched = false;
          }
        } else {
          i--;
        }
        break;
      }
      case LBRACE:
        // Only descend into the object of a key that matched; skip the others whole.
        if (!lastMatched) {
          const end = blockEnd(d, i, LBRACE, RBRACE);
          if (end === -1) return -1;
          i += end - 1;
        } else {
          level++;
        }
        break;
      case RBRACE:
        level--;
        if (level === keyLevel) keyLevel--;
        break;
      case LBRACKET: {
        const key = keyLevel === level ? keyAt(keys, level) : null;
        if (key !== null && key.charCodeAt(0) === LBRACKET) {
          const keyLen = key.length;
          if (keyLen < 3 || key.charCodeAt(keyLen - 1) !== RBRACKET) return -1;
          const aIdx = atoi(key.slice(1, keyLen - 1));
          if (aIdx === null) return -1;
          const found = arrayElement(d, i, aIdx);
          if (found === null) return -1;
          const sub = searchKeys(found.text, 0, keys.slice(level + 1));
          if (sub < 0) return -1;
          return i + found.offset + sub - from;
        }
        // Do not search for keys inside arrays.
        const skip = blockEnd(d, i, LBRACKET, RBRACKET);
        if (skip === -1) return -1;
        i += skip - 1;
        break;
      }
      case COLON:
        // A colon outside a key: malformed.
        return -1;
      default:
        break;
    }
    i++;
  }
  return -1;
}

/** keys[level] when it is looked at (Go reads its first byte, and panics on an empty or absent key). */
function keyAt(keys: readonly string[], level: number): string {
  if (level < 0 || level >= keys.length) indexPanic(level, keys.length);
  const key = keys[level]!;
  if (key.length === 0) indexPanic(0, 0);
  return key;
}

/**
 * The element `index` of the array at `d[from]`, as jsonparser's searchKeys finds it with ArrayEach:
 * its text (strings with their quotes) and its offset relative to `from`; null when absent.
 */
function arrayElement(d: string, from: number, index: number): { text: string; offset: number } | null {
  // ArrayEach on d[from:]: the first token is the `[`.
  if (from >= d.length) return null;
  const nT = nextToken(d, from);
  if (nT === -1) return null;
  let offset = nT + 1;
  const nO = nextToken(d, from + offset);
  if (nO === -1) return null;
  offset += nO;
  if (d.charCodeAt(from + offset) === RBRACKET) return null;
  for (let cur = 0; ; cur++) {
    const r = get(d, from + offset, null);
    if (r.error !== null) return null;
    if (r.end === from + offset) return null;
    if (cur === index) {
      // Strings are taken back with their quotes, the way searchKeys re-slices them.
      const start = r.type === JsonType.String ? r.end - r.value.length - 2 : r.end - r.value.length;
      return { text: d.slice(start, r.end), offset: start - from };
    }
    offset = r.end - from;
    const skip = nextToken(d, from + offset);
    if (skip === -1) return null;
    offset += skip;
    const c = d.charCodeAt(from + offset);
    if (c === RBRACKET) return null;
    if (c !== COMMA) return null;
    offset++;
  }
}

/** jsonparser's getType at `d[at]` (the first character of a value). */
function getType(d: string, at: number): JsonGetResult {
  const c = d.charCodeAt(at);
  if (c === QUOTE) {
    const se = stringEnd(d, at + 1);
    if (se === -1) return { value: '', type: JsonType.String, end: at, error: "Value is string, but can't find closing '\"' symbol" };
    return { value: d.slice(at, at + se + 1), type: JsonType.String, end: at + se + 1, error: null };
  }
  if (c === LBRACKET || c === LBRACE) {
    const end = blockEnd(d, at, c, c === LBRACKET ? RBRACKET : RBRACE);
    if (end === -1) {
      return c === LBRACKET
        ? { value: '', type: JsonType.Array, end: at, error: "Value is array, but can't find closing ']' symbol" }
        : { value: '', type: JsonType.Object, end: at, error: "Value looks like object, but can't find closing '}' symbol" };
    }
    return { value: d.slice(at, at + end), type: c === LBRACKET ? JsonType.Array : JsonType.Object, end: at + end, error: null };
  }
  const end = tokenEnd(d, at);
  const value = d.slice(at, at + end);
  let type: JsonType;
  if (c === 0x74 || c === 0x66) {
    if (value !== 'true' && value !== 'false') return { value: '', type: JsonType.Unknown, end: at, error: 'Unknown value type' };
    type = JsonType.Boolean;
  } else if (c === 0x75 || c === 0x6e) {
    if (value !== 'null') return { value: '', type: JsonType.Unknown, end: at, error: 'Unknown value type' };
    type = JsonType.Null;
  } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    type = JsonType.Number;
  } else {
    return { value: '', type: JsonType.Unknown, end: at, error: 'Unknown value type' };
  }
  return { value, type, end: at + end, error: null };
}

/** jsonparser's Get on `d[from:]` with `keys` (null: the closest value). Offsets are absolute. */
function get(d: string, from: number, keys: readonly string[] | null): JsonGetResult {
  let offset = from;
  if (keys !== null && keys.length > 0) {
    const found = searchKeys(d, from, keys);
    if (found === -1) return { value: '', type: JsonType.NotExist, end: -1, error: KEY_PATH_NOT_FOUND };
    offset = from + found;
  }
  const nO = nextToken(d, offset);
  if (nO === -1) return { value: '', type: JsonType.NotExist, end: -1, error: 'Malformed JSON error' };
  offset += nO;
  const r = getType(d, offset);
  if (r.error !== null) return r;
  if (r.type === JsonType.String) r.value = r.value.slice(1, -1);
  return r;
}

/** jsonparser.Get(data, keys...). */
export function jsonGet(data: string, keys: readonly string[]): JsonGetResult {
  return get(data, 0, keys);
}

/**
 * jsonparser.GetString(data, keys...): the string value with its escapes decoded, or an error
 * (absent, not a string, bad escape).
 */
export function jsonGetString(data: string, keys: readonly string[]): { value: string; error: string | null } {
  const r = get(data, 0, keys);
  if (r.error !== null) return { value: '', error: r.error };
  if (r.type !== JsonType.String) return { value: '', error: `Value is not a string: ${r.value}` };
  if (r.value.indexOf('\\') < 0) return { value: r.value, error: null };
  const u = unescapeJson(r.value);
  if (u === null) return { value: '', error: "Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol" };
  return { value: u, error: null };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Four hex digits at s[at+2..at+5] (after `\u`, not checked, as jsonparser does), or -1. */
function hex4(s: string, at: number): number {
  if (at + 6 > s.length) return -1;
  let v = 0;
  for (let k = 2; k < 6; k++) {
    const h = hexValue(s.charCodeAt(at + k));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

const SIMPLE_ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

/**
 * jsonparser's Unescape: `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` and `\uXXXX` (a surrogate pair must
 * follow as a second `\uXXXX`); null on any other escape. A code point that cannot be encoded
 * becomes U+FFFD, as utf8.EncodeRune writes it.
 */
export function unescapeJson(s: string): string | null {
  let out = '';
  let start = 0;
  let i = s.indexOf('\\');
  while (i >= 0) {
    out += s.slice(start, i);
    if (i + 1 >= s.length) return null;
    const e = s[i + 1]!;
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (e === 'u') {
      const r = hex4(s, i);
      if (r < 0) return null;
      if (r < 0xd800 || r > 0xdfff) {
        out += String.fromCharCode(r);
        i += 6;
      } else {
        // A surrogate: jsonparser wants another \uXXXX at once (its `\u` is not checked) with a value
        // from 0xDC00 up, and combines the two without further checks.
        const r2 = hex4(s, i + 6);
        if (r2 < 0 || r2 < 0xdc00) return null;
        const cp = 0x10000 + (r - 0xd800) * 0x400 + (r2 - 0xdc00);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
        i += 12;
      }
    } else {
      return null;
    }
    start = i;
    i = s.indexOf('\\', i);
  }
  return out + s.slice(start);
}
