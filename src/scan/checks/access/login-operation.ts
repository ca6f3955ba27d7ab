/**
 * The API's login operation: a POST (or GraphQL mutation) whose path or name says login, sign-in,
 * session, token or auth and that takes a password. Used by the login rate-limit check (to send
 * failed attempts) and by the JWT checks (where the tokens come from).
 */
import { getNamedType, isInputObjectType, type GraphQLInputObjectType } from 'graphql';
import type { ApiOperation, ScanApi, ScanRequest } from '../../model.js';
import type { CheckContext } from '../../check.js';
import { graphqlFieldName, type JsonObject } from './common.js';
import { buildOperation, graphqlRequest, graphqlSchema, leafFields, rootField, selectionFor, type GqlField } from './graphql.js';
import { objectFor, restRequest, schemaProperties } from './rest.js';

// Matched on words (`createSession` → `create session`), so that /authors is not a login.
const LOGIN_NAME = /(^|[^a-z])(log ?in|sign ?in|sign ?on|sessions?|tokens?|auth|authenticate|authentication|credentials)([^a-z]|$)/;
const NOT_LOGIN = /(^|[^a-z])(register|sign ?up|reset|forgot|recover|change|log ?out|sign ?out|revoke|refresh|verify|confirm|invite)/;

function words(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();
}
const PASSWORD_FIELD = /^(password|passwd|pass|pwd|passphrase|secret|user_?password|userPassword)$/i;
const USER_FIELDS = ['username', 'user', 'login', 'email', 'userName', 'user_name', 'account', 'identifier', 'phone', 'mobile', 'name', 'userId', 'user_id', 'handle'];

export interface LoginOperation {
  readonly op: ApiOperation;
  readonly userField: string;
  readonly passwordField: string;
  /** GraphQL: the input-object argument holding the fields (`login(input: {…})`), if any. */
  readonly inputArg?: string;
  readonly userIsEmail: boolean;
}

/** Whether the operation's name says it signs users in (without looking at its body). */
export function isLoginOperation(api: ScanApi, op: ApiOperation): boolean {
  const name = words(api.kind === 'graphql' ? graphqlFieldName(op) : `${op.path} ${op.id}`);
  return (api.kind === 'graphql' ? op.id.startsWith('Mutation.') : op.method === 'POST') && LOGIN_NAME.test(name) && !NOT_LOGIN.test(name);
}

function pickUserField(names: readonly string[]): string | undefined {
  for (const f of USER_FIELDS) {
    const hit = names.find((n) => n.toLowerCase() === f.toLowerCase());
    if (hit !== undefined) return hit;
  }
  return names.find((n) => /user|login|email|name|account/i.test(n) && !PASSWORD_FIELD.test(n));
}

function restLogin(op: ApiOperation): LoginOperation | undefined {
  const body = op.requestBody;
  if (body === undefined) return undefined;
  const props = schemaProperties(body.schema);
  const names = Object.keys(props);
  const passwordField = names.find((n) => PASSWORD_FIELD.test(n) || props[n].format === 'password');
  const userField = pickUserField(names.filter((n) => n !== passwordField));
  if (passwordField === undefined || userField === undefined) return undefined;
  return { op, userField, passwordField, userIsEmail: props[userField].format === 'email' || /email/i.test(userField) };
}

function graphqlLogin(op: ApiOperation, field: GqlField): LoginOperation | undefined {
  const direct = field.args.map((a) => a.name);
  let passwordField = direct.find((n) => PASSWORD_FIELD.test(n));
  if (passwordField !== undefined) {
    const userField = pickUserField(direct.filter((n) => n !== passwordField));
    return userField === undefined ? undefined : { op, userField, passwordField, userIsEmail: /email/i.test(userField) };
  }
  for (const arg of field.args) {
    const type = getNamedType(arg.type);
    if (!isInputObjectType(type)) continue;
    const names = Object.keys((type as GraphQLInputObjectType).getFields());
    passwordField = names.find((n) => PASSWORD_FIELD.test(n));
    const userField = pickUserField(names.filter((n) => n !== passwordField));
    if (passwordField !== undefined && userField !== undefined) return { op, userField, passwordField, inputArg: arg.name, userIsEmail: /email/i.test(userField) };
  }
  return undefined;
}

/** The login operation of the API, if its description has one. */
export function findLoginOperation(ctx: CheckContext): LoginOperation | undefined {
  const schema = graphqlSchema(ctx.api);
  const candidates = ctx.api.operations.filter((op) => isLoginOperation(ctx.api, op));
  // Prefer the most explicit names: login/sign-in before token/session/auth.
  const explicit = (op: ApiOperation) => Number(/log ?in|sign ?in/.test(words(`${op.id} ${op.path}`)));
  candidates.sort((a, b) => explicit(b) - explicit(a));
  for (const op of candidates) {
    if (ctx.api.kind === 'rest') {
      const found = restLogin(op);
      if (found !== undefined) return found;
    } else if (schema !== undefined) {
      const field = rootField(schema, op);
      const found = field === undefined ? undefined : graphqlLogin(op, field);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A login request with these credentials (REST: JSON or form body; GraphQL: the mutation). */
export function loginRequest(ctx: CheckContext, login: LoginOperation, username: string, password: string): ScanRequest | undefined {
  const op = login.op;
  if (ctx.api.kind === 'graphql') {
    const schema = graphqlSchema(ctx.api);
    const field = schema && rootField(schema, op);
    if (field === undefined) return undefined;
    const creds: JsonObject = { [login.userField]: username, [login.passwordField]: password };
    const args = login.inputArg === undefined ? creds : { [login.inputArg]: creds };
    const named = getNamedType(field.type);
    const selection = leafFields(named).length > 0 ? selectionFor(field.type, new Set()) : undefined;
    return graphqlRequest(ctx, buildOperation('Mutation', field, args, selection));
  }
  const body = op.requestBody;
  if (body === undefined) return undefined;
  const fields: JsonObject = { ...objectFor(body.schema, undefined), [login.userField]: username, [login.passwordField]: password };
  if (/x-www-form-urlencoded/i.test(body.contentType)) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    const req = restRequest(ctx, op, {});
    return req && { ...req, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
  }
  return restRequest(ctx, op, {}, fields);
}
