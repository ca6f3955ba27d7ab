/**
 * expr-lang's string, JSON and base64 builtins with Go's `strings` semantics (byte offsets for
 * indexOf, Unicode white space for trim, "" separators splitting characters).
 */
import { always, type BuiltinSpec } from './builtin-spec.js';
import { fault } from './errors.js';
import { goMarshalJSON, goUnmarshalJSON } from './go-json.js';
import {
  goIndex,
  goLastIndex,
  goReplace,
  goSplit,
  goToLower,
  goToUpper,
  goTrim,
  goTrimPrefix,
  goTrimSpace,
  goTrimSuffix,
} from './go-strings.js';
import { asString, toInt } from './value-ops.js';
import { goTypeOf } from './values.js';

function str(fn: (s: string) => unknown): BuiltinSpec['call'] {
  return (args) => fn(asString(args[0]));
}

/** Go's base64.StdEncoding.DecodeString: padding required, newlines ignored, other junk rejected. */
export function decodeStdBase64(text: string): string {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    const bad = s.search(/[^A-Za-z0-9+/=]/);
    throw fault(`illegal base64 data at input byte ${bad >= 0 ? bad : s.length}`);
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

export const TEXT_BUILTINS: Readonly<Record<string, BuiltinSpec>> = {
  trim: {
    min: 1,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => (args.length === 1 ? goTrimSpace(asString(args[0])) : goTrim(asString(args[0]), asString(args[1]))),
  },
  trimPrefix: {
    min: 1,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => goTrimPrefix(asString(args[0]), args.length === 2 ? asString(args[1]) : ' '),
  },
  trimSuffix: {
    min: 1,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => goTrimSuffix(asString(args[0]), args.length === 2 ? asString(args[1]) : ' '),
  },
  upper: { min: 1, max: 1, arity: 'types', pure: true, kind: always('string'), call: str(goToUpper) },
  lower: { min: 1, max: 1, arity: 'types', pure: true, kind: always('string'), call: str(goToLower) },
  split: {
    min: 2,
    max: 3,
    arity: 'types',
    pure: true,
    kind: always('array'),
    call: (args) => goSplit(asString(args[0]), asString(args[1]), args.length === 3 ? toInt(args[2]) : -1),
  },
  splitAfter: {
    min: 2,
    max: 3,
    arity: 'types',
    pure: true,
    kind: always('array'),
    call: (args) => goSplit(asString(args[0]), asString(args[1]), args.length === 3 ? toInt(args[2]) : -1, true),
  },
  replace: {
    min: 3,
    max: 4,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) =>
      goReplace(asString(args[0]), asString(args[1]), asString(args[2]), args.length === 4 ? toInt(args[3]) : -1),
  },
  repeat: {
    min: 2,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => {
      const s = asString(args[0]);
      const n = toInt(args[1]);
      if (n < 0) throw fault(`invalid argument for repeat (expected positive integer, got ${n})`);
      if (n > 1e6 || s.length * n > 1e8) throw fault('memory budget exceeded');
      return s.repeat(n);
    },
  },
  join: {
    min: 1,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => {
      const glue = args.length === 2 ? asString(args[1]) : '';
      const arr = args[0];
      if (!Array.isArray(arr)) throw fault(`invalid argument for join (type ${goTypeOf(arr)})`);
      return arr.map(asString).join(glue);
    },
  },
  indexOf: {
    min: 2,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('int'),
    call: (args) => goIndex(asString(args[0]), asString(args[1])),
  },
  lastIndexOf: {
    min: 2,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('int'),
    call: (args) => goLastIndex(asString(args[0]), asString(args[1])),
  },
  hasPrefix: {
    min: 2,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('bool'),
    call: (args) => asString(args[0]).startsWith(asString(args[1])),
  },
  hasSuffix: {
    min: 2,
    max: 2,
    arity: 'types',
    pure: true,
    kind: always('bool'),
    call: (args) => asString(args[0]).endsWith(asString(args[1])),
  },
  toJSON: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args, site) => goMarshalJSON(args[0], '  ', site.kinds[0]),
  },
  fromJSON: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('any'),
    call: (args) => goUnmarshalJSON(asString(args[0])),
  },
  toBase64: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => Buffer.from(asString(args[0]), 'utf8').toString('base64'),
  },
  fromBase64: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('string'),
    call: (args) => decodeStdBase64(asString(args[0])),
  },
};
