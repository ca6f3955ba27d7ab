/**
 * For the access checks' tests: a real fastify app on 127.0.0.1, the real HttpScanClient with
 * static bearer tokens per user, samples made by really sending requests, and a CheckContext that
 * collects what the checks report.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildSchema, isNonNullType } from 'graphql';
import type { Canary, Check, CheckContext, FindingInput, KnownResource, Sample, ScanUser } from '../../check.js';
import type { ApiOperation, ApiParameter, GraphqlApi, HttpMethod, JsonSchema, RestApi, ScanApi, ScanRequest } from '../../model.js';
import { HttpScanClient, type CredentialSource, type Credentials } from '../../http/scan-client.js';

export interface Served {
  readonly app: FastifyInstance;
  readonly baseUrl: URL;
  close(): Promise<void>;
}

export async function serve(register: (app: FastifyInstance) => void): Promise<Served> {
  const app = Fastify({ logger: false });
  register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, baseUrl: new URL(`http://127.0.0.1:${port}`), close: () => app.close() };
}

/** Credentials that are fixed bearer tokens (as after a login). */
export function bearerTokens(tokens: Readonly<Record<string, string>>): CredentialSource {
  return {
    async credentials(user): Promise<Credentials> {
      const token = tokens[user];
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
      return { headers, query: {} };
    },
    invalidate() {},
    tokenOf: (user) => tokens[user],
  };
}

/** The bearer token of a request in a test app, or undefined. */
export function bearerOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const h = headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}

export function operation(method: HttpMethod, path: string, extra: Partial<ApiOperation> = {}): ApiOperation {
  const params: ApiParameter[] = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'integer' } }));
  return {
    id: `${method} ${path}`,
    method,
    path,
    tags: [],
    parameters: params,
    responses: [{ status: '200', contentType: 'application/json' }],
    requiresAuth: true,
    deprecated: false,
    ...extra,
  };
}

export function jsonBody(schema: JsonSchema, required = true): ApiOperation['requestBody'] {
  return { contentType: 'application/json', schema, required };
}

export function restApi(operations: readonly ApiOperation[]): RestApi {
  return { kind: 'rest', title: 'Test Shop', version: '1.0.0', specVersion: 'openapi 3.0.3', source: 'test', servers: [], operations };
}

/** A GraphQL API from SDL: every root field an operation (`Query.order`), described as in the SDL. */
export function graphqlApi(sdl: string, requiresAuth: (id: string) => boolean = () => true): GraphqlApi {
  const schema = buildSchema(sdl);
  const operations: ApiOperation[] = [];
  for (const [root, type] of [['Query', schema.getQueryType()], ['Mutation', schema.getMutationType()]] as const) {
    for (const f of Object.values(type?.getFields() ?? {})) {
      const id = `${root}.${f.name}`;
      operations.push({
        id,
        method: 'POST',
        path: '/graphql',
        summary: f.description ?? undefined,
        tags: [],
        parameters: f.args.map((a) => ({ name: a.name, in: 'query', required: isNonNullType(a.type), schema: {} })),
        responses: [],
        requiresAuth: requiresAuth(id),
        deprecated: false,
      });
    }
  }
  return { kind: 'graphql', title: 'Test GraphQL', source: 'test', endpoint: '/graphql', sdl, operations };
}

export interface Reported extends FindingInput {
  readonly checkId: string;
}

export interface Harness {
  readonly ctx: CheckContext;
  readonly client: HttpScanClient;
  readonly findings: Reported[];
  readonly logs: string[];
  /** Sends a request as `user` and records it as an exploration sample (it must succeed). */
  sample(op: ApiOperation, user: string | null, pathValues?: Record<string, string>, body?: unknown, query?: string): Promise<Sample>;
  /** The same for GraphQL: `query` and `variables` to the endpoint. */
  graphqlSample(opId: string, user: string | null, query: string, variables?: Record<string, unknown>): Promise<Sample>;
  run(check: Check): Promise<Reported[]>;
}

export interface HarnessOptions {
  readonly api: ScanApi;
  readonly baseUrl: URL;
  readonly users: readonly ScanUser[];
  readonly tokens: Readonly<Record<string, string>>;
  readonly safe?: boolean;
  readonly resources?: KnownResource[];
  readonly budget?: number;
  /** The out-of-band canary (default: one that is never hit). */
  readonly canary?: Canary;
}

export function harness(o: HarnessOptions): Harness {
  const client = new HttpScanClient({
    baseUrl: o.baseUrl,
    budget: o.budget ?? 5000,
    ratePerSecond: 0,
    concurrency: 4,
    timeoutMs: 5000,
    maxBodyBytes: 1 << 20,
    safe: o.safe ?? false,
    credentials: bearerTokens(o.tokens),
  });
  const samples = new Map<string, Sample[]>();
  const findings: Reported[] = [];
  const logs: string[] = [];
  let current = '';
  const ctx: CheckContext = {
    api: o.api,
    baseUrl: o.baseUrl,
    client,
    users: o.users,
    samples,
    resources: o.resources ?? [],
    safe: o.safe ?? false,
    canary: o.canary ?? { url: (label) => `http://127.0.0.1:9/${label}`, wasHit: async () => false },
    report: (f) => findings.push({ ...f, checkId: current }),
    log: (msg) => logs.push(msg),
  };
  const record = (s: Sample): Sample => {
    const list = samples.get(s.operation.id) ?? [];
    list.push(s);
    samples.set(s.operation.id, list);
    return s;
  };
  return {
    ctx,
    client,
    findings,
    logs,
    async sample(op, user, pathValues = {}, body, query) {
      const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(pathValues[n] ?? ''));
      const url = new URL(path + (query ? `?${query}` : ''), o.baseUrl).toString();
      const request: ScanRequest =
        body === undefined
          ? { method: op.method, url, headers: {} }
          : { method: op.method, url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      const exchange = await client.send(request, { as: user });
      const status = exchange.response?.status ?? 0;
      if (status < 200 || status > 299) throw new Error(`test setup: ${op.id} as ${user} answered ${status}: ${exchange.response?.body ?? exchange.error}`);
      let json: unknown;
      try {
        json = JSON.parse(exchange.response?.body ?? '');
      } catch {
        json = undefined;
      }
      return record({ operation: op, user, request, exchange, pathValues, json });
    },
    async graphqlSample(opId, user, query, variables) {
      const op = o.api.operations.find((x) => x.id === opId);
      if (op === undefined) throw new Error(`test setup: no operation ${opId}`);
      const request: ScanRequest = { method: 'POST', url: new URL('/graphql', o.baseUrl).toString(), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) };
      const exchange = await client.send(request, { as: user });
      const json: unknown = JSON.parse(exchange.response?.body ?? 'null');
      return record({ operation: op, user, request, exchange, pathValues: {}, json });
    },
    async run(check) {
      current = check.id;
      const before = findings.length;
      await check.run(ctx);
      return findings.slice(before);
    },
  };
}

export const USERS: readonly ScanUser[] = [
  { name: 'alice', role: 'user' },
  { name: 'bob', role: 'user' },
  { name: 'admin', role: 'admin' },
];
