/**
 * Reading a GraphQL schema the way the scanner needs it: root fields, required arguments, which
 * type an id argument points to, the "viewer" field (`me`), and names split into words for the
 * heuristics (`deleteUser` → delete, user).
 */
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import type { ApiOperation, GraphqlApi } from '../model.js';

export type GqlField = GraphQLField<unknown, unknown>;
export type RootKind = 'query' | 'mutation';

/** The schema of an API (rebuilt from its SDL), or null when the SDL does not build. */
export function schemaOf(api: GraphqlApi): GraphQLSchema | null {
  try {
    return buildSchema(api.sdl);
  } catch {
    try {
      return buildSchema(api.sdl, { assumeValidSDL: true });
    } catch {
      return null;
    }
  }
}

export function rootTypeOf(schema: GraphQLSchema, kind: RootKind): GraphQLObjectType | null {
  return (kind === 'query' ? schema.getQueryType() : schema.getMutationType()) ?? null;
}

export function rootFields(schema: GraphQLSchema, kind: RootKind): GqlField[] {
  const t = rootTypeOf(schema, kind);
  return t === null ? [] : Object.values(t.getFields());
}

/** `Query.order` → the field and its root kind. */
export function fieldOfOperation(schema: GraphQLSchema, opId: string): { field: GqlField; kind: RootKind } | null {
  const dot = opId.indexOf('.');
  if (dot < 0) return null;
  const root = opId.slice(0, dot);
  const name = opId.slice(dot + 1);
  for (const kind of ['query', 'mutation'] as const) {
    const t = rootTypeOf(schema, kind);
    if (t !== null && t.name === root) {
      const f = t.getFields()[name];
      return f === undefined ? null : { field: f, kind };
    }
  }
  return null;
}

export function operationIdOf(schema: GraphQLSchema, kind: RootKind, field: GqlField): string {
  return `${rootTypeOf(schema, kind)?.name ?? (kind === 'query' ? 'Query' : 'Mutation')}.${field.name}`;
}

export function operationById(api: GraphqlApi, id: string): ApiOperation | undefined {
  return api.operations.find((o) => o.id === id);
}

export function isRequired(arg: GraphQLArgument): boolean {
  return isNonNullType(arg.type) && arg.defaultValue === undefined;
}

export function requiredArgs(field: GqlField): GraphQLArgument[] {
  return field.args.filter(isRequired);
}

export function returnsList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

export function isComposite(type: GraphQLType): boolean {
  const n = getNamedType(type);
  return isObjectType(n) || isInterfaceType(n) || isUnionType(n);
}

export function isLeaf(type: GraphQLType): boolean {
  return isLeafType(getNamedType(type));
}

/** `deleteUser` → [delete, user]; `shipping_address` → [shipping, address]; `APIKey` → [api, key]. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/** The singular of a simple English plural (`orders` → `order`, `categories` → `category`). */
export function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us)$/.test(word)) return word;
  if (/(x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

function typeNamed(schema: GraphQLSchema, lowerName: string): GraphQLNamedType | undefined {
  for (const t of Object.values(schema.getTypeMap())) {
    if (t.name.startsWith('__')) continue;
    if (t.name.toLowerCase() === lowerName && (isObjectType(t) || isInterfaceType(t))) return t;
  }
  return undefined;
}

/** Whether an argument names an object by its id (`id`, `orderId`, `order_id`, or of type ID). */
export function isIdArg(arg: GraphQLArgument): boolean {
  const named = getNamedType(arg.type);
  if (!isScalarType(named)) return false;
  if (named.name === 'ID') return true;
  return /^(id|.+Id|.+_id|.+ID|uuid)$/.test(arg.name) && (named.name === 'Int' || named.name === 'String');
}

/**
 * The object type an id argument points to: `id` on a field returning `Order` (or on
 * `updateOrder`/`deleteOrder`) → Order; `productId` → Product when the schema has it. Null when
 * unknown.
 */
export function idTargetType(schema: GraphQLSchema, field: GqlField, arg: GraphQLArgument): string | null {
  if (!isIdArg(arg)) return null;
  const m = /^(.+?)(?:_?ids?|IDs?)$/i.exec(arg.name);
  if (m !== null && m[1] !== undefined && arg.name.toLowerCase() !== 'id') {
    return typeNamed(schema, m[1].replace(/_/g, '').toLowerCase())?.name ?? null;
  }
  const ret = getNamedType(field.type);
  if ((isObjectType(ret) || isInterfaceType(ret)) && 'id' in ret.getFields() && !/(payload|result|response)$/i.test(ret.name)) return ret.name;
  // `deleteUser(id): Boolean`, `updateOrder(id): UpdateOrderPayload`: the object is in the name.
  const words = wordsOf(field.name);
  const noun = words.length > 1 ? words.slice(1).join('') : (words[0] ?? '');
  return (typeNamed(schema, noun) ?? typeNamed(schema, singular(noun)))?.name ?? null;
}

const VIEWER_WORDS = new Set(['me', 'viewer', 'whoami', 'self', 'myself', 'current', 'my']);

/**
 * The field that answers "who am I" (`me`, `viewer`, `currentUser`, `myProfile`…): a query field
 * without required arguments returning one object (not a list).
 */
export function viewerField(schema: GraphQLSchema): GqlField | null {
  for (const f of rootFields(schema, 'query')) {
    if (requiredArgs(f).length > 0 || returnsList(f.type)) continue;
    const t = getNamedType(f.type);
    if (!isObjectType(t) && !isInterfaceType(t)) continue;
    const words = wordsOf(f.name);
    if (words.length > 0 && VIEWER_WORDS.has(words[0] ?? '')) return f;
  }
  return null;
}

export function viewerTypeName(schema: GraphQLSchema): string | null {
  const f = viewerField(schema);
  return f === null ? null : getNamedType(f.type).name;
}

/** The names of an enum type's values (empty for other types). */
export function enumValues(type: GraphQLType): string[] {
  const n = getNamedType(type);
  return isEnumType(n) ? n.getValues().map((v) => v.name) : [];
}

