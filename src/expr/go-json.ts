/**
 * Go's `encoding/json` as expressions observe it: `json.Marshal` (sorted map keys, HTML-safe
 * escapes, Go's float text) and `json.MarshalIndent`, and `json.Unmarshal` into interface{}
 * (objects become plain maps, every number a float64).
 */
import { compareStrings } from './go-strings.js';
import { isIntValue, isPlainMap, isStringMap, type StaticKind } from './values.js';
import { fault } from './errors.js';

function quoteJSON(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      esc =
        c === 0x0a
          ? '\\n'
          : c === 0x0d
            ? '\\r'
            : c === 0x09
              ? '\\t'
              : c === 0x08
                ? '\\b'
                : c === 0x0c
                  ? '\\f'
                  : `\\u00${c.toString(16).padStart(2, '0')}`;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

function numberJSON(n: number, kind: StaticKind): string {
  if (!Number.isFinite(n)) throw fault(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
  if (kind !== 'float' && isIntValue(n) && !Number.isSafeInteger(n)) return BigInt(n).toString();
  // Go writes floats like ES6 number-to-string: exponent below 1e-6 and from 1e21.
  return Object.is(n, -0) ? '-0' : String(n);
}

interface TextMarshaler {
  MarshalText(): unknown;
}

function hasMarshalText(v: object): v is TextMarshaler {
  return typeof (v as { MarshalText?: unknown }).MarshalText === 'function';
}

function encode(v: unknown, indent: string, depth: number, kind: StaticKind, seen: Set<object>): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return quoteJSON(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberJSON(v, kind);
    case 'bigint':
      return v.toString();
    case 'function':
      throw fault('json: unsupported type: func()');
    default:
      break;
  }
  const obj = v as object;
  if (seen.has(obj)) throw fault('json: unsupported value: encountered a cycle');
  const nl = indent === '' ? '' : `\n${indent.repeat(depth + 1)}`;
  const end = indent === '' ? '' : `\n${indent.repeat(depth)}`;
  const colon = indent === '' ? ':' : ': ';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      if (obj.length === 0) return '[]';
      return `[${obj.map((x) => nl + encode(x, indent, depth + 1, 'any', seen)).join(',')}${end}]`;
    }
    let entries: [string, unknown][];
    if (obj instanceof Map) {
      entries = [];
      for (const [k, x] of obj as Map<unknown, unknown>) {
        if (typeof k === 'string') entries.push([k, x]);
        else if (typeof k === 'number' && isIntValue(k)) entries.push([String(k), x]);
        else throw fault('json: unsupported type: map[interface {}]interface {}');
      }
      entries.sort(([a], [b]) => compareStrings(a, b));
    } else if (isStringMap(obj) || isPlainMap(obj)) {
      entries = Object.keys(obj)
        .sort(compareStrings)
        .map((k) => [k, (obj as Record<string, unknown>)[k]]);
    } else {
      const toJSON = (obj as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        return encode((toJSON as (this: unknown) => unknown).call(obj), indent, depth, 'any', seen);
      }
      if (hasMarshalText(obj)) return encode(String(obj.MarshalText()), indent, depth, 'string', seen);
      // A struct: exported fields in declaration order.
      entries = Object.keys(obj)
        .filter((k) => typeof (obj as Record<string, unknown>)[k] !== 'function')
        .map((k) => [k, (obj as Record<string, unknown>)[k]]);
    }
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, x]) => nl + quoteJSON(k) + colon + encode(x, indent, depth + 1, 'any', seen));
    return `{${parts.join(',')}${end}}`;
  } finally {
    seen.delete(obj);
  }
}

/** Go's `json.Marshal(v)`; `indent` gives `json.MarshalIndent(v, "", indent)`. */
export function goMarshalJSON(v: unknown, indent = '', kind: StaticKind = 'any'): string {
  return encode(v, indent, 0, kind, new Set());
}

/** Go's `json.Unmarshal` into interface{}: plain objects, arrays, float64 numbers, strings, bools, nil. */
export function goUnmarshalJSON(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw fault(err instanceof Error ? err.message : String(err));
  }
}
