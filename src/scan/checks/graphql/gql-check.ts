/**
 * What every GraphQL check starts from: the schema rebuilt from the API's SDL, a transport to the
 * endpoint, the endpoint as a finding location (`POST /graphql`), the scan's users split into
 * administrators and normal users, and the tests on errors that several checks share.
 */
import type { GraphQLSchema } from 'graphql';
import type { CheckContext, Sample } from '../../check.js';
import type { GraphqlApi } from '../../model.js';
import { GraphqlTransport, endpointUrl, schemaOf, type GqlError } from '../../graphql/index.js';

export interface GqlEnv {
  readonly ctx: CheckContext;
  readonly api: GraphqlApi;
  readonly schema: GraphQLSchema;
  /** The endpoint's absolute URL. */
  readonly url: string;
  readonly transport: GraphqlTransport;
  /** The endpoint's path as the API names it (`/graphql`), for locations. */
  readonly path: string;
  readonly admins: readonly string[];
  readonly normalUsers: readonly string[];
}

export function gqlEnv(ctx: CheckContext): GqlEnv | null {
  if (ctx.api.kind !== 'graphql') return null;
  const schema = schemaOf(ctx.api);
  if (schema === null) {
    ctx.log('graphql schema does not build: check skipped');
    return null;
  }
  const url = endpointUrl(ctx.baseUrl, ctx.api.endpoint);
  const endpoint = ctx.api.endpoint;
  const path = /^https?:\/\//i.test(endpoint) ? new URL(endpoint).pathname : endpoint === '' ? '/' : endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
  return {
    ctx,
    api: ctx.api,
    schema,
    url,
    transport: new GraphqlTransport(ctx.client, url, { safe: ctx.safe }),
    path,
    admins: ctx.users.filter((u) => u.role === 'admin').map((u) => u.name),
    normalUsers: ctx.users.filter((u) => u.role !== 'admin').map((u) => u.name),
  };
}

/** `POST /graphql` (or another method): where endpoint-wide findings are reported. */
export function endpointLocation(env: GqlEnv, method = 'POST'): string {
  return `${method} ${env.path}`;
}

/** The identity checks act as when any will do: a normal user, else any user, else none. */
export function anyIdentity(env: GqlEnv): string | null {
  return env.normalUsers[0] ?? env.ctx.users[0]?.name ?? null;
}

const AUTH_CODES = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN', 'ACCESS_DENIED', 'PERMISSION_DENIED', 'NOT_AUTHORIZED', 'AUTH_NOT_AUTHORIZED']);
const AUTH_TEXT =
  /\b(unauthori[sz]ed|unauthenticated|not authenticated|not authori[sz]ed|forbidden|permission|access denied|not allowed|denied|login required|log ?in|must be (logged|signed)|authentication|administrators? only|admins? only|requires? (an? )?(admin|role|privilege))/i;

/** Whether an error says the caller may not do this (authentication or authorization). */
export function isAuthError(e: GqlError): boolean {
  const code = e.extensions?.code;
  if (typeof code === 'string' && AUTH_CODES.has(code.toUpperCase())) return true;
  return AUTH_TEXT.test(e.message);
}

/** Samples of an operation, those of `user` first when given. */
export function samplesOf(ctx: CheckContext, opId: string, user?: string | null): readonly Sample[] {
  const list = ctx.samples.get(opId) ?? [];
  if (user === undefined) return list;
  return [...list.filter((s) => s.user === user), ...list.filter((s) => s.user !== user)];
}

/** The first lines of a text, for a finding's detail. */
export function clip(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Values of `obj` that a comparison should look at: every leaf except `__typename`. */
export function comparableFields(obj: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(obj).filter(([k, v]) => k !== '__typename' && (v === null || typeof v !== 'object'));
}
