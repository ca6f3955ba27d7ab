/**
 * The operators of expr-lang on dynamic values, with Go's rules (vm/runtime): numbers compare and
 * add across int and float, `/` and `**` give floats, `%` wants ints, strings concatenate only with
 * strings, times and durations combine as in Go, everything else is a run-time error.
 * Hot path: the first line of each function handles the common case without further checks.
 */
import { fault } from './errors.js';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';
import { compareStrings } from './go-strings.js';
import { goTypeOf, isIntValue, isNil, isPlainMap, isStringMap } from './values.js';

function invalid(a: unknown, op: string, b: unknown): never {
  throw fault(`invalid operation: ${goTypeOf(a)} ${op} ${goTypeOf(b)}`);
}

/** Go/expr `==` (runtime.Equal): numbers by value across int/float, deep for arrays and maps. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return isNil(a) && isNil(b);
  if (typeof a !== 'object' || typeof b !== 'object') {
    // A duration is an int64 underneath: reflect compares it with other ints by value.
    if (typeof a === 'number' && b instanceof GoDuration) return isIntValue(a) && a === b.ns;
    if (typeof b === 'number' && a instanceof GoDuration) return isIntValue(b) && b === a.ns;
    return false;
  }
  return equalObjects(a, b);
}

function equalObjects(a: object, b: object): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof GoTime) return b instanceof GoTime && a.Equal(b);
  if (a instanceof GoDuration) return b instanceof GoDuration && a.ns === b.ns;
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a as Map<unknown, unknown>) {
      if (!(b as Map<unknown, unknown>).has(k) || !equal(v, (b as Map<unknown, unknown>).get(k))) return false;
    }
    return true;
  }
  // reflect.DeepEqual: same type, same keys, equal values.
  if (isStringMap(a) !== isStringMap(b) || isPlainMap(a) !== isPlainMap(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) && !(isPlainMap(a) && isPlainMap(b))) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Go's ordering operators (runtime.Less & co.): numbers, strings (by bytes), times, durations. */
export function compare(a: unknown, b: unknown, op: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof GoTime && b instanceof GoTime) return a.Compare(b);
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0;
  return invalid(a, op, b);
}

export function less(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  return compare(a, b, '<') < 0;
}

export function more(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  return compare(a, b, '>') > 0;
}

export function lessOrEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a <= b;
  return compare(a, b, '<=') <= 0;
}

export function moreOrEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a >= b;
  return compare(a, b, '>=') >= 0;
}

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a instanceof GoTime && b instanceof GoDuration) return a.Add(b);
  if (a instanceof GoDuration) {
    if (b instanceof GoTime) return b.Add(a);
    if (b instanceof GoDuration) return new GoDuration(a.ns + b.ns);
  }
  return invalid(a, '+', b);
}

export function subtract(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof GoTime) {
    if (b instanceof GoTime) return a.Sub(b);
    if (b instanceof GoDuration) return a.Add(new GoDuration(-b.ns));
  }
  if (a instanceof GoDuration && b instanceof GoDuration) return new GoDuration(a.ns - b.ns);
  return invalid(a, '-', b);
}

export function multiply(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  // With a duration, an int operand gives a duration, a float operand a float64 (Go's conversion rules).
  if (a instanceof GoDuration) {
    if (b instanceof GoDuration) return new GoDuration(a.ns * b.ns);
    if (typeof b === 'number') return isIntValue(b) ? new GoDuration(a.ns * b) : a.ns * b;
  }
  if (b instanceof GoDuration && typeof a === 'number') return isIntValue(a) ? new GoDuration(a * b.ns) : a * b.ns;
  return invalid(a, '*', b);
}

export function divide(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  return invalid(a, '/', b);
}

/** Go's `%` on ints: truncated remainder (sign of the dividend); floats and zero divisors fail. */
export function modulo(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number' && isIntValue(a) && isIntValue(b)) {
    if (b === 0) throw fault('integer divide by zero');
    return (a % b) + 0;
  }
  return invalid(a, '%', b);
}

/** `**` and `^`: math.Pow on float64 operands. */
export function exponent(a: unknown, b: unknown): number {
  return Math.pow(toFloat(a), toFloat(b));
}

export function negate(a: unknown): unknown {
  if (typeof a === 'number') return -a;
  throw fault(`invalid operation: - ${goTypeOf(a)}`);
}

/** Go's runtime.ToInt: numbers truncate toward zero; anything else fails. */
export function toInt(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v) + 0;
  throw fault(`invalid operation: int(${goTypeOf(v)})`);
}

/** Go's runtime.ToFloat64. */
export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  throw fault(`invalid operation: float(${goTypeOf(v)})`);
}

/** The value as a Go bool, or a run-time error (expr-lang asserts `.(bool)` on conditions). */
export function asBool(v: unknown): boolean {
  if (v === true || v === false) return v;
  throw fault(`interface conversion: interface {} is ${goTypeOf(v)}, not bool`);
}

export function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  throw fault(`interface conversion: interface {} is ${goTypeOf(v)}, not string`);
}

/** `needle in haystack` (runtime.In): arrays by ==, map keys, struct field names; nil holds nothing. */
export function inOp(needle: unknown, haystack: unknown): boolean {
  if (haystack === null || haystack === undefined) return false;
  if (Array.isArray(haystack)) {
    for (let i = 0; i < haystack.length; i++) if (equal(haystack[i], needle)) return true;
    return false;
  }
  if (typeof haystack === 'object') {
    if (haystack instanceof Map) return (haystack as Map<unknown, unknown>).has(isNil(needle) ? null : needle);
    const key = isNil(needle) ? '' : needle;
    if (typeof key !== 'string') {
      const what = isStringMap(haystack) || isPlainMap(haystack) ? 'key' : 'field name';
      throw fault(`cannot use ${goTypeOf(needle)} as ${what} of ${goTypeOf(haystack)}`);
    }
    return Object.prototype.hasOwnProperty.call(haystack, key);
  }
  throw fault(`operator "in" not defined on ${goTypeOf(haystack)}`);
}

/** `a..b`: the ints from a to b inclusive (empty when b < a). */
export function makeRange(a: unknown, b: unknown): number[] {
  const min = toInt(a);
  const max = toInt(b);
  const size = max - min + 1;
  if (size <= 0) return [];
  if (size >= 1e6) throw fault('memory budget exceeded');
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) out[i] = min + i;
  return out;
}
