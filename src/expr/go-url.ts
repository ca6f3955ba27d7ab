/**
 * Go's `net/url` escaping as CrowdSec's helpers use it: QueryEscape / PathEscape, QueryUnescape /
 * PathUnescape (strict about `%XX`), ParseQuery, and the part of url.Parse that ParseUri needs.
 * Work is done on UTF-8 bytes; decoded bytes that are not UTF-8 become U+FFFD.
 */
type Mode = 'query' | 'pathSegment' | 'path' | 'fragment';

const UPPER_HEX = '0123456789ABCDEF';

function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  switch (c) {
    case 0x2d: // -
    case 0x5f: // _
    case 0x2e: // .
    case 0x7e: // ~
      return false;
    case 0x24: // $
    case 0x26: // &
    case 0x2b: // +
    case 0x2c: // ,
    case 0x2f: // /
    case 0x3a: // :
    case 0x3b: // ;
    case 0x3d: // =
    case 0x3f: // ?
    case 0x40: // @
      switch (mode) {
        case 'path':
          return c === 0x3f;
        case 'pathSegment':
          return c === 0x2f || c === 0x3b || c === 0x2c || c === 0x3f;
        case 'query':
          return true;
        case 'fragment':
          return false;
      }
      break;
    default:
      break;
  }
  if (mode === 'fragment') {
    // ! ( ) * are allowed in fragments.
    if (c === 0x21 || c === 0x28 || c === 0x29 || c === 0x2a) return false;
  }
  return true;
}

function escape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b === 0x20 && mode === 'query') out += '+';
    else if (shouldEscape(b, mode)) out += `%${UPPER_HEX[b >> 4]}${UPPER_HEX[b & 15]}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Go's url.unescape: null when a `%` is not followed by two hex digits. */
function unescape(s: string, mode: Mode): string | null {
  if (!s.includes('%') && (mode !== 'query' || !s.includes('+'))) return s;
  const fast = unescapeAscii(s, mode);
  if (fast !== undefined) return fast;
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b === 0x25) {
      if (i + 2 >= bytes.length) return null;
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi < 0 || lo < 0) return null;
      out[n++] = (hi << 4) | lo;
      i += 3;
    } else {
      out[n++] = b === 0x2b && mode === 'query' ? 0x20 : b;
      i++;
    }
  }
  return out.subarray(0, n).toString('utf8');
}

/**
 * Hot path (log lines): ASCII input whose escapes all decode to ASCII is decoded without going
 * through bytes. Returns undefined when the input or a decoded byte is not ASCII (the byte path
 * then decodes UTF-8 as Go does), null for an invalid escape.
 */
function unescapeAscii(s: string, mode: Mode): string | null | undefined {
  let out = '';
  let from = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= n) return null;
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      const b = (hi << 4) | lo;
      if (b >= 0x80) return undefined;
      out += s.slice(from, i) + String.fromCharCode(b);
      i += 2;
      from = i + 1;
    } else if (c === 0x2b && mode === 'query') {
      out += s.slice(from, i) + ' ';
      from = i + 1;
    } else if (c >= 0x80) {
      return undefined;
    }
  }
  return out + s.slice(from);
}

export const goQueryEscape = (s: string): string => escape(s, 'query');
export const goPathEscape = (s: string): string => escape(s, 'pathSegment');
export const goQueryUnescape = (s: string): string | null => unescape(s, 'query');
export const goPathUnescape = (s: string): string | null => unescape(s, 'pathSegment');

export type QueryValues = Record<string, string[]>;

/** Go's url.ParseQuery: the values, and whether any part was invalid (`;` or a bad escape). */
export function goParseQuery(query: string): { values: QueryValues; ok: boolean } {
  const values = Object.create(null) as QueryValues;
  let ok = true;
  for (const part of query.split('&')) {
    if (part.includes(';')) {
      ok = false;
      continue;
    }
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = goQueryUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = goQueryUnescape(eq < 0 ? '' : part.slice(eq + 1));
    if (key === null || value === null) {
      ok = false;
      continue;
    }
    (values[key] ??= []).push(value);
  }
  return { values, ok };
}

/** The raw query of a URL as url.Parse reads it, or null when url.Parse would fail. */
export function rawQueryOf(uri: string): string | null {
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return null; // net/url: invalid control character in URL
  }
  const hash = uri.indexOf('#');
  let rest = uri;
  if (hash >= 0) {
    if (unescape(uri.slice(hash + 1), 'fragment') === null) return null;
    rest = uri.slice(0, hash);
  }
  // A scheme: a letter, then letters, digits, + - . up to ':'; a ':' before that is an error.
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (letter) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) break;
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) return null; // missing protocol scheme
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  if (unescape(path, 'path') === null) return null;
  return q < 0 ? '' : rest.slice(q + 1);
}

/** CrowdSec's lenient query unescape: `+` is a space, a bad `%XX` is kept as text. */
function lenientUnescape(input: string): string {
  if (!input.includes('%') && !input.includes('+')) return input;
  const bytes = Buffer.from(input, 'utf8');
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x2b) {
      out[n++] = 0x20;
      continue;
    }
    if (c === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n).toString('utf8');
}

/** CrowdSec's ParseQuery (appsec): splits on `&` only, never fails. */
export function crowdsecParseQuery(query: string): QueryValues {
  const values = Object.create(null) as QueryValues;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = lenientUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = lenientUnescape(eq < 0 ? '' : part.slice(eq + 1));
    (values[key] ??= []).push(value);
  }
  return values;
}
