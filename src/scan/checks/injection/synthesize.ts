/**
 * A request built from the description alone, for operations exploration could not sample: the
 * typical case is an operation that fetches a URL (a webhook tester, an importer), whose example URL
 * does not answer from the test network, so it never answered 2xx. Only the SSRF check uses these:
 * it needs no baseline, just a request the API accepts far enough to fetch the URL.
 */
import type { ApiOperation, JsonSchema, ScanRequest } from '../../model.js';
import type { CheckContext, Sample } from '../../check.js';
import { plausibleValue } from './inputs.js';
import { pathSegment } from '../../explore/build-request.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value that satisfies a schema as far as examples, defaults, enums and types tell. */
export function exampleOf(schema: unknown, depth = 0): unknown {
  if (!isObj(schema) || depth > 6) return 'herd';
  for (const k of ['example', 'default', 'const']) if (schema[k] !== undefined) return schema[k];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    const list = schema[k];
    if (Array.isArray(list) && list.length > 0) {
      if (k !== 'allOf') return exampleOf(list[0], depth + 1);
      return Object.assign({}, ...list.map((s) => exampleOf(s, depth + 1)).filter(isObj)) as unknown;
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || isObj(schema.properties)) {
    const props = isObj(schema.properties) ? schema.properties : {};
    return Object.fromEntries(
      Object.entries(props)
        .filter(([, s]) => !(isObj(s) && s.readOnly === true))
        .map(([k, s]) => [k, exampleOf(s, depth + 1)]),
    );
  }
  if (type === 'array') return [exampleOf(schema.items, depth + 1)];
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? Math.max(1, schema.minimum) : 1;
  if (type === 'boolean') return true;
  return plausibleValue({ name: '', in: 'query', required: true, schema: schema as JsonSchema }) ?? 'herd';
}

/** The path before the operations' templates (`/api/v1`), as the samples show it, else the base URL's. */
function pathPrefix(ctx: CheckContext): string {
  for (const samples of ctx.samples.values()) {
    const s = samples[0];
    if (s === undefined) continue;
    try {
      const actual = new URL(s.request.url).pathname.split('/');
      const template = s.operation.path.replace(/^\/+/, '').split('/');
      if (actual.length >= template.length) return actual.slice(0, actual.length - template.length).join('/');
    } catch {
      // not a URL: try the next sample
    }
  }
  return ctx.baseUrl.pathname.replace(/\/+$/, '');
}

/** The user to send it as: one who sampled another (secured) operation, else the first user. */
function userFor(ctx: CheckContext, op: ApiOperation): string | null {
  if (!op.requiresAuth) return null;
  const users = [...ctx.samples.values()].flat().filter((s) => s.user !== null);
  const user = users.find((s) => s.operation.requiresAuth)?.user ?? users[0]?.user;
  if (user !== undefined && user !== null) return user;
  return ctx.users.find((u) => u.role === 'user')?.name ?? ctx.users[0]?.name ?? null;
}

/** A Sample whose request comes from the description (its exchange is empty: it was not sent). */
export function synthesizedSample(ctx: CheckContext, op: ApiOperation): Sample | null {
  if (ctx.api.kind !== 'rest') return null;
  const pathValues: Record<string, string> = {};
  let path = op.path;
  for (const p of op.parameters) {
    if (p.in !== 'path') continue;
    const v = p.example ?? exampleOf(p.schema);
    const text = typeof v === 'string' || typeof v === 'number' ? String(v) : '1';
    const segment = pathSegment(text);
    pathValues[p.name] = segment === null ? '1' : text;
    path = path.split(`{${p.name}}`).join(segment ?? '1');
  }
  const url = new URL(`${pathPrefix(ctx)}${path}`, ctx.baseUrl);
  for (const p of op.parameters) {
    if (p.in !== 'query' || !p.required) continue;
    const v = p.example ?? exampleOf(p.schema);
    url.searchParams.set(p.name, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : 'herd');
  }
  const headers: Record<string, string> = {};
  let body: string | undefined;
  const rb = op.requestBody;
  if (rb !== undefined) {
    const value = rb.example ?? exampleOf(rb.schema);
    if (rb.contentType.includes('json')) {
      headers['content-type'] = rb.contentType;
      body = JSON.stringify(value);
    } else if (rb.contentType.includes('x-www-form-urlencoded') && isObj(value)) {
      headers['content-type'] = rb.contentType;
      body = new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
    } else return null;
  }
  const request: ScanRequest = { method: op.method, url: url.toString(), headers, ...(body === undefined ? {} : { body }) };
  return { operation: op, user: userFor(ctx, op), request, exchange: { request, response: null, error: 'not sent: built from the API description' }, pathValues, json: undefined };
}
