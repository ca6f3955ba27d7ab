/**
 * expr-lang's builtins over arrays and maps (len, first, last, get, take, keys, values, toPairs,
 * fromPairs, reverse, uniq, concat, flatten, sort, max, min, mean, median).
 */
import { always, type BuiltinSpec } from './builtin-spec.js';
import { fault } from './errors.js';
import { fetch, length } from './member-access.js';
import { compare, equal, less, more } from './value-ops.js';
import { goTypeOf, isIntValue, isPlainMap, isStringMap, type StaticKind } from './values.js';

function kindName(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (isStringMap(v) || isPlainMap(v) || v instanceof Map) return 'map';
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'number':
      return isIntValue(v) ? 'int' : 'float64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      return 'struct';
  }
}

function mapEntries(v: unknown, what: string): [unknown, unknown][] {
  if (v instanceof Map) return [...(v as Map<unknown, unknown>).entries()];
  if (isStringMap(v) || isPlainMap(v)) return Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
  throw fault(`cannot ${what} ${kindName(v)}`);
}

function array(v: unknown, what: string): readonly unknown[] {
  if (Array.isArray(v)) return v;
  throw fault(`cannot ${what} ${kindName(v)}`);
}

/** Reads an element and turns any failure into nil, as `first`, `last` and `get` do. */
function tryFetch(o: unknown, key: unknown): unknown {
  try {
    return fetch(o, key);
  } catch {
    return null;
  }
}

function flattenInto(out: unknown[], v: readonly unknown[]): unknown[] {
  for (const x of v) {
    if (Array.isArray(x)) flattenInto(out, x);
    else out.push(x);
  }
  return out;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number';
}

/** max/min over numbers and (nested) arrays of numbers; a single non-number argument is returned. */
function minMax(name: string, better: (a: unknown, b: unknown) => boolean, args: readonly unknown[]): unknown {
  let val: unknown = null;
  for (const arg of args) {
    if (Array.isArray(arg)) {
      for (const el of arg) {
        const v = minMax(name, better, [el]);
        if (!isNumber(v)) throw fault(`invalid argument for ${name} (type ${goTypeOf(v)})`);
        if (val === null || better(val, v)) val = v;
      }
    } else if (isNumber(arg)) {
      if (val === null || better(val, arg)) val = arg;
    } else {
      if (args.length === 1) return arg;
      throw fault(`invalid argument for ${name} (type ${goTypeOf(arg)})`);
    }
  }
  return val;
}

function collectNumbers(name: string, args: readonly unknown[], out: number[]): number[] {
  for (const arg of args) {
    if (Array.isArray(arg)) collectNumbers(name, arg, out);
    else if (isNumber(arg)) out.push(arg);
    else throw fault(`invalid argument for ${name} (type ${goTypeOf(arg)})`);
  }
  return out;
}

/** Go's sort order for `sort`: runtime.Less, failing on mixed types. */
function sortValues(values: unknown[], desc: boolean): unknown[] {
  const sign = desc ? -1 : 1;
  return values.sort((a, b) => sign * compare(a, b, '<'));
}

function orderArg(v: unknown): boolean {
  if (v === 'asc') return false;
  if (v === 'desc') return true;
  throw fault(`invalid order ${String(v)}, expected asc or desc`);
}

const elementKind = (): StaticKind => 'any';

export const COLLECTION_BUILTINS: Readonly<Record<string, BuiltinSpec>> = {
  len: { min: 1, max: 1, arity: 'validate', pure: true, kind: always('int'), call: (args) => length(args[0]) },
  first: { min: 1, max: 1, arity: 'validate', pure: true, kind: elementKind, call: (args) => tryFetch(args[0], 0) },
  last: { min: 1, max: 1, arity: 'validate', pure: true, kind: elementKind, call: (args) => tryFetch(args[0], -1) },
  get: { min: 2, max: 2, arity: 'validate', pure: true, kind: elementKind, call: (args) => tryFetch(args[0], args[1]) },
  take: {
    min: 2,
    max: 2,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => {
      const a = array(args[0], 'take from');
      const n = args[1];
      if (typeof n !== 'number' || !isIntValue(n)) throw fault(`cannot take ${kindName(n)} elements`);
      if (n < 0) throw fault('reflect: slice index out of range');
      return n > a.length ? a : a.slice(0, n);
    },
  },
  keys: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => mapEntries(args[0], 'get keys from').map(([k]) => k),
  },
  values: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => mapEntries(args[0], 'get values from').map(([, v]) => v),
  },
  toPairs: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => mapEntries(args[0], 'transform').map(([k, v]) => [k, v]),
  },
  fromPairs: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('map'),
    call: (args) => {
      const pairs = array(args[0], 'transform');
      const m = new Map<unknown, unknown>();
      for (const p of pairs) {
        if (!Array.isArray(p)) throw fault(`invalid pair ${String(p)}`);
        if (p.length !== 2) throw fault(`invalid pair length ${p.length}`);
        m.set(p[0], p[1]);
      }
      if ([...m.keys()].every((k) => typeof k === 'string')) {
        const o: Record<string, unknown> = {};
        for (const [k, v] of m) o[k as string] = v;
        return o;
      }
      return m;
    },
  },
  reverse: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => [...array(args[0], 'reverse')].reverse(),
  },
  uniq: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => {
      const out: unknown[] = [];
      for (const v of array(args[0], 'uniq')) if (!out.some((x) => equal(v, x))) out.push(v);
      return out;
    },
  },
  concat: {
    min: 1,
    max: Infinity,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => {
      const out: unknown[] = [];
      for (const a of args) out.push(...array(a, 'concat'));
      return out;
    },
  },
  flatten: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('array'),
    call: (args) => flattenInto([], array(args[0], 'flatten')),
  },
  sort: {
    min: 1,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('array'),
    call: (args) => {
      const desc = args.length === 2 ? orderArg(args[1]) : false;
      return sortValues([...array(args[0], 'sort')], desc);
    },
  },
  max: {
    min: 1,
    max: Infinity,
    arity: 'aggregate',
    pure: true,
    kind: elementKind,
    call: (args) => minMax('max', less, args),
  },
  min: {
    min: 1,
    max: Infinity,
    arity: 'aggregate',
    pure: true,
    kind: elementKind,
    call: (args) => minMax('min', more, args),
  },
  mean: {
    min: 1,
    max: Infinity,
    arity: 'aggregate',
    pure: true,
    kind: always('float'),
    call: (args) => {
      const xs = collectNumbers('mean', args, []);
      if (xs.length === 0) return 0;
      let sum = 0;
      for (const x of xs) sum += x;
      return sum / xs.length;
    },
  },
  median: {
    min: 1,
    max: Infinity,
    arity: 'aggregate',
    pure: true,
    kind: always('float'),
    call: (args) => {
      const xs = collectNumbers('median', args, []).sort((a, b) => a - b);
      const n = xs.length;
      if (n === 0) return 0;
      return n % 2 === 1 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    },
  },
};
