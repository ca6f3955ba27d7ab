/**
 * REST plumbing for the access checks: path templates, URLs on the scanned server (with the base
 * path the exploration used), JSON bodies built from a schema and the current state of an object.
 */
import type { ApiOperation, JsonSchema, ScanRequest } from '../../model.js';
import type { CheckContext, Sample } from '../../check.js';
import { isObject, jsonText, type JsonObject } from './common.js';
import { pathSegment } from '../../explore/build-request.js';

const PARAM = /\{([^}/]+)\}/g;

export function pathParams(template: string): string[] {
  return [...template.matchAll(PARAM)].map((m) => m[1]);
}

function fillPath(template: string, values: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = template.replace(PARAM, (_, name: string) => {
    const segment = values[name] === undefined ? null : pathSegment(values[name]);
    if (segment === null) missing = true;
    return segment ?? '';
  });
  return missing ? undefined : out;
}

/** The parameter that names the object when the path ends with it (`/orders/{id}` → `id`). */
export function itemParam(path: string): string | undefined {
  const m = /\/\{([^}/]+)\}\/?$/.exec(path);
  return m?.[1];
}

/** `/api/orders/{id}` → `/api/orders`. */
export function collectionPath(itemPath: string): string | undefined {
  const m = /^(.*)\/\{[^}/]+\}\/?$/.exec(itemPath);
  return m === null ? undefined : m[1] === '' ? '/' : m[1];
}

/**
 * The path prefix between the origin and the spec's paths, as the exploration's samples show it
 * (`/v2` when the spec's servers say so); the base URL's path when there is no sample.
 */
function basePrefix(ctx: CheckContext): string {
  if (ctx.api.kind !== 'rest') return ctx.baseUrl.pathname.replace(/\/$/, '');
  for (const list of ctx.samples.values()) {
    for (const s of list) {
      const filled = fillPath(s.operation.path, s.pathValues);
      if (filled === undefined) continue;
      let pathname: string;
      try {
        pathname = new URL(s.request.url).pathname;
      } catch {
        continue;
      }
      if (pathname.endsWith(filled)) return pathname.slice(0, pathname.length - filled.length).replace(/\/$/, '');
      const decoded = safeDecode(pathname);
      if (decoded.endsWith(safeDecode(filled))) return decoded.slice(0, decoded.length - safeDecode(filled).length).replace(/\/$/, '');
    }
  }
  return ctx.baseUrl.pathname.replace(/\/$/, '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A request to `op` with these path values: the URL's query string and headers come from a sample
 * of the operation when there is one (required query parameters, content type).
 */
export function restRequest(
  ctx: CheckContext,
  op: ApiOperation,
  pathValues: Readonly<Record<string, string>>,
  body?: unknown,
  template?: Sample,
): ScanRequest | undefined {
  const path = fillPath(op.path, pathValues);
  if (path === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(basePrefix(ctx) + path, ctx.baseUrl.origin);
  } catch {
    return undefined;
  }
  const headers: Record<string, string> = {};
  if (template !== undefined) {
    try {
      url.search = new URL(template.request.url).search;
    } catch {
      // A sample with a broken URL gives no query string.
    }
    for (const [k, v] of Object.entries(template.request.headers)) {
      if (!/^(authorization|cookie|content-length|host)$/i.test(k)) headers[k] = v;
    }
  }
  if (body === undefined) return { method: op.method, url: url.toString(), headers };
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
  headers['content-type'] = 'application/json';
  const text = jsonText(body);
  return text === undefined ? undefined : { method: op.method, url: url.toString(), headers, body: text };
}

export function isJsonBody(op: ApiOperation): boolean {
  return op.requestBody !== undefined && /json/i.test(op.requestBody.contentType);
}

/** The properties of an object schema (first level), `allOf` merged. */
export function schemaProperties(schema: JsonSchema | undefined, seen = 0): Record<string, JsonSchema> {
  if (schema === undefined || seen > 5) return {};
  const out: Record<string, JsonSchema> = {};
  const props = schema.properties;
  if (isObject(props)) for (const [k, v] of Object.entries(props)) if (isObject(v)) out[k] = v;
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const sub of list) if (isObject(sub)) Object.assign(out, schemaProperties(sub, seen + 1));
  }
  return out;
}

export function requiredOf(schema: JsonSchema | undefined): string[] {
  const r = schema?.required;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

/** The schema of the operation's success response, when the spec gives one. */
export function successSchema(op: ApiOperation): JsonSchema | undefined {
  return op.responses.find((r) => /^2/.test(r.status) && r.schema !== undefined)?.schema;
}

/** A plausible value for a schema (example, default, enum, or by type and format). */
function valueFor(schema: JsonSchema, depth = 0): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  switch (type) {
    case 'integer':
      return min !== undefined ? Math.ceil(min) : 1;
    case 'number':
      return min ?? 1;
    case 'boolean':
      return false;
    case 'array': {
      const items = isObject(schema.items) ? schema.items : undefined;
      const n = typeof schema.minItems === 'number' ? Math.min(schema.minItems, 3) : items ? 1 : 0;
      return items && depth < 4 ? Array.from({ length: n }, () => valueFor(items, depth + 1)) : [];
    }
    case 'object':
      return depth < 4 ? objectFor(schema, undefined, depth + 1) : {};
    default: {
      if (schema.format === 'email') return 'herd@example.com';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'date-time') return '2025-01-01T00:00:00Z';
      if (schema.format === 'date') return '2025-01-01';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/';
      if (type === undefined && isObject(schema.properties)) return objectFor(schema, undefined, depth + 1);
      return 'herd';
    }
  }
}

/**
 * A request body for an object schema: writable properties taken from `current` (the object as it
 * is now) where it has them, required ones filled in from the schema.
 */
export function objectFor(schema: JsonSchema, current: JsonObject | undefined, depth = 0): JsonObject {
  const props = schemaProperties(schema);
  const required = new Set(requiredOf(schema));
  const out: JsonObject = {};
  for (const [name, prop] of Object.entries(props)) {
    if (prop.readOnly === true) continue;
    if (current !== undefined && current[name] !== undefined) out[name] = current[name];
    else if (required.has(name)) out[name] = valueFor(prop, depth);
  }
  return out;
}
