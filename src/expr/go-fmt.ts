/**
 * Go's `fmt` as expressions observe it: `%v` of any value (what expr-lang's `string()` returns),
 * Stringer support, sorted map entries, and `strconv.Quote`. `fmt.Sprintf` is in go-sprintf.ts.
 */
import { compareStrings } from './go-strings.js';
import { formatFloatV, formatInt } from './go-number.js';
import { isIntValue, isPlainMap, isStringMap, type StaticKind } from './values.js';

type Method = (this: unknown) => unknown;

/** A value with Go's `String() string` or `Error() string` method is formatted through it. */
export function stringerText(v: object): string | null {
  const s = (v as { String?: unknown }).String;
  if (typeof s === 'function') {
    const out = (s as Method).call(v);
    if (typeof out === 'string') return out;
  }
  const e = (v as { Error?: unknown }).Error;
  if (typeof e === 'function') {
    const out = (e as Method).call(v);
    if (typeof out === 'string') return out;
  }
  return null;
}

function isNumberKey(k: unknown): k is number {
  return typeof k === 'number';
}

/** Go's fmt prints map entries sorted by key. */
export function sortedEntries(v: object): [unknown, unknown][] {
  let entries: [unknown, unknown][];
  if (v instanceof Map) entries = [...(v as Map<unknown, unknown>).entries()];
  else entries = Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
  return entries.sort(([a], [b]) => compareKeys(a, b));
}

function keyRank(k: unknown): number {
  if (k === null || k === undefined) return 0;
  if (typeof k === 'boolean') return 1;
  if (typeof k === 'number') return 2;
  if (typeof k === 'string') return 3;
  return 4;
}

function compareKeys(a: unknown, b: unknown): number {
  const ra = keyRank(a);
  const rb = keyRank(b);
  if (ra !== rb) return ra - rb;
  if (isNumberKey(a) && isNumberKey(b)) return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

function structFields(v: object): [string, unknown][] {
  return Object.keys(v)
    .filter((k) => typeof (v as Record<string, unknown>)[k] !== 'function')
    .map((k) => [k, (v as Record<string, unknown>)[k]]);
}

/** Go's `fmt.Sprint(v)` / `%v` (with `plus` for `%+v`: struct field names). */
export function formatValue(v: unknown, kind: StaticKind = 'any', plus = false): string {
  return format(v, kind, plus, new Set());
}

function format(v: unknown, kind: StaticKind, plus: boolean, open: Set<object>): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (kind === 'float' || !isIntValue(v)) return formatFloatV(v);
      return formatInt(v);
    case 'bigint':
      return v.toString();
    case 'function':
      return 'func';
    default:
      break;
  }
  const obj = v as object;
  // Go prints a pointer met again inside itself as an address; herd prints `{...}`.
  if (open.has(obj)) return '{...}';
  open.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((x) => format(x, 'any', plus, open)).join(' ')}]`;
    if (isStringMap(obj) || isPlainMap(obj) || obj instanceof Map) {
      const parts = sortedEntries(obj).map(
        ([k, x]) => `${format(k, 'any', plus, open)}:${format(x, 'any', plus, open)}`,
      );
      return `map[${parts.join(' ')}]`;
    }
    const text = stringerText(obj);
    if (text !== null) return text;
    const fields = structFields(obj).map(([k, x]) => (plus ? `${k}:` : '') + format(x, 'any', plus, open));
    return `{${fields.join(' ')}}`;
  } finally {
    open.delete(obj);
  }
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function isPrintable(ch: string): boolean {
  return PRINTABLE.test(ch);
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Go `strconv.Quote` (or `QuoteToASCII` when `ascii`). */
export function goQuote(s: string, ascii = false, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (cp < 0x80 ? cp >= 0x20 && cp < 0x7f : !ascii && isPrintable(ch)) {
      out += ch;
      continue;
    }
    switch (cp) {
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0b:
        out += '\\v';
        break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
        else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
        else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
        else out += `\\U${hex(cp, 8)}`;
    }
  }
  return out + quote;
}

export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '`' || ch === '\ufeff') return false;
    if (cp < 0x20 && ch !== '\t') return false;
    if (cp === 0x7f) return false;
  }
  return true;
}
