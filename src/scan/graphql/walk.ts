/**
 * The objects inside a GraphQL answer, typed with the schema: each object's type (its `__typename`
 * when present, else the field's declared type), its id, its plain values and the path that led to
 * it. The answer is hostile: the walk is bounded in depth and count.
 */
import { getNamedType, isInterfaceType, isLeafType, isObjectType, type GraphQLNamedType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';

export interface SeenObject {
  readonly typeName: string;
  /** The object's `id` (or `_id`, `uuid`) as a string, or null. */
  readonly id: string | null;
  /** Its leaf values as returned (objects and lists left out). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Field names from the root field down (list indexes left out): `['me', 'orders']`. */
  readonly path: readonly string[];
  /** Single objects with an id below it, by field name (`owner` → User 2). */
  readonly refs: Readonly<Record<string, { readonly typeName: string; readonly id: string }>>;
}

const MAX_OBJECTS = 5000;
const MAX_DEPTH = 25;

export function idOf(value: Readonly<Record<string, unknown>>): string | null {
  for (const k of ['id', '_id', 'uuid']) {
    const v = value[k];
    if (typeof v === 'string' && v !== '' && v.length <= 200) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(schema: GraphQLSchema, declared: GraphQLNamedType, value: Record<string, unknown>): GraphQLNamedType {
  const tn = value.__typename;
  if (typeof tn === 'string') {
    const t = schema.getType(tn);
    if (t !== undefined && t !== null) return t;
  }
  return declared;
}

/** Every object in `value`, the value of root field `rootName` whose type is `type`. */
export function objectsIn(schema: GraphQLSchema, type: GraphQLOutputType, value: unknown, rootName: string): SeenObject[] {
  const out: SeenObject[] = [];
  visit(schema, getNamedType(type), value, [rootName], out, 0);
  return out;
}

function visit(schema: GraphQLSchema, declared: GraphQLNamedType, value: unknown, path: string[], out: SeenObject[], depth: number): void {
  if (out.length >= MAX_OBJECTS || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) visit(schema, declared, item, path, out, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  const type = typeOf(schema, declared, value);
  if (!isObjectType(type) && !isInterfaceType(type)) return;
  const defs = type.getFields();
  const fields: Record<string, unknown> = {};
  const refs: Record<string, { typeName: string; id: string }> = {};
  const below: [GraphQLNamedType, unknown, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === '__typename') continue;
    const def = defs[k];
    if (def === undefined) continue;
    const t = getNamedType(def.type);
    if (!isLeafType(t)) {
      below.push([t, v, k]);
      if (isRecord(v)) {
        const childType = typeOf(schema, t, v);
        const id = idOf(v);
        if (id !== null) refs[k] = { typeName: childType.name, id };
      }
    } else if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      fields[k] = v;
    }
  }
  out.push({ typeName: type.name, id: idOf(value), fields, path: [...path], refs });
  for (const [t, v, k] of below) visit(schema, t, v, [...path, k], out, depth + 1);
}
