/**
 * For tests of the GraphQL scanning: the GraphQL test target (vulnerable or fixed) or any
 * GraphQL server on 127.0.0.1, the real scan client logging users in with the login mutation, the
 * API loaded (introspection, or the SDL written to a file), exploration, and a check context that
 * collects findings.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import {
  buildSchema,
  defaultFieldResolver,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type GraphQLError,
  type GraphQLFieldResolver,
  type ValidationRule,
} from 'graphql';
import type { Check, CheckContext, FindingInput, KnownResource, Sample, ScanUser } from '../check.js';
import type { Exchange, GraphqlApi } from '../model.js';
import { HttpScanClient } from '../http/scan-client.js';
import { UserCredentials, type UserConfig } from '../auth/credentials.js';
import { CanaryServer } from '../oob/canary-server.js';
import { exploreGraphql, loadGraphqlApi } from './index.js';
import { startGraphqlTarget, GRAPHQL_TARGET_SDL } from '../../../test/targets/graphql/index.js';
import type { RunningTarget, TargetVariant } from '../../../test/targets/types.js';

export interface Harness {
  readonly baseUrl: URL;
  readonly client: HttpScanClient;
  readonly api: GraphqlApi;
  readonly users: readonly ScanUser[];
  readonly samples: Map<string, Sample[]>;
  readonly resources: KnownResource[];
  readonly safe: boolean;
  /** Every exchange the client sent, in order (logins included). */
  readonly sent: Exchange[];
  /** Runs a check with a fresh context; returns what it reported. */
  run(check: Check): Promise<FindingInput[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly safe?: boolean;
  /** Load from the SDL instead of introspection (the fixed target refuses introspection). */
  readonly sdl?: string;
  readonly endpoint?: string;
  readonly budget?: number;
}

/** Users who log in with `mutation { login(username, password) { token } }`. */
export function loginUsers(users: readonly { name: string; username: string; password: string; role: 'user' | 'admin' }[], path = '/graphql'): UserConfig[] {
  return users.map((u) => ({
    name: u.name,
    role: u.role,
    auth: {
      login: {
        path,
        body: { query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', variables: { u: u.username, p: u.password } },
        tokenPath: 'data.login.token',
      },
    },
  }));
}

export async function harness(baseUrl: URL, userConfigs: readonly UserConfig[], o: HarnessOptions = {}, onClose: () => Promise<void> = async () => undefined): Promise<Harness> {
  const safe = o.safe ?? false;
  const sent: Exchange[] = [];
  const client = new HttpScanClient({
    onExchange: (e) => sent.push(e),
    baseUrl,
    budget: o.budget ?? 5000,
    ratePerSecond: 0,
    concurrency: 4,
    timeoutMs: 15_000,
    maxBodyBytes: 2 * 1024 * 1024,
    safe,
    credentials: new UserCredentials(userConfigs, baseUrl),
  });
  const canary = await CanaryServer.start();
  let dir: string | undefined;
  try {
    let sdlFile: string | undefined;
    if (o.sdl !== undefined) {
      dir = await mkdtemp(join(tmpdir(), 'herd-gql-'));
      sdlFile = join(dir, 'schema.graphql');
      await writeFile(sdlFile, o.sdl);
    }
    const users: ScanUser[] = userConfigs.map((u) => ({ name: u.name, role: u.role }));
    const api = await loadGraphqlApi({ client, baseUrl, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}), ...(sdlFile !== undefined ? { sdlFile } : {}) });
    const { samples, resources } = await exploreGraphql({ api, baseUrl, client, users, safe });
    return {
      baseUrl,
      client,
      api,
      users,
      samples,
      resources,
      safe,
      sent,
      async run(check) {
        const found: FindingInput[] = [];
        const ctx: CheckContext = { api, baseUrl, client, users, samples, resources, safe, canary, report: (f) => found.push(f), log: () => undefined };
        await check.run(ctx);
        return found;
      },
      async close() {
        await canary.close();
        if (dir !== undefined) await rm(dir, { recursive: true, force: true });
        await onClose();
      },
    };
  } catch (err) {
    await canary.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await onClose();
    throw err;
  }
}

/**
 * Users with fixed bearer tokens, obtained by logging in once before the scan (under --safe the
 * scan client refuses the login mutation's POST).
 */
export async function bearerUsers(url: string, users: readonly { name: string; username: string; password: string; role: 'user' | 'admin' }[]): Promise<UserConfig[]> {
  const out: UserConfig[] = [];
  for (const u of users) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', variables: { u: u.username, p: u.password } }),
    });
    const json = (await res.json()) as { data?: { login?: { token?: string } } };
    const token = json.data?.login?.token;
    if (token === undefined) throw new Error(`login of ${u.name} failed`);
    out.push({ name: u.name, role: u.role, auth: { bearer: token } });
  }
  return out;
}

/** The GraphQL test target, loaded (introspection for the vulnerable one, the SDL for the fixed one) and explored. */
export async function targetHarness(variant: TargetVariant, o: HarnessOptions = {}): Promise<Harness & { readonly target: RunningTarget }> {
  const target = await startGraphqlTarget(variant);
  const h = await harness(
    new URL(target.url),
    o.safe === true ? await bearerUsers(`${target.url}/graphql`, target.users) : loginUsers(target.users),
    { ...o, ...(variant === 'fixed' ? { sdl: GRAPHQL_TARGET_SDL } : {}) },
    () => target.close(),
  );
  return { ...h, target };
}

/** The caller of a mini server request: the bearer token is the user's name (`Bearer alice`). */
export interface MiniContext {
  readonly user: string | null;
  readonly method: string;
}

export type MiniResolver = (source: Record<string, unknown>, args: Record<string, unknown>, ctx: MiniContext) => unknown;

export interface MiniServerOptions {
  readonly sdl: string;
  /** Resolvers by type and field; other fields read the source's property. */
  readonly resolvers: Readonly<Record<string, Readonly<Record<string, MiniResolver>>>>;
  /** Extra validation rules (introspection off, limits). */
  readonly rules?: readonly ValidationRule[];
  /** Serve mutations over GET (default: refused with 405). */
  readonly getMutations?: boolean;
  /** Error shaping (default: message and path only). */
  readonly formatError?: (e: GraphQLError) => Record<string, unknown>;
}

/** A small GraphQL server on 127.0.0.1 for tests: POST JSON and GET, graphql-js underneath. */
export async function startMiniServer(o: MiniServerOptions): Promise<{ readonly url: URL; close(): Promise<void> }> {
  const schema = buildSchema(o.sdl);
  const app = Fastify({ logger: false });
  const format = o.formatError ?? ((e: GraphQLError) => ({ message: e.message, ...(e.path !== undefined ? { path: e.path } : {}) }));
  const fieldResolver: GraphQLFieldResolver<unknown, MiniContext> = (source, args, ctx, info) => {
    const r = o.resolvers[info.parentType.name]?.[info.fieldName];
    return r === undefined ? defaultFieldResolver(source, args, ctx, info) : r((source ?? {}) as Record<string, unknown>, args as Record<string, unknown>, ctx);
  };
  const handle = async (method: string, params: Record<string, unknown>, auth: string | undefined): Promise<{ status: number; body: unknown }> => {
    const query = typeof params.query === 'string' ? params.query : '';
    let variables = params.variables;
    if (typeof variables === 'string') {
      try {
        variables = JSON.parse(variables) as unknown;
      } catch {
        return { status: 400, body: { errors: [{ message: 'variables are not JSON' }] } };
      }
    }
    let document;
    try {
      document = parse(query);
    } catch (e) {
      return { status: 400, body: { errors: [format(e as GraphQLError)] } };
    }
    const errors = validate(schema, document, [...specifiedRules, ...(o.rules ?? [])]);
    if (errors.length > 0) return { status: 400, body: { errors: errors.map(format) } };
    const op = getOperationAST(document, typeof params.operationName === 'string' ? params.operationName : undefined);
    if (method === 'GET' && op?.operation !== 'query' && o.getMutations !== true) return { status: 405, body: { errors: [{ message: 'mutations need POST' }] } };
    const user = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
    const result = await execute({
      schema,
      document,
      contextValue: { user, method },
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof params.operationName === 'string' ? params.operationName : undefined,
      fieldResolver,
    });
    return { status: result.data === undefined ? 400 : 200, body: { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors ? { errors: result.errors.map(format) } : {}) } };
  };
  app.get('/graphql', async (req, reply) => {
    const r = await handle('GET', req.query as Record<string, unknown>, req.headers.authorization);
    return reply.status(r.status).send(r.body);
  });
  app.post('/graphql', async (req, reply) => {
    if (Array.isArray(req.body)) return reply.status(400).send({ errors: [{ message: 'no batching' }] });
    const r = await handle('POST', (req.body ?? {}) as Record<string, unknown>, req.headers.authorization);
    return reply.status(r.status).send(r.body);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}`), close: () => app.close() };
}

/** alice and bob (users) and admin, authenticated with `Bearer <name>` (see startMiniServer). */
export const MINI_USERS: readonly UserConfig[] = [
  { name: 'alice', role: 'user', auth: { bearer: 'alice' } },
  { name: 'bob', role: 'user', auth: { bearer: 'bob' } },
  { name: 'admin', role: 'admin', auth: { bearer: 'admin' } },
];

/** A mini server, loaded from its SDL by introspection, explored with MINI_USERS. */
export async function miniHarness(o: MiniServerOptions, h: HarnessOptions = {}): Promise<Harness> {
  const server = await startMiniServer(o);
  return harness(server.url, MINI_USERS, h, () => server.close());
}
