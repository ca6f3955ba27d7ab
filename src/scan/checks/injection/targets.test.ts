/**
 * The injection group against the deliberately vulnerable targets of test/targets and their fixed
 * twins: every documented flaw of this group is found on the vulnerable variant, nothing at all is
 * reported on the fixed one. Operations come from the REST target's own /openapi.json (a small
 * converter below stands in for the scanner's loader) and samples from real requests as alice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiOperation, ApiParameter, GraphqlApi, HttpMethod, JsonSchema, RestApi, ScanRequest } from '../../model.js';
import type { Sample } from '../../check.js';
import { HttpScanClient, type CredentialSource } from '../../http/scan-client.js';
import { startGraphqlTarget } from '../../../../test/targets/graphql/index.js';
import { startRestTarget } from '../../../../test/targets/rest/index.js';
import type { RunningTarget } from '../../../../test/targets/types.js';
import { injectionChecks } from './index.js';
import { context, TestCanary } from './test-kit.js';

const GROUP = new Set(injectionChecks.map((c) => c.id));

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deref(doc: Json, v: unknown, depth = 0): unknown {
  if (depth > 12) return v;
  if (Array.isArray(v)) return v.map((x) => deref(doc, x, depth + 1));
  if (!isObj(v)) return v;
  if (typeof v.$ref === 'string') {
    const target = v.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), doc);
    return deref(doc, target, depth + 1);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deref(doc, x, depth + 1)]));
}

function restApiOf(doc: Json): RestApi {
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    if (!isObj(item)) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!isObj(op)) continue;
      const params = [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) => deref(doc, p) as Json);
      const content = isObj(op.requestBody) ? (op.requestBody.content as Json) : undefined;
      const [contentType, media] = content === undefined ? [] : Object.entries(content)[0];
      operations.push({
        id: String(op.operationId ?? `${method.toUpperCase()} ${path}`),
        method: method.toUpperCase() as HttpMethod,
        path,
        tags: [],
        parameters: params.map((p): ApiParameter => ({ name: String(p.name), in: p.in as ApiParameter['in'], required: p.required === true, schema: (p.schema as JsonSchema) ?? {} })),
        requestBody:
          contentType === undefined || !isObj(media)
            ? undefined
            : { contentType, required: true, schema: deref(doc, media.schema) as JsonSchema, example: media.example },
        responses: [],
        requiresAuth: !(Array.isArray(op.security) && op.security.length === 0),
        deprecated: false,
      });
    }
  }
  return { kind: 'rest', title: 'shop', version: '1', specVersion: 'openapi 3.0.3', source: '/openapi.json', servers: [], operations };
}

/** A value from a schema: example, default, first enum value, else by type. */
function valueOf(schema: unknown, depth = 0): unknown {
  if (!isObj(schema) || depth > 6) return 'herd';
  for (const k of ['example', 'default']) if (schema[k] !== undefined) return schema[k];
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.type === 'object' || isObj(schema.properties)) {
    const props = isObj(schema.properties) ? schema.properties : {};
    return Object.fromEntries(Object.entries(props).filter(([, s]) => !(isObj(s) && s.readOnly === true)).map(([k, s]) => [k, valueOf(s, depth + 1)]));
  }
  if (schema.type === 'array') return [valueOf(schema.items, depth + 1)];
  if (schema.type === 'integer' || schema.type === 'number') return typeof schema.minimum === 'number' ? Math.max(1, schema.minimum) : 1;
  if (schema.type === 'boolean') return true;
  return 'herd';
}

function loginAs(target: RunningTarget, user: string): CredentialSource {
  const tokens = new Map<string, string>();
  const u = target.users.find((x) => x.name === user)!;
  return {
    async credentials(name, send) {
      let token = tokens.get(name);
      if (token === undefined) {
        const body = JSON.stringify(JSON.parse(JSON.stringify(target.login.body).replace('{username}', u.username).replace('{password}', u.password)));
        const e = await send({ method: 'POST', url: target.url + target.login.path, headers: { 'content-type': 'application/json' }, body });
        const json = JSON.parse(e.response?.body ?? '{}') as unknown;
        token = String(target.login.tokenPath.split('.').reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), json));
        tokens.set(name, token);
      }
      return { headers: { authorization: `Bearer ${token}` }, query: {} };
    },
    invalidate: (name) => tokens.delete(name),
    tokenOf: (name) => tokens.get(name),
  };
}

function scanClient(target: RunningTarget): HttpScanClient {
  return new HttpScanClient({ baseUrl: new URL(target.url), budget: 20_000, ratePerSecond: 0, concurrency: 4, timeoutMs: 15_000, maxBodyBytes: 4 * 1024 * 1024, safe: false, credentials: loginAs(target, 'alice') });
}

async function restSamples(target: RunningTarget, api: RestApi, c: HttpScanClient): Promise<Sample[]> {
  const alice = target.users.find((u) => u.name === 'alice')!;
  const samples: Sample[] = [];
  for (const op of api.operations) {
    if (op.method === 'DELETE') continue;
    const pathValues: Record<string, string> = {};
    let path = op.path;
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      pathValues[p.name] = String(valueOf(p.schema));
      path = path.replace(`{${p.name}}`, pathValues[p.name]);
    }
    const q = new URLSearchParams();
    for (const p of op.parameters) if (p.in === 'query' && (p.required || p.schema.example !== undefined)) q.set(p.name, String(valueOf(p.schema)));
    let body: unknown = op.requestBody === undefined ? undefined : (op.requestBody.example ?? valueOf(op.requestBody.schema));
    const isLogin = op.path === target.login.path;
    if (isLogin) body = { username: alice.username, password: alice.password };
    const request: ScanRequest = {
      method: op.method,
      url: `${target.url}${path}${q.size > 0 ? `?${q}` : ''}`,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    const user = isLogin || !op.requiresAuth ? null : 'alice';
    const exchange = await c.send(request, { as: user });
    if (exchange.response === null || exchange.response.status >= 300) continue;
    let json: unknown;
    try {
      json = JSON.parse(exchange.response.body);
    } catch {
      json = undefined;
    }
    samples.push({ operation: op, user, request, exchange, pathValues, json });
  }
  return samples;
}

async function scanRest(variant: 'vulnerable' | 'fixed') {
  const target = await startRestTarget(variant);
  const canary = new TestCanary();
  await canary.start();
  try {
    const doc = (await (await fetch(target.url + target.specPath)).json()) as Json;
    const api = restApiOf(doc);
    const c = scanClient(target);
    const samples = await restSamples(target, api, c);
    const { ctx, findings } = context({ api, baseUrl: new URL(target.url), client: c, samples, canary, users: [{ name: 'alice', role: 'user' }] });
    const byCheck: { checkId: string; location: string; key?: string; detail: string }[] = [];
    for (const check of injectionChecks) {
      const before = findings.length;
      await check.run(ctx);
      for (const f of findings.slice(before)) byCheck.push({ checkId: check.id, location: f.location, key: f.key, detail: f.detail });
    }
    return { target, byCheck, sampled: samples.map((s) => s.operation.id), requests: c.stats.requests };
  } finally {
    await canary.close();
    await target.close();
  }
}

describe('the injection group on the REST target', () => {
  let vulnerable: Awaited<ReturnType<typeof scanRest>>;
  let fixed: Awaited<ReturnType<typeof scanRest>>;

  beforeAll(async () => {
    vulnerable = await scanRest('vulnerable');
    fixed = await scanRest('fixed');
  }, 240_000);

  it('finds every documented flaw of the group on the vulnerable variant', () => {
    const expected = vulnerable.target.vulnerabilities.filter((v) => GROUP.has(v.checkId)).map((v) => `${v.checkId} ${v.where}`);
    const found = new Set(vulnerable.byCheck.map((f) => `${f.checkId} ${f.location}`));
    expect(expected.length).toBeGreaterThanOrEqual(7);
    expect(expected.filter((e) => !found.has(e))).toEqual([]);
  });

  it('reports nothing undocumented on the vulnerable variant', () => {
    const documented = new Set(vulnerable.target.vulnerabilities.map((v) => `${v.checkId} ${v.where}`));
    expect(vulnerable.byCheck.filter((f) => !documented.has(`${f.checkId} ${f.location}`))).toEqual([]);
  });

  it('reports nothing on the fixed twin', () => {
    expect(fixed.sampled.length).toBeGreaterThanOrEqual(10);
    expect(fixed.byCheck).toEqual([]);
  });
});

describe('the injection group on the GraphQL target', () => {
  let targets: RunningTarget[] = [];
  beforeAll(async () => {
    targets = [await startGraphqlTarget('vulnerable'), await startGraphqlTarget('fixed')];
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });

  const queries: [string, string][] = [
    ['Query.products', '{ products(search: "kettle", limit: 5) { id name category } }'],
    ['Query.product', '{ product(id: "3") { id name } }'],
    ['Query.me', '{ me { id username } }'],
  ];

  it('reports nothing on either GraphQL variant with the checks that run there (SQL injection over GraphQL is the graphql group\'s)', async () => {
    const results: Record<string, string[]> = {};
    for (const target of targets) {
      const c = scanClient(target);
      const ops: ApiOperation[] = queries.map(([id]) => ({ id, method: 'POST', path: '/graphql', tags: [], parameters: [], responses: [], requiresAuth: true, deprecated: false }));
      const samples: Sample[] = [];
      for (const [i, [, query]] of queries.entries()) {
        const request = { method: 'POST', url: `${target.url}/graphql`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) };
        const exchange = await c.send(request, { as: 'alice' });
        expect(exchange.response?.status).toBe(200);
        samples.push({ operation: ops[i], user: 'alice', request, exchange, pathValues: {}, json: JSON.parse(exchange.response!.body) });
      }
      const api: GraphqlApi = { kind: 'graphql', title: 'shop', source: 'test', endpoint: '/graphql', sdl: '', operations: ops };
      const { ctx, findings } = context({ api, baseUrl: new URL(target.url), client: c, samples });
      const seen: string[] = [];
      for (const check of injectionChecks) {
        if (check.appliesTo === 'rest') continue;
        const before = findings.length;
        await check.run(ctx);
        for (const f of findings.slice(before)) seen.push(`${check.id} ${f.location} ${f.key}`);
      }
      results[target.variant] = seen;
    }
    expect(results).toEqual({ vulnerable: [], fixed: [] });
  }, 120_000);
});
