/**
 * Argument values from the schema's types: ids learned during exploration first (then 1), "herd"
 * for strings (an email, URL or date when the name says so), an enum's first value, input objects
 * with their required fields. Values go into variables, never into the query text.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { idTargetType, isIdArg, requiredArgs, wordsOf, type GqlField } from './schema-tools.js';

/** What exploration has learned that makes values valid: known ids per object type. */
export interface ValueHints {
  /** Ids of objects of `typeName` (most useful first); `null`: of any type. */
  idsOf(typeName: string | null): readonly string[];
}

export const NO_HINTS: ValueHints = { idsOf: () => [] };

/** A value for a string or custom scalar, from the name of the argument or field and the scalar. */
export function stringFor(name: string, scalar = 'String'): unknown {
  const words = wordsOf(name);
  const has = (w: string): boolean => words.includes(w);
  const s = scalar.toLowerCase();
  if (s.includes('json') || s === 'object') return {};
  if (s.includes('datetime') || s.includes('timestamp') || has('at')) return '2024-01-01T00:00:00Z';
  if (s === 'date' || has('date') || has('birthday')) return '2024-01-01';
  if (s.includes('uuid') || has('uuid') || has('guid')) return '00000000-0000-4000-8000-000000000000';
  if (s.includes('email') || has('email') || has('mail')) return 'herd@example.com';
  if (s.includes('url') || s.includes('uri') || has('url') || has('uri') || has('website') || has('link')) return 'https://example.com/';
  if (has('phone') || has('mobile')) return '+15555550100';
  if (has('password')) return 'Herd-Passw0rd-1';
  if (s === 'bigint' || s === 'long' || s === 'decimal') return '1';
  return 'herd';
}

function intFor(name: string): number {
  const words = wordsOf(name);
  if (words.includes('offset') || words.includes('skip')) return 0;
  return 1;
}

/**
 * A value for an input type, or undefined when none can be built (a required field that cannot be
 * filled). `depth` bounds input objects that contain themselves.
 */
export function valueForType(
  type: GraphQLInputType,
  name: string,
  ids: readonly string[],
  depth = 0,
): unknown {
  if (isNonNullType(type)) return valueForType(type.ofType, name, ids, depth);
  if (isListType(type)) {
    const item = valueForType(type.ofType, name, ids, depth);
    return item === undefined ? [] : [item];
  }
  const named = getNamedType(type);
  if (isEnumType(named)) {
    const values = named.getValues().filter((v) => v.deprecationReason == null);
    return (values[0] ?? named.getValues()[0])?.name;
  }
  if (isInputObjectType(named)) {
    if (depth > 4) return undefined;
    const out: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) {
      if (!isNonNullType(f.type) || f.defaultValue !== undefined) continue;
      const v = valueForType(f.type, f.name, [], depth + 1);
      if (v === undefined) return undefined;
      out[f.name] = v;
    }
    return out;
  }
  if (!isScalarType(named)) return undefined;
  switch (named.name) {
    case 'ID':
      return ids[0] ?? '1';
    case 'Int': {
      const n = ids.map(Number).find((x) => Number.isSafeInteger(x));
      return n ?? intFor(name);
    }
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'String':
      return ids.length > 0 ? ids[0] : stringFor(name);
    default:
      return stringFor(name, named.name);
  }
}

/** The ids worth trying for an argument (none for arguments that are not ids). */
export function idsForArg(schema: GraphQLSchema, field: GqlField, arg: GraphQLArgument, hints: ValueHints): readonly string[] {
  if (!isIdArg(arg)) return [];
  const target = idTargetType(schema, field, arg);
  const own = target === null ? [] : hints.idsOf(target);
  return own.length > 0 ? own : target === null ? hints.idsOf(null) : [];
}

export function argValue(schema: GraphQLSchema, field: GqlField, arg: GraphQLArgument, hints: ValueHints): unknown {
  return valueForType(arg.type, arg.name, idsForArg(schema, field, arg, hints));
}

/**
 * Values for the required arguments of a field (and any given in `overrides`), or null when one
 * cannot be built.
 */
export function requiredArgValues(
  schema: GraphQLSchema,
  field: GqlField,
  hints: ValueHints,
  overrides: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const arg of requiredArgs(field)) {
    if (arg.name in overrides) continue;
    const v = argValue(schema, field, arg, hints);
    if (v === undefined) return null;
    out[arg.name] = v;
  }
  for (const [k, v] of Object.entries(overrides)) if (field.args.some((a) => a.name === k)) out[k] = v;
  return out;
}

/** An id as the argument's type wants it: a number for `Int` arguments, the string otherwise. */
export function idArgValue(arg: GraphQLArgument | undefined, id: string): unknown {
  if (arg === undefined) return id;
  const t = getNamedType(arg.type).name;
  return (t === 'Int' || t === 'Float') && /^-?\d+$/.test(id) ? Number(id) : id;
}
