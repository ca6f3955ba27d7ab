/**
 * expr-lang's conversion and number builtins (type, string, int, float, abs, ceil, floor, round)
 * and the bitwise ones, on Go's 64-bit ints (through BigInt; exact up to 2^53 once back in a number).
 */
import { always, type BuiltinSpec } from './builtin-spec.js';
import { fault } from './errors.js';
import { formatValue } from './go-fmt.js';
import { GoDuration } from './go-duration.js';
import { parseGoFloat, parseGoInt } from './go-number.js';
import { exprTypeName, goTypeOf, isIntValue, type StaticKind } from './values.js';

function toIntBuiltin(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v) + 0;
  if (typeof v === 'string') {
    const n = parseGoInt(v);
    if (n === null) throw fault(`invalid operation: int(${v})`);
    return n;
  }
  if (v instanceof GoDuration) return v.ns;
  throw fault(`invalid operation: int(${goTypeOf(v)})`);
}

function toFloatBuiltin(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseGoFloat(v);
    if (n === null) throw fault(`invalid operation: float(${v})`);
    return n;
  }
  throw fault(`invalid operation: float(${goTypeOf(v)})`);
}

function numberArg(name: string, v: unknown): number {
  if (typeof v === 'number') return v;
  throw fault(`invalid argument for ${name} (type ${goTypeOf(v)})`);
}

/** Go's math.Round: half away from zero. */
function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function bitArg(name: string, v: unknown): bigint {
  if (typeof v === 'number' && isIntValue(v)) return BigInt(v);
  throw fault(`cannot use ${goTypeOf(v)} as argument (type int) to call ${name}`);
}

function int64(x: bigint): number {
  return Number(BigInt.asIntN(64, x));
}

function bitFunc(name: string, op: (x: bigint, y: bigint) => bigint, shift = false): BuiltinSpec {
  return {
    min: 2,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('int'),
    call: (args) => {
      const x = bitArg(name, args[0]);
      const y = bitArg(name, args[1]);
      if (shift && y < 0n) throw fault(`invalid operation: negative shift count ${y} (type int)`);
      return int64(op(x, y));
    },
  };
}

const numericKind = (args: readonly StaticKind[]): StaticKind =>
  args[0] === 'int' || args[0] === 'float' ? args[0] : 'any';

export const NUMERIC_BUILTINS: Readonly<Record<string, BuiltinSpec>> = {
  type: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args, site) => exprTypeName(args[0], site.kinds[0]),
  },
  string: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args, site) => formatValue(args[0], site.kinds[0]),
  },
  int: { min: 1, max: 1, arity: 'validate', pure: true, kind: always('int'), call: (args) => toIntBuiltin(args[0]) },
  float: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('float'),
    call: (args) => toFloatBuiltin(args[0]),
  },
  abs: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: numericKind,
    call: (args) => {
      const x = numberArg('abs', args[0]);
      return x < 0 ? -x : x;
    },
  },
  ceil: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('float'),
    call: (args) => Math.ceil(numberArg('ceil', args[0])),
  },
  floor: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('float'),
    call: (args) => Math.floor(numberArg('floor', args[0])),
  },
  round: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('float'),
    call: (args) => goRound(numberArg('round', args[0])),
  },
  bitand: bitFunc('bitand', (x, y) => x & y),
  bitor: bitFunc('bitor', (x, y) => x | y),
  bitxor: bitFunc('bitxor', (x, y) => x ^ y),
  bitnand: bitFunc('bitnand', (x, y) => x & ~y),
  bitshl: bitFunc('bitshl', (x, y) => (y >= 64n ? 0n : x << y), true),
  bitshr: bitFunc('bitshr', (x, y) => (y >= 64n ? (x < 0n ? -1n : 0n) : x >> y), true),
  bitushr: bitFunc('bitushr', (x, y) => (y >= 64n ? 0n : BigInt.asUintN(64, x) >> y), true),
  bitnot: {
    min: 1,
    max: 1,
    arity: 'validate',
    pure: true,
    kind: always('int'),
    call: (args) => {
      const v = args[0];
      if (typeof v !== 'number' || !isIntValue(v)) {
        throw fault(`cannot use ${goTypeOf(v)} as argument (type int) to call bitnot`);
      }
      return int64(~BigInt(v));
    },
  },
};
