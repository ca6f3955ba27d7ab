/**
 * The registry of expr-lang's non-predicate builtins (the predicate ones, such as filter and all,
 * are compiled into loops by the compiler).
 */
import type { BuiltinSpec } from './builtin-spec.js';
import { COLLECTION_BUILTINS } from './builtins-collections.js';
import { NUMERIC_BUILTINS } from './builtins-numeric.js';
import { TEXT_BUILTINS } from './builtins-text.js';
import { TIME_BUILTINS } from './builtins-time.js';

export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = new Map(
  Object.entries({ ...NUMERIC_BUILTINS, ...TEXT_BUILTINS, ...COLLECTION_BUILTINS, ...TIME_BUILTINS }),
);

export const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTINS.keys());
