/**
 * How Go values live in JS for expressions.
 *
 * - string, bool: JS string, boolean. nil: null (undefined is read as nil too). Strings index and
 *   slice by UTF-8 bytes as in Go (`"é"[0]` is 195); `len` counts characters, as expr-lang's `len`
 *   does since 1.16 (utf8.RuneCountInString), so `len("é")` is 1.
 * - int and float64: JS numbers. The compiler tracks which one an expression yields where it can
 *   (literals, operators, builtins: see StaticKind); where it cannot (values read from the
 *   environment, numbers inside JSON, results of untyped helpers) a number with no fractional part
 *   is taken as an int. So a float64 that happens to be integral (e.g. `fromJSON("1")`) behaves like
 *   an int: `type()` says "int", `%` accepts it, and `string()` prints 1e6 as "1000000" where Go
 *   prints "1e+06". Integers beyond 2^53 lose precision and int64 overflow does not wrap.
 * - map[string]string (evt.Meta, evt.Parsed, ...): a StringMap, where a missing key reads as "".
 * - map[string]interface{}: a plain object (or a Map); a missing key reads as nil.
 * - structs: class instances whose properties and methods carry Go's names.
 * - slices: JS arrays.
 */

import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';

const STRING_MAP_MARK: unique symbol = Symbol('herd.expr.StringMap');

/** A Go `map[string]string`: reading a key that is not there gives "". */
export type StringMap = Record<string, string>;

/**
 * StringMaps are instances of this empty class whose prototype holds nothing but the marker (no
 * `constructor`, no Object.prototype behind it): `new` allocates faster than Object.create, which
 * matters with three maps per log line.
 */
const StringMapObject = function StringMapObject(this: object) {} as unknown as new () => StringMap;
Object.setPrototypeOf(StringMapObject.prototype, null);
delete (StringMapObject.prototype as { constructor?: unknown }).constructor;
Object.defineProperty(StringMapObject.prototype, STRING_MAP_MARK, { value: true, enumerable: false });
Object.freeze(StringMapObject.prototype);

/** The prototype every StringMap has (compare with Object.getPrototypeOf for a fast type test). */
export const STRING_MAP_PROTO: object = StringMapObject.prototype;

/**
 * Creates a StringMap: an object with a marker prototype (fast property access, no inherited keys
 * such as `constructor` or `__proto__`), optionally filled from `init`.
 */
export function createStringMap(init?: Readonly<Record<string, string>>): StringMap {
  const m = new StringMapObject();
  if (init) for (const k of Object.keys(init)) m[k] = init[k];
  return m;
}

export function isStringMap(v: unknown): v is StringMap {
  return typeof v === 'object' && v !== null && (v as { [STRING_MAP_MARK]?: boolean })[STRING_MAP_MARK] === true;
}

/** A Go map[string]interface{}: a plain object (prototype Object.prototype or null), not a StringMap. */
export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Any Go map: a StringMap, a plain object, or a JS Map. */
export function isGoMap(v: unknown): boolean {
  return isStringMap(v) || isPlainMap(v) || v instanceof Map;
}

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** What the compiler knows statically about the value an expression yields. */
export type StaticKind = 'int' | 'float' | 'string' | 'bool' | 'nil' | 'array' | 'map' | 'time' | 'duration' | 'any';

/** A function given to expressions (CrowdSec helper, custom function); `resultKind` says int vs float. */
export interface ExprFunction {
  (...args: unknown[]): unknown;
  readonly resultKind?: StaticKind;
  /** Same arguments, same result, no side effect: calls with constant arguments are folded when compiling. */
  readonly pure?: boolean;
  /** The exact number of arguments, checked when compiling (expr-lang's typed functions). */
  readonly arity?: number;
  /**
   * On a string of ASCII characters the function is ASCII case mapping (Go's Upper and Lower): list
   * lookups may then run on the argument itself instead of building the mapped string.
   */
  readonly asciiCase?: 'upper' | 'lower';
}

/** Marks a helper as pure (see ExprFunction.pure). */
export function pureFunction<F extends (...args: never[]) => unknown>(fn: F, kind?: StaticKind): F & ExprFunction {
  return Object.assign(fn, kind === undefined ? { pure: true } : { pure: true, resultKind: kind }) as unknown as F & ExprFunction;
}

/** Declares the static kind a function returns (e.g. 'float' for Atof) so `string()` and `type()` know. */
export function withResultKind<F extends (...args: never[]) => unknown>(fn: F, kind: StaticKind): F & ExprFunction {
  return Object.assign(fn, { resultKind: kind }) as unknown as F & ExprFunction;
}

/** A Go value that knows its own Go type name (e.g. time.Time); used by `type()` and `%T`. */
interface GoTyped {
  goTypeName?: unknown;
}

function structName(v: object): string {
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  const own = (v as GoTyped).goTypeName;
  if (typeof own === 'string') return own;
  const ctor = (v as { constructor?: { goTypeName?: unknown; name?: unknown } }).constructor;
  if (ctor && typeof ctor.goTypeName === 'string') return ctor.goTypeName;
  return ctor && typeof ctor.name === 'string' && ctor.name !== '' ? ctor.name : 'struct';
}

/** The number's Go kind when nothing static is known: integral and within int64 means int. */
export function isIntValue(n: number): boolean {
  return Number.isInteger(n) && n < 9223372036854775808 && n >= -9223372036854775808;
}

/** Go's `%T` spelling of a value's type, for error messages. */
export function goTypeOf(v: unknown, kind: StaticKind = 'any'): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      if (kind === 'float') return 'float64';
      if (kind === 'int') return 'int';
      return isIntValue(v) ? 'int' : 'float64';
    case 'function':
      return 'func';
    case 'bigint':
      return 'int64';
    default:
      break;
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (isStringMap(v)) return 'map[string]string';
  if (isPlainMap(v)) return 'map[string]interface {}';
  if (v instanceof Map) return 'map[interface {}]interface {}';
  return structName(v as object);
}

/** The result of expr-lang's `type()` builtin. */
export function exprTypeName(v: unknown, kind: StaticKind = 'any'): string {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      if (kind === 'float') return 'float';
      if (kind === 'int') return 'int';
      return isIntValue(v) ? 'int' : 'float';
    case 'function':
      return 'func';
    default:
      break;
  }
  if (Array.isArray(v)) return 'array';
  if (isGoMap(v)) return 'map';
  return structName(v as object);
}
