/**
 * The GraphQL side of auto-users.ts: when no users are given and the schema lets anyone register
 * (a mutation such as `register`, `signup` or `createUser` taking a user name or e-mail and a
 * password, directly or in one input object) and log in (a `login`/`signIn`/`tokenAuth` mutation
 * or query answering a token), two `herd…` users are registered and configured to log in with that
 * operation, like configured users (again after a 401). Only outside --safe: signing up writes.
 */
import { getNamedType, isInputObjectType, isLeafType, isNonNullType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import type { Exchange, GraphqlApi, ScanRequest } from '../model.js';
import type { UserConfig } from './credentials.js';
import { buildOperation, selectionFor } from '../graphql/query-builder.js';
import { rootFields, schemaOf, wordsOf, type GqlField, type RootKind } from '../graphql/schema-tools.js';
import { endpointUrl, gqlResultOfExchange, postRequest, rootValue } from '../graphql/transport.js';
import { valueForType } from '../graphql/values.js';
import { credentialFields, scanAccounts, tokenPathIn } from './auto-users.js';

type Obj = Record<string, unknown>;

/** GraphQL sign-ups often take a plain `name` for the user name. */
const NAME = /^(user_?name|login|handle|name)$/i;
const REGISTER_WORDS = [['register'], ['registration'], ['signup'], ['sign', 'up'], ['create', 'user'], ['add', 'user'], ['create', 'account'], ['new', 'user']];
const LOGIN_WORDS = [['login'], ['log', 'in'], ['signin'], ['sign', 'in'], ['authenticate'], ['token', 'auth'], ['obtain', 'token'], ['get', 'token'], ['create', 'token'], ['tokenauth']];

/** Where the credential fields go: top-level arguments, or the fields of one input-object argument. */
interface CredentialShape {
  readonly field: GqlField;
  readonly kind: RootKind;
  /** The input-object argument holding them, or undefined for plain arguments. */
  readonly wrapper?: string;
  readonly password: string;
  readonly name?: string;
  readonly email?: string;
}

function named(field: GqlField, patterns: readonly (readonly string[])[]): boolean {
  const words = wordsOf(field.name);
  const joined = words.join('');
  return patterns.some((p) => (p.length === 1 ? words.includes(p[0]!) || joined === p[0] : p.every((w, i) => words[words.indexOf(p[0]!) + i] === w)));
}

function shapeOf(field: GqlField, kind: RootKind): CredentialShape | undefined {
  const direct = credentialFields(field.args.map((a) => a.name), NAME);
  if (direct !== undefined) return { field, kind, ...direct };
  for (const arg of field.args) {
    const t = getNamedType(arg.type);
    if (!isInputObjectType(t)) continue;
    const inner = credentialFields(Object.keys(t.getFields()), NAME);
    if (inner !== undefined) return { field, kind, wrapper: arg.name, ...inner };
  }
  return undefined;
}

/** The registration and login operations of a schema, when it has both. */
export function graphqlSignupAndLogin(schema: GraphQLSchema): { register: CredentialShape; login: CredentialShape } | undefined {
  const candidates = (kind: RootKind): CredentialShape[] =>
    rootFields(schema, kind)
      .map((f) => shapeOf(f, kind))
      .filter((s): s is CredentialShape => s !== undefined);
  const mutations = candidates('mutation');
  const login = [...mutations, ...candidates('query')].find((s) => named(s.field, LOGIN_WORDS));
  const register = mutations.find((s) => s !== login && named(s.field, REGISTER_WORDS) && !/reset|forgot|change|update/i.test(s.field.name));
  return login !== undefined && register !== undefined ? { register, login } : undefined;
}

/** Values for the fields an input type requires (besides those given), recursively built. */
function withRequired(type: GraphQLInputType, given: Obj): Obj {
  const t = getNamedType(type);
  if (!isInputObjectType(t)) return given;
  const out: Obj = {};
  for (const [name, f] of Object.entries(t.getFields())) {
    if (name in given) out[name] = given[name];
    else if (isNonNullType(f.type) && f.defaultValue === undefined) out[name] = valueForType(f.type, name, []);
  }
  return out;
}

/** The operation's arguments with the credentials in place and every other required argument filled. */
function argsFor(shape: CredentialShape, creds: Obj): Obj {
  const args: Obj = {};
  for (const arg of shape.field.args) {
    if (shape.wrapper === undefined && arg.name in creds) args[arg.name] = creds[arg.name];
    else if (arg.name === shape.wrapper) args[arg.name] = withRequired(arg.type, creds);
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined) args[arg.name] = valueForType(arg.type, arg.name, []);
  }
  return args;
}

function credentialsFor(shape: CredentialShape, name: string, password: string): Obj {
  const creds: Obj = { [shape.password]: password };
  if (shape.name !== undefined) creds[shape.name] = name;
  if (shape.email !== undefined) creds[shape.email] = `${name}@example.com`;
  return creds;
}

export interface AutoGraphqlUsersDeps {
  readonly api: GraphqlApi;
  readonly baseUrl: URL;
  /** Sends without credentials (counted in the budget). */
  readonly send: (request: ScanRequest) => Promise<Exchange>;
}

/** Two registered users that log in with the API's login operation, or [] when it does not allow it. */
export async function autoGraphqlUsers(d: AutoGraphqlUsersDeps): Promise<UserConfig[]> {
  const schema = schemaOf(d.api);
  if (schema === null) return [];
  const ops = graphqlSignupAndLogin(schema);
  if (ops === undefined) return [];
  const url = endpointUrl(d.baseUrl, d.api.endpoint);
  const users: UserConfig[] = [];
  for (const { name, password } of scanAccounts()) {
    const register = buildOperation('mutation', ops.register.field, argsFor(ops.register, credentialsFor(ops.register, name, password)), selectionOf(ops.register.field), { name: 'HerdSignup' });
    const registered = await d.send(postRequest(url, register));
    const regResult = gqlResultOfExchange(registered);
    if (regResult === null || (regResult.errors?.length ?? 0) > 0 || rootValue(regResult, register.field) === null) return [];
    // A login taking a name logs in with the name; one taking only an e-mail, with the e-mail.
    const loginCreds = credentialsFor(ops.login, name, password);
    const login = buildOperation(ops.login.kind, ops.login.field, argsFor(ops.login, loginCreds), selectionOf(ops.login.field), { name: 'HerdLogin' });
    const first = await d.send(postRequest(url, login));
    const res = first.response;
    if (res === null || res.status >= 300) return [];
    const json = gqlResultOfExchange(first);
    const value = rootValue(json, login.field);
    const tokenPath = typeof value === 'string' && value.length >= 16 ? `data.${login.field}` : tokenPathIn({ data: json?.data ?? null });
    const cookie = res.headers['set-cookie'] !== undefined;
    if (tokenPath === undefined && !cookie) return [];
    users.push({
      name,
      role: 'user',
      auth: {
        login: {
          path: new URL(url).pathname,
          body: { query: login.query, variables: login.variables, operationName: login.operationName },
          contentType: 'application/json',
          ...(tokenPath !== undefined ? { tokenPath } : { use: 'cookie' }),
        },
      },
    });
  }
  return users;
}

function selectionOf(field: GqlField) {
  return isLeafType(getNamedType(field.type)) ? undefined : selectionFor(field.type, { depth: 2, maxFields: 40, typename: true });
}
