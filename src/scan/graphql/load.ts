/**
 * A GraphQL API as the scanner sees it: the endpoint (given, or found at the usual paths), the
 * schema (from an SDL file, by introspection through the scan client, or rebuilt from field
 * suggestions when introspection is off) and one ApiOperation per
 * Query and Mutation field, so that checks and reports name GraphQL fields the way they name REST
 * operations (`Query.order`, method POST on the endpoint).
 */
import { readFile } from 'node:fs/promises';
import {
  GraphQLError,
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  printSchema,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { HerdError } from '../../core/index.js';
import type { ScanClient } from '../check.js';
import type { ApiOperation, ApiParameter, GraphqlApi, JsonSchema } from '../model.js';
import { recoverSchema } from './recover.js';
import { isRequired, rootFields, rootTypeOf, wordsOf, type GqlField, type RootKind } from './schema-tools.js';
import { endpointUrl, getRequest, gqlResultOfExchange, postRequest, type GqlPayload } from './transport.js';

/** Where GraphQL servers usually listen, tried in this order; `''` is the base URL itself. */
export const GRAPHQL_ENDPOINTS: readonly string[] = ['/graphql', '/api/graphql', '/graphql/v1', '/v1/graphql', '/query', '/gql', ''];

export interface LoadGraphqlOptions {
  readonly client: ScanClient;
  readonly baseUrl: URL;
  /** The endpoint's path (`/graphql`); found with `findGraphqlEndpoint` when absent. */
  readonly endpoint?: string;
  /** An SDL file to read the schema from (when introspection is off). */
  readonly sdlFile?: string;
  /** Users to try introspection as when it is refused without credentials. */
  readonly users?: readonly string[];
}

/** Sends a query as POST JSON, then as GET when POST is refused or not allowed. */
async function query(client: ScanClient, url: string, payload: GqlPayload, as: string | null) {
  const post = await client.send(postRequest(url, payload), { as });
  const postResult = gqlResultOfExchange(post);
  if (postResult !== null && post.response !== null && post.response.status !== 405 && post.response.status !== 415) {
    return { exchange: post, result: postResult };
  }
  const get = await client.send(getRequest(url, payload), { as });
  const getResult = gqlResultOfExchange(get);
  return getResult !== null ? { exchange: get, result: getResult } : { exchange: post, result: postResult };
}

/**
 * The first of the usual endpoints that answers `{__typename}` with the name of a query type
 * (`{"data":{"__typename":"Query"}}`), or null.
 */
export async function findGraphqlEndpoint(client: ScanClient, baseUrl: URL): Promise<string | null> {
  for (const endpoint of GRAPHQL_ENDPOINTS) {
    if (!client.canSend()) return null;
    const { result } = await query(client, endpointUrl(baseUrl, endpoint), { query: '{ __typename }' }, null);
    const name = result?.data?.__typename;
    if (typeof name === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) return endpoint;
  }
  return null;
}

function sdlError(file: string, err: unknown): HerdError {
  if (err instanceof GraphQLError) {
    const line = err.locations?.[0]?.line;
    return new HerdError('HERD_SCAN_GRAPHQL_SDL', `${err.message}; fix the schema file (GraphQL SDL)`, { where: line !== undefined ? `${file}:${line}` : file });
  }
  return new HerdError('HERD_SCAN_GRAPHQL_SDL', `${err instanceof Error ? err.message : String(err)}; give a readable GraphQL SDL file`, { where: file });
}

/** Builds a schema from SDL text; federation-style directives that are not declared are tolerated. */
export function schemaFromSdl(text: string, file: string): GraphQLSchema {
  try {
    return buildSchema(text);
  } catch (err) {
    try {
      return buildSchema(text, { assumeValidSDL: true });
    } catch {
      throw sdlError(file, err);
    }
  }
}

async function introspect(client: ScanClient, url: string, users: readonly string[]): Promise<GraphQLSchema | null> {
  const payload = { query: getIntrospectionQuery({ descriptions: true }) };
  for (const as of [null, ...users]) {
    if (!client.canSend()) return null;
    const { result } = await query(client, url, payload, as);
    const data = result?.data;
    if (data === null || data === undefined || typeof data.__schema !== 'object' || data.__schema === null) continue;
    try {
      return buildClientSchema(data as unknown as IntrospectionQuery);
    } catch {
      continue;
    }
  }
  return null;
}

export async function loadGraphqlApi(o: LoadGraphqlOptions): Promise<GraphqlApi> {
  let endpoint = o.endpoint;
  if (endpoint === undefined) {
    const found = await findGraphqlEndpoint(o.client, o.baseUrl);
    if (found === null && o.sdlFile === undefined) {
      throw new HerdError(
        'HERD_SCAN_GRAPHQL_ENDPOINT',
        `no GraphQL endpoint answered {__typename} at ${GRAPHQL_ENDPOINTS.filter((e) => e !== '').join(', ')} under ${o.baseUrl.toString()}; give the endpoint's path`,
      );
    }
    endpoint = found ?? '/graphql';
  }
  let schema: GraphQLSchema;
  let source: string;
  if (o.sdlFile !== undefined) {
    let text: string;
    try {
      text = await readFile(o.sdlFile, 'utf8');
    } catch (err) {
      throw new HerdError('HERD_SCAN_GRAPHQL_SDL', `cannot read the schema file: ${err instanceof Error ? err.message : String(err)}`, { where: o.sdlFile });
    }
    schema = schemaFromSdl(text, o.sdlFile);
    source = o.sdlFile;
  } else {
    const url = endpointUrl(o.baseUrl, endpoint);
    const got = await introspect(o.client, url, o.users ?? []);
    if (got !== null) {
      schema = got;
      source = 'introspection';
    } else {
      // Introspection off is the norm in production; graphql-js's "Did you mean" errors often are not.
      const recovered = await recoverSchema(o.client, url, { as: null });
      if (recovered === null) {
        throw new HerdError(
          'HERD_SCAN_GRAPHQL_INTROSPECTION',
          `${url} does not answer introspection and gives no field suggestions either (both should be off in production); give the schema as an SDL file`,
        );
      }
      schema = recovered;
      source = 'field suggestions';
    }
  }
  return graphqlApiOf(schema, endpoint, source);
}

/** The GraphqlApi of a schema served at `endpoint`. */
export function graphqlApiOf(schema: GraphQLSchema, endpoint: string, source: string): GraphqlApi {
  const title = schema.description?.split('\n')[0]?.trim().slice(0, 200) || 'GraphQL API';
  return { kind: 'graphql', title, source, endpoint, sdl: printSchema(schema), operations: operationsOf(schema, endpoint) };
}

export function operationsOf(schema: GraphQLSchema, endpoint: string): ApiOperation[] {
  const ops: ApiOperation[] = [];
  for (const kind of ['query', 'mutation'] as const) {
    const root = rootTypeOf(schema, kind);
    if (root === null) continue;
    for (const f of rootFields(schema, kind)) ops.push(operationOf(root.name, kind, f, endpoint));
  }
  return ops;
}

/** Words that make a field public by name: login, register, sign up, health… */
const PUBLIC_WORDS = new Set(['login', 'logon', 'signin', 'signup', 'register', 'authenticate', 'public', 'health', 'healthz', 'ping']);
const RECORD_WORDS = new Set(['history', 'histories', 'attempts', 'logs', 'log', 'events', 'audit', 'sessions']);

/**
 * Whether a field needs credentials: GraphQL says nothing of it, so every field is taken to need
 * them except those named like a login, a registration or something public.
 */
export function fieldRequiresAuth(name: string): boolean {
  const w = wordsOf(name);
  const first = w[0] ?? '';
  const pair = first + (w[1] ?? '');
  // `loginHistory`, `registrationLogs`: records about logins, not the login itself.
  if (w.slice(1).some((x) => RECORD_WORDS.has(x))) return true;
  if (PUBLIC_WORDS.has(first) || PUBLIC_WORDS.has(pair)) return false;
  if (first === 'refresh' || ((first === 'reset' || first === 'request' || first === 'forgot') && w.includes('password'))) return false;
  return true;
}

function operationOf(rootName: string, kind: RootKind, f: GqlField, endpoint: string): ApiOperation {
  const parameters: ApiParameter[] = f.args.map((a) => ({
    name: a.name,
    // GraphQL arguments travel in the body (or the query string over GET): `query` is the nearest.
    in: 'query',
    required: isRequired(a),
    schema: { ...jsonSchemaOf(a.type, 0), 'x-graphql-type': String(a.type) },
    ...(a.defaultValue !== undefined ? { example: a.defaultValue } : {}),
  }));
  return {
    id: `${rootName}.${f.name}`,
    method: 'POST',
    path: endpoint === '' ? '/' : endpoint,
    ...(f.description ? { summary: f.description } : {}),
    tags: [kind === 'query' ? 'query' : 'mutation'],
    parameters,
    responses: [{ status: '200', contentType: 'application/json' }],
    requiresAuth: fieldRequiresAuth(f.name),
    deprecated: f.deprecationReason != null,
  };
}

const SCALARS: Readonly<Record<string, JsonSchema>> = {
  Int: { type: 'integer', format: 'int32' },
  Float: { type: 'number' },
  String: { type: 'string' },
  Boolean: { type: 'boolean' },
  ID: { type: 'string', format: 'graphql-id' },
};

/** A JSON-Schema-like description of an input type (input objects cut at depth 5). */
export function jsonSchemaOf(type: GraphQLInputType, depth: number): JsonSchema {
  if (isNonNullType(type)) return jsonSchemaOf(type.ofType, depth);
  if (isListType(type)) return { type: 'array', items: jsonSchemaOf(type.ofType, depth) };
  const named = getNamedType(type);
  if (isEnumType(named)) return { type: 'string', enum: named.getValues().map((v) => v.name) };
  if (isScalarType(named)) return SCALARS[named.name] ?? { type: 'string', 'x-graphql-scalar': named.name };
  if (isInputObjectType(named)) {
    if (depth >= 5) return { type: 'object', 'x-graphql-type': named.name };
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of Object.values(named.getFields())) {
      properties[field.name] = jsonSchemaOf(field.type, depth + 1);
      if (isNonNullType(field.type) && field.defaultValue === undefined) required.push(field.name);
    }
    return { type: 'object', 'x-graphql-type': named.name, properties, ...(required.length > 0 ? { required } : {}) };
  }
  return {};
}
