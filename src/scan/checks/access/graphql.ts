/**
 * The little GraphQL the protocol-independent access checks need (the JWT probe and the login
 * brake): the schema rebuilt from the API's SDL, an operation for one root field (arguments as
 * variables, a selection of the type's plain fields), the request to the endpoint and what came
 * back for the field.
 */
import {
  buildSchema,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import type { ApiOperation, Exchange, GraphqlApi, ScanApi, ScanRequest } from '../../model.js';
import type { CheckContext } from '../../check.js';
import { graphqlFieldName, isObject, parseJson } from './common.js';

export type RootKind = 'Query' | 'Mutation';
export type GqlField = GraphQLField<unknown, unknown>;

/** The schema of a GraphQL API, or undefined when its SDL does not build. */
export function graphqlSchema(api: ScanApi): GraphQLSchema | undefined {
  if (api.kind !== 'graphql') return undefined;
  try {
    return buildSchema(api.sdl, { assumeValidSDL: false });
  } catch {
    return undefined;
  }
}

export function rootType(schema: GraphQLSchema, root: RootKind) {
  return root === 'Query' ? schema.getQueryType() : schema.getMutationType();
}

/** The root field of an operation (`Query.me`, `Mutation.login`). */
export function rootField(schema: GraphQLSchema, op: ApiOperation): GqlField | undefined {
  const root: RootKind | undefined = op.id.startsWith('Query.') ? 'Query' : op.id.startsWith('Mutation.') ? 'Mutation' : undefined;
  return root === undefined ? undefined : rootType(schema, root)?.getFields()[graphqlFieldName(op)];
}

function returnsList(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

export function requiredArgs(field: GqlField): GraphQLArgument[] {
  return field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
}

/** Leaf fields of an object type that take no required argument. */
export function leafFields(type: GraphQLNamedType): string[] {
  if (!isObjectType(type) && !isInterfaceType(type)) return [];
  return Object.values(type.getFields())
    .filter((f) => isLeafType(getNamedType(f.type)) && requiredArgs(f).length === 0)
    .map((f) => f.name);
}

/**
 * A selection set for a type: its plain fields (minus `exclude`), and `{ id }` of the single
 * objects it links to (an order's owner), so that ownership shows.
 */
export function selectionFor(type: GraphQLOutputType, exclude: ReadonlySet<string> = new Set(), extra: readonly string[] = []): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const parts = leafFields(named).filter((f) => !exclude.has(f));
  for (const f of Object.values(named.getFields())) {
    if (requiredArgs(f).length > 0 || returnsList(f.type)) continue;
    const inner = getNamedType(f.type);
    if ((isObjectType(inner) || isInterfaceType(inner)) && leafFields(inner).includes('id')) parts.push(`${f.name} { id }`);
  }
  for (const e of extra) if (!parts.includes(e)) parts.push(e);
  return `{ ${parts.length > 0 ? parts.join(' ') : '__typename'} }`;
}

export interface GqlBody {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/** `query($id: ID!) { order(id: $id) { … } }` with the arguments given as variables. */
export function buildOperation(root: RootKind, field: GqlField, args: Readonly<Record<string, unknown>>, selection?: string): GqlBody {
  const defs: string[] = [];
  const uses: string[] = [];
  const variables: Record<string, unknown> = {};
  for (const arg of field.args) {
    if (!(arg.name in args)) continue;
    const v = `v_${arg.name}`;
    defs.push(`$${v}: ${String(arg.type)}`);
    uses.push(`${arg.name}: $${v}`);
    variables[v] = args[arg.name];
  }
  const sel = selection ?? selectionFor(field.type);
  const head = root === 'Query' ? 'query' : 'mutation';
  const call = uses.length > 0 ? `${field.name}(${uses.join(', ')})` : field.name;
  return { query: `${head} HerdScan${defs.length > 0 ? `(${defs.join(', ')})` : ''} { ${call}${sel ? ` ${sel}` : ''} }`, variables };
}

/** The endpoint's URL: the one the exploration used, else the API's endpoint on the base URL. */
function endpointUrl(ctx: CheckContext): string {
  for (const list of ctx.samples.values()) for (const s of list) if (s.request.method === 'POST') return s.request.url;
  const api = ctx.api as GraphqlApi;
  const base = ctx.baseUrl.pathname.replace(/\/$/, '');
  const endpoint = api.endpoint.startsWith('/') ? api.endpoint : `/${api.endpoint}`;
  return new URL(endpoint.startsWith(base) ? endpoint : base + endpoint, ctx.baseUrl.origin).toString();
}

export function graphqlRequest(ctx: CheckContext, body: GqlBody): ScanRequest {
  return { method: 'POST', url: endpointUrl(ctx), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export interface GqlResult {
  /** The root field's value (`data.order`): null when it resolved to null, undefined when absent. */
  readonly value: unknown;
  readonly errors: readonly string[];
}

export function graphqlResult(ex: Exchange | undefined, fieldName: string): GqlResult {
  const json = ex?.response ? parseJson(ex.response.body) : undefined;
  if (!isObject(json)) return { value: undefined, errors: [] };
  const errors = Array.isArray(json.errors)
    ? json.errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : 'error'))
    : [];
  const data = isObject(json.data) ? json.data : undefined;
  return { value: data !== undefined && Object.hasOwn(data, fieldName) ? data[fieldName] : undefined, errors };
}
