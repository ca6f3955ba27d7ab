/**
 * Go string semantics on JS strings. Go strings are UTF-8 bytes: indexes and slices count bytes
 * and `strings.Index` returns a byte offset (expr-lang's `len` counts characters, though). These helpers take the fast path for ASCII text
 * (where bytes and UTF-16 units coincide) and convert offsets otherwise. A slice that cuts a
 * multi-byte character yields U+FFFD where Go would yield the raw bytes.
 */
import { isGoSpace } from './lexer.js';


export function isAscii(s: string): boolean {
  // Hot path: UTF-8 length equals UTF-16 length exactly when every unit is ASCII. The native
  // count beats a charCodeAt loop (sliced strings) and a regex (herd runs regexes unoptimised).
  if (s.length > 16) return Buffer.byteLength(s, 'utf8') === s.length;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** UTF-8 length of a UTF-16 code unit sequence (a lone surrogate counts 3, as its U+FFFD). */
export function byteLength(s: string): number {
  const n = s.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 2 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Number of characters (code points); a lone surrogate counts as one, like Go's invalid byte. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

/** Byte offset of UTF-16 offset `u`. */
function byteOffset(s: string, u: number): number {
  return u === 0 ? 0 : byteLength(s.slice(0, u));
}

/** The byte at offset `i` (0 <= i < byteLength). */
export function byteAt(s: string, i: number): number {
  if (isAscii(s)) return s.charCodeAt(i);
  return Buffer.from(s, 'utf8')[i];
}

/** `s[from:to]` by bytes (offsets already clamped to 0 <= from <= to <= byteLength). */
export function byteSlice(s: string, from: number, to: number): string {
  if (isAscii(s)) return s.slice(from, to);
  return Buffer.from(s, 'utf8').subarray(from, to).toString('utf8');
}

/** Go `strings.Index`: byte offset of the first `sub`, or -1. */
export function goIndex(s: string, sub: string): number {
  const u = s.indexOf(sub);
  return u <= 0 ? u : byteOffset(s, u);
}

/** Go `strings.LastIndex`: byte offset of the last `sub`, or -1. */
export function goLastIndex(s: string, sub: string): number {
  const u = s.lastIndexOf(sub);
  return u <= 0 ? u : byteOffset(s, u);
}

/** Go `strings.IndexAny`: byte offset of the first character of `s` that is in `chars`. */
export function goIndexAny(s: string, chars: string): number {
  if (chars === '') return -1;
  const set = new Set(Array.from(chars));
  let u = 0;
  for (const ch of s) {
    if (set.has(ch)) return byteOffset(s, u);
    u += ch.length;
  }
  return -1;
}

function trimStartWhile(s: string, pred: (ch: string) => boolean): string {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!pred(ch)) break;
    i += ch.length;
  }
  return i === 0 ? s : s.slice(i);
}

function trimEndWhile(s: string, pred: (ch: string) => boolean): string {
  let j = s.length;
  while (j > 0) {
    let start = j - 1;
    const low = s.charCodeAt(start);
    if ((low & 0xfc00) === 0xdc00 && start > 0 && (s.charCodeAt(start - 1) & 0xfc00) === 0xd800) start--;
    if (!pred(s.slice(start, j))) break;
    j = start;
  }
  return j === s.length ? s : s.slice(0, j);
}

const isSpaceChar = (ch: string): boolean => isGoSpace(ch.codePointAt(0)!);

/** Go `strings.TrimSpace` (Unicode white space, as `unicode.IsSpace`). */
export function goTrimSpace(s: string): string {
  return trimEndWhile(trimStartWhile(s, isSpaceChar), isSpaceChar);
}

function cutsetPredicate(cutset: string): (ch: string) => boolean {
  if (cutset.length === 1) return (ch) => ch === cutset;
  const set = new Set(Array.from(cutset));
  return (ch) => set.has(ch);
}

/** Go `strings.Trim(s, cutset)`: drops leading and trailing characters found in `cutset`. */
export function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const pred = cutsetPredicate(cutset);
  return trimEndWhile(trimStartWhile(s, pred), pred);
}

export function goTrimLeft(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  return trimStartWhile(s, cutsetPredicate(cutset));
}

export function goTrimRight(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  return trimEndWhile(s, cutsetPredicate(cutset));
}

export function goTrimPrefix(s: string, prefix: string): string {
  return prefix !== '' && s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

export function goTrimSuffix(s: string, suffix: string): string {
  return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
}

/** Go `strings.Fields`: the runs of non-space characters. */
export function goFields(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (isGoSpace(cp)) {
      if (start >= 0) {
        out.push(s.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
    i += w;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Go `strings.SplitN` / `SplitAfterN` (`n < 0`: all; `n == 0`: none; a "" separator splits characters). */
export function goSplit(s: string, sep: string, n = -1, after = false): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = Array.from(s);
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const out: string[] = [];
  let start = 0;
  while (n < 0 || out.length < n - 1) {
    const at = s.indexOf(sep, start);
    if (at < 0) break;
    out.push(s.slice(start, after ? at + sep.length : at));
    start = at + sep.length;
  }
  out.push(s.slice(start));
  return out;
}

/** Go `strings.Replace` (`n < 0`: all); an empty `old` matches before each character and at the end. */
export function goReplace(s: string, old: string, replacement: string, n = -1): string {
  if (old === replacement || n === 0) return s;
  if (old === '') {
    const chars = Array.from(s);
    let out = '';
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || done < n) {
        out += replacement;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(replacement);
  let out = '';
  let start = 0;
  for (let done = 0; done < n; done++) {
    const at = s.indexOf(old, start);
    if (at < 0) break;
    out += s.slice(start, at) + replacement;
    start = at + old.length;
  }
  return out + s.slice(start);
}

function mapRunes(s: string, one: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130' && one === lowerOne) {
      out += 'i';
      continue;
    }
    const m = one(ch);
    // Go maps each rune to one rune (simple case mapping); JS special casing may give several.
    out += m.length === ch.length || Array.from(m).length === 1 ? m : ch;
  }
  return out;
}

const upperOne = (ch: string): string => ch.toUpperCase();
const lowerOne = (ch: string): string => ch.toLowerCase();

/** Go `strings.ToUpper` (one rune for one rune, as Go's simple case mapping). */
export function goToUpper(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapRunes(s, upperOne);
}

/** Go `strings.ToLower`. */
export function goToLower(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapRunes(s, lowerOne);
}

/** Compares two strings by their UTF-8 bytes, as Go's `<` does. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order equals UTF-8 order except surrogates (U+10000+) against U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : 1;
}
