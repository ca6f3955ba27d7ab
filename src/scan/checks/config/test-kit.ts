/**
 * Test support for the configuration checks: a real fastify app on 127.0.0.1:0, the real
 * HttpScanClient pointed at it with bearer tokens per user, samples made of real requests, and a
 * CheckContext that collects what a check reports. Not part of the build.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Canary, Check, CheckContext, FindingInput, Sample, ScanUser } from '../../check.js';
import type { ApiOperation, ApiParameter, Exchange, GraphqlApi, HttpMethod, RestApi, ScanApi } from '../../model.js';
import { HttpScanClient, type CredentialSource } from '../../http/scan-client.js';
import { jsonOf } from './responses.js';

export interface TestServer {
  readonly url: URL;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Starts a fastify app with the given routes on an ephemeral loopback port. */
export async function startServer(register: (app: FastifyInstance) => void): Promise<TestServer> {
  const app = Fastify({ logger: false });
  register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address');
  return { url: new URL(`http://127.0.0.1:${address.port}`), app, close: () => app.close() };
}

export const USERS: readonly ScanUser[] = [
  { name: 'alice', role: 'user' },
  { name: 'admin', role: 'admin' },
];

/** Bearer tokens of the test users; servers accept `Bearer token-<name>`. */
export function tokenOf(user: string): string {
  return `token-${user}`;
}

/** The user a request authenticates as (by its bearer token), or undefined. */
export function callerOf(authorization: string | undefined): string | undefined {
  const m = /^Bearer token-(\w+)$/.exec(authorization ?? '');
  return m?.[1];
}

const bearerTokens: CredentialSource = {
  credentials: async (user) => ({ headers: { authorization: `Bearer ${tokenOf(user)}` }, query: {} }),
  invalidate: () => undefined,
  tokenOf,
};

export function newClient(baseUrl: URL, options: { safe?: boolean; budget?: number; sent?: Exchange[] } = {}): HttpScanClient {
  const sent = options.sent;
  return new HttpScanClient({
    ...(sent !== undefined ? { onExchange: (e: Exchange) => void sent.push(e) } : {}),
    baseUrl,
    budget: options.budget ?? 2000,
    ratePerSecond: 0,
    concurrency: 4,
    timeoutMs: 5000,
    maxBodyBytes: 256 * 1024,
    safe: options.safe ?? false,
    credentials: bearerTokens,
  });
}

/** An operation with defaults: path parameters from the template (typed string unless given). */
export function operation(method: HttpMethod, path: string, extra: Partial<Omit<ApiOperation, 'method' | 'path'>> = {}): ApiOperation {
  const given = extra.parameters ?? [];
  const fromPath: ApiParameter[] = [...path.matchAll(/\{([^}]+)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !given.some((p) => p.name === name && p.in === 'path'))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  return {
    id: extra.id ?? `${method} ${path}`,
    method,
    path,
    tags: extra.tags ?? [],
    parameters: [...given, ...fromPath],
    responses: extra.responses ?? [{ status: '200', contentType: 'application/json' }],
    requiresAuth: extra.requiresAuth ?? false,
    deprecated: extra.deprecated ?? false,
    ...(extra.requestBody !== undefined ? { requestBody: extra.requestBody } : {}),
    ...(extra.summary !== undefined ? { summary: extra.summary } : {}),
  };
}

export function restApi(operations: readonly ApiOperation[], servers: readonly string[] = []): RestApi {
  return { kind: 'rest', title: 'test API', version: '1.0.0', specVersion: 'openapi 3.0.3', source: 'openapi.json', servers, operations };
}

export function graphqlApi(endpoint = '/graphql'): GraphqlApi {
  return { kind: 'graphql', title: 'test GraphQL API', source: 'introspection', endpoint, sdl: 'type Query { hello: String }', operations: [] };
}

/** Sends a real GET for the operation (as `user`) and returns it as a sample; throws unless 2xx. */
export async function sampleOf(client: HttpScanClient, baseUrl: URL, op: ApiOperation, pathValues: Record<string, string>, user: string | null, query = ''): Promise<Sample> {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(pathValues[n] ?? ''));
  const request = { method: op.method, url: new URL(path + query, baseUrl).toString(), headers: { accept: 'application/json' } };
  const exchange = await client.send(request, { as: user });
  const status = exchange.response?.status ?? 0;
  if (status < 200 || status > 299) throw new Error(`sample ${op.method} ${path} as ${user ?? 'anonymous'} answered ${status}: fix the test server`);
  return { operation: op, user, request, exchange, pathValues, json: exchange.response === null ? undefined : jsonOf(exchange.response) };
}

export function samplesMap(samples: readonly Sample[]): Map<string, Sample[]> {
  const m = new Map<string, Sample[]>();
  for (const s of samples) m.set(s.operation.id, [...(m.get(s.operation.id) ?? []), s]);
  return m;
}

/** A canary no test server calls (these checks do not use the out-of-band channel). */
const silentCanary: Canary = {
  url: (label) => `http://127.0.0.1:9/${label}`,
  wasHit: async () => false,
};

export interface Run {
  readonly findings: FindingInput[];
  readonly client: HttpScanClient;
}

/** Runs one check against a server and returns what it reported (fails on duplicate locations/keys). */
export async function runCheck(
  check: Check,
  setup: { api: ScanApi; baseUrl: URL; client?: HttpScanClient; samples?: readonly Sample[]; safe?: boolean; users?: readonly ScanUser[] },
): Promise<Run> {
  const safe = setup.safe ?? false;
  const client = setup.client ?? newClient(setup.baseUrl, { safe });
  const findings: FindingInput[] = [];
  const ctx: CheckContext = {
    api: setup.api,
    baseUrl: setup.baseUrl,
    client,
    users: setup.users ?? USERS,
    samples: samplesMap(setup.samples ?? []),
    resources: [],
    safe,
    canary: silentCanary,
    report: (f) => {
      const id = `${f.location}|${f.key ?? ''}`;
      if (findings.some((x) => `${x.location}|${x.key ?? ''}` === id)) throw new Error(`${check.id} reported ${id} twice`);
      findings.push(f);
    },
    log: () => undefined,
  };
  await check.run(ctx);
  return { findings, client };
}
