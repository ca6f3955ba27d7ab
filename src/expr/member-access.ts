/**
 * Reading into values (runtime.Fetch, Slice, len): `a.b`, `a["b"]`, `a[0]` (negative indexes count
 * from the end), `a[i:j]`, and method calls with Go's method names.
 * Hot path: `fetchName` handles the StringMap case (evt.Meta.x) first.
 */
import { fault } from './errors.js';
import { byteAt, byteLength, byteSlice, isAscii, runeCount } from './go-strings.js';
import { formatValue } from './go-fmt.js';
import { toInt } from './value-ops.js';
import { goTypeOf, isPlainMap, isStringMap, STRING_MAP_PROTO, type StringMap } from './values.js';

const hasOwn = Object.prototype.hasOwnProperty;

function cannotFetch(key: unknown, from: unknown): never {
  throw fault(`cannot fetch ${formatValue(key)} from ${goTypeOf(from)}`);
}

/** The rest of `fetchName` on a struct: missing fields, methods, and arrays or maps of subclasses. */
export function fromStruct(o: object, name: string, v: unknown): unknown {
  if (Array.isArray(o)) return indexArray(o, name);
  if (o instanceof Map) {
    const m = (o as Map<unknown, unknown>).get(name);
    return m === undefined ? null : m;
  }
  if (v !== undefined) {
    if (typeof v === 'function') return (v as (...args: unknown[]) => unknown).bind(o);
    return v;
  }
  if (name in o) return null;
  return cannotFetch(name, o);
}

function indexArray(a: readonly unknown[], key: unknown): unknown {
  const n = a.length;
  let i = typeof key === 'number' ? Math.trunc(key) : toInt(key);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw fault(`index out of range: ${i} (array length is ${n})`);
  const v = a[i];
  return v === undefined ? null : v;
}

function indexString(s: string, key: unknown): number {
  const n = isAscii(s) ? s.length : byteLength(s);
  let i = toInt(key);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw fault(`index out of range: ${i} (array length is ${n})`);
  return byteAt(s, i);
}

/** `o.name` with a constant name. emitFetchName (emit-access.ts) writes the same branches out: change both. */
export function fetchName(o: unknown, name: string): unknown {
  if (typeof o === 'object' && o !== null) {
    const proto = Object.getPrototypeOf(o) as unknown;
    if (proto === STRING_MAP_PROTO) {
      const v = (o as StringMap)[name];
      return v === undefined ? '' : v;
    }
    if (proto === Object.prototype || proto === null) {
      if (!hasOwn.call(o, name)) return null;
      const v = (o as Record<string, unknown>)[name];
      return v === undefined ? null : v;
    }
    if (proto === Array.prototype) return indexArray(o as unknown[], name);
    if (proto === Map.prototype) {
      const v = (o as Map<unknown, unknown>).get(name);
      return v === undefined ? null : v;
    }
    // A struct: the field, read once (the common case returns here).
    const v = (o as Record<string, unknown>)[name];
    if (v !== undefined && typeof v !== 'function' && !Array.isArray(o)) return v;
    return fromStruct(o, name, v);
  }
  return fetch(o, name);
}

/** `o[key]` with a computed key. */
export function fetch(o: unknown, key: unknown): unknown {
  if (o === null || o === undefined) return cannotFetch(key, o);
  if (typeof o === 'object') {
    if (Array.isArray(o)) return indexArray(o, key);
    if (o instanceof Map) {
      const v = (o as Map<unknown, unknown>).get(key === undefined ? null : key);
      return v === undefined ? null : v;
    }
    const k = key === null || key === undefined ? '' : key;
    if (isStringMap(o)) {
      if (typeof k !== 'string') throw fault(`cannot use ${goTypeOf(key)} as key of map[string]string`);
      const v = o[k];
      return v === undefined ? '' : v;
    }
    if (isPlainMap(o)) {
      if (typeof k !== 'string') throw fault(`cannot use ${goTypeOf(key)} as key of map[string]interface {}`);
      if (!hasOwn.call(o, k)) return null;
      const v = o[k];
      return v === undefined ? null : v;
    }
    if (typeof k !== 'string') return cannotFetch(key, o);
    return fromStruct(o, k, (o as Record<string, unknown>)[k]);
  }
  if (typeof o === 'string') return indexString(o, key);
  return cannotFetch(key, o);
}

/** `o[from:to]` (runtime.Slice): clamps, counts negative bounds from the end; strings by bytes. */
export function slice(o: unknown, from: unknown, to: unknown): unknown {
  let length: number;
  const isString = typeof o === 'string';
  if (Array.isArray(o)) length = o.length;
  else if (isString) length = byteLength(o);
  else throw fault(`cannot slice ${goTypeOf(o)}`);
  let a = from === undefined ? 0 : toInt(from);
  let b = to === undefined ? length : toInt(to);
  if (a < 0) a += length;
  if (a < 0) a = 0;
  if (b < 0) b += length;
  if (b < 0) b = 0;
  if (b > length) b = length;
  if (a > b) a = b;
  return isString ? byteSlice(o, a, b) : (o as unknown[]).slice(a, b);
}

/** expr-lang's `len`: arrays, maps, strings (in characters: utf8.RuneCountInString since expr 1.16). */
export function length(v: unknown): number {
  if (typeof v === 'string') return isAscii(v) ? v.length : runeCount(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (isStringMap(v) || isPlainMap(v)) return Object.keys(v).length;
  throw fault(`invalid argument for len (type ${goTypeOf(v)})`);
}

/** `o.name(args)`: a method of a struct (called with `this`), or a function stored in a map. */
export function callMethod(o: unknown, name: string, args: unknown[]): unknown {
  if (o === null || o === undefined) return cannotFetch(name, o);
  if (typeof o === 'object' && !isStringMap(o) && !isPlainMap(o) && !Array.isArray(o) && !(o instanceof Map)) {
    const fn = (o as Record<string, unknown>)[name];
    if (typeof fn === 'function') return (fn as (...a: unknown[]) => unknown).apply(o, args);
    if (name in o) throw fault(`${name} is not a method of ${goTypeOf(o)}`);
    throw fault(`type ${goTypeOf(o)} has no method ${name}`);
  }
  const fn = fetch(o, name);
  if (typeof fn === 'function') return (fn as (...a: unknown[]) => unknown)(...args);
  throw fault(`${goTypeOf(fn)} is not a function`);
}
