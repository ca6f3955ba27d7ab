/**
 * OpenAPI 3.0/3.1 and Swagger 2.0 descriptions → RestApi. The text is read here (a file, or a URL
 * fetched by the caller) and handed to swagger-parser as an object with external references off:
 * a hostile description cannot make the scanner fetch other hosts or read local files through
 * `$ref`. Internal `$ref`s are resolved (cycles stay cycles: walk schemas with a depth limit).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { HerdError } from '../../core/index.js';
import type { ApiOperation, ApiParameter, ApiRequestBody, ApiResponse, HttpMethod, JsonSchema, RestApi } from '../model.js';

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the text of a description (JSON or YAML); throws HERD_SCAN_SPEC_INVALID. */
export function parseSpecText(text: string, source: string): Obj {
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 });
  } catch (err) {
    throw new HerdError('HERD_SCAN_SPEC_INVALID', `${source}: not JSON or YAML (${err instanceof Error ? err.message : String(err)}); give an OpenAPI 3 or Swagger 2 document`);
  }
  if (!isObj(doc) || (typeof doc.openapi !== 'string' && doc.swagger !== '2.0')) {
    throw new HerdError('HERD_SCAN_SPEC_INVALID', `${source}: no "openapi: 3.x" or "swagger: 2.0" field; give an OpenAPI 3 or Swagger 2 document`);
  }
  return doc;
}

/** Loads a parsed description into the scanner's model. */
export async function loadOpenApi(doc: Obj, source: string): Promise<RestApi> {
  let deref: Obj;
  try {
    deref = (await SwaggerParser.dereference(structuredClone(doc) as never, {
      resolve: { external: false },
      dereference: { circular: true },
      validate: { schema: false, spec: false },
    } as never)) as unknown as Obj;
  } catch (err) {
    throw new HerdError('HERD_SCAN_SPEC_INVALID', `${source}: ${err instanceof Error ? err.message : String(err)}; fix the description's $refs`);
  }
  const swagger2 = deref.swagger === '2.0';
  const info = isObj(deref.info) ? deref.info : {};
  const globalSecurity = Array.isArray(deref.security) ? deref.security : [];
  const operations: ApiOperation[] = [];
  const paths = isObj(deref.paths) ? deref.paths : {};
  const consumes = Array.isArray(deref.consumes) ? deref.consumes.filter((x): x is string => typeof x === 'string') : [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item) || !path.startsWith('/')) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method.toLowerCase()];
      if (!isObj(op)) continue;
      const params = mergeParameters(shared, Array.isArray(op.parameters) ? op.parameters : []);
      const security = Array.isArray(op.security) ? op.security : globalSecurity;
      const opConsumes = Array.isArray(op.consumes) ? op.consumes.filter((x): x is string => typeof x === 'string') : consumes;
      operations.push({
        id: typeof op.operationId === 'string' && op.operationId !== '' ? op.operationId : `${method} ${path}`,
        method,
        path,
        summary: typeof op.summary === 'string' ? op.summary : typeof op.description === 'string' ? op.description.slice(0, 200) : undefined,
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [],
        parameters: params.filter((p) => p.in !== 'body' && p.in !== 'formData').map((p) => toParameter(p, swagger2)),
        requestBody: swagger2 ? swagger2Body(params, opConsumes) : openapi3Body(op.requestBody),
        responses: responsesOf(op.responses, swagger2),
        requiresAuth: security.some((req) => isObj(req) && Object.keys(req).length > 0),
        deprecated: op.deprecated === true,
      });
    }
  }
  return {
    kind: 'rest',
    title: typeof info.title === 'string' ? info.title : 'API',
    version: typeof info.version === 'string' ? info.version : '',
    specVersion: swagger2 ? 'swagger 2.0' : `openapi ${String(deref.openapi)}`,
    source,
    servers: serversOf(deref, swagger2),
    operations,
  };
}

interface RawParam extends Obj {
  name: string;
  in: string;
}

/** Operation parameters override path-level ones with the same name and location. */
function mergeParameters(shared: unknown[], own: unknown[]): RawParam[] {
  const out = new Map<string, RawParam>();
  for (const p of [...shared, ...own]) {
    if (!isObj(p) || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
    out.set(`${p.in}:${p.name}`, p as RawParam);
  }
  return [...out.values()];
}

function toParameter(p: RawParam, swagger2: boolean): ApiParameter {
  const location = (['path', 'query', 'header', 'cookie'] as const).find((l) => l === p.in) ?? 'query';
  let schema: JsonSchema = {};
  if (isObj(p.schema)) schema = p.schema;
  else if (swagger2) schema = pick(p, ['type', 'format', 'enum', 'items', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'default']);
  const example = p.example !== undefined ? p.example : isObj(p.examples) ? firstExample(p.examples) : p['x-example'];
  return { name: p.name, in: location, required: p.required === true || location === 'path', schema, ...(example !== undefined ? { example } : {}) };
}

function pick(o: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function firstExample(examples: Obj): unknown {
  for (const v of Object.values(examples)) if (isObj(v) && v.value !== undefined) return v.value;
  return undefined;
}

/** Preference order when a body may be sent in several forms. */
const CONTENT_PREFERENCE = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml', 'text/plain'];

function preferredContentType(types: readonly string[]): string | undefined {
  for (const want of CONTENT_PREFERENCE) {
    const hit = types.find((t) => t.toLowerCase().split(';')[0]!.trim() === want);
    if (hit !== undefined) return hit;
  }
  return types.find((t) => /\+json\b/i.test(t)) ?? types[0];
}

function openapi3Body(body: unknown): ApiRequestBody | undefined {
  if (!isObj(body) || !isObj(body.content)) return undefined;
  const type = preferredContentType(Object.keys(body.content));
  if (type === undefined) return undefined;
  const media = body.content[type];
  const m = isObj(media) ? media : {};
  const example = m.example !== undefined ? m.example : isObj(m.examples) ? firstExample(m.examples) : undefined;
  return { contentType: type, schema: isObj(m.schema) ? m.schema : {}, required: body.required === true, ...(example !== undefined ? { example } : {}) };
}

function swagger2Body(params: RawParam[], consumes: readonly string[]): ApiRequestBody | undefined {
  const body = params.find((p) => p.in === 'body');
  if (body !== undefined) {
    return { contentType: preferredContentType(consumes.length > 0 ? consumes : ['application/json']) ?? 'application/json', schema: isObj(body.schema) ? body.schema : {}, required: body.required === true };
  }
  const form = params.filter((p) => p.in === 'formData');
  if (form.length === 0) return undefined;
  const properties: Obj = {};
  const required: string[] = [];
  for (const f of form) {
    properties[f.name] = pick(f, ['type', 'format', 'enum', 'items', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'default']);
    if (f.required === true) required.push(f.name);
  }
  const type = consumes.find((c) => c.startsWith('multipart/')) ?? 'application/x-www-form-urlencoded';
  return { contentType: type, schema: { type: 'object', properties, required }, required: required.length > 0 };
}

function responsesOf(responses: unknown, swagger2: boolean): ApiResponse[] {
  if (!isObj(responses)) return [];
  const out: ApiResponse[] = [];
  for (const [status, r] of Object.entries(responses)) {
    if (!isObj(r)) continue;
    if (swagger2) {
      out.push({ status, ...(isObj(r.schema) ? { schema: r.schema, contentType: 'application/json' } : {}) });
      continue;
    }
    const content = isObj(r.content) ? r.content : {};
    const type = preferredContentType(Object.keys(content));
    const media = type === undefined ? undefined : content[type];
    out.push({ status, ...(type !== undefined ? { contentType: type } : {}), ...(isObj(media) && isObj(media.schema) ? { schema: media.schema } : {}) });
  }
  return out;
}

function serversOf(doc: Obj, swagger2: boolean): string[] {
  if (swagger2) {
    const basePath = typeof doc.basePath === 'string' ? doc.basePath : '';
    if (typeof doc.host === 'string') {
      const scheme = Array.isArray(doc.schemes) && typeof doc.schemes[0] === 'string' ? doc.schemes[0] : 'https';
      return [`${scheme}://${doc.host}${basePath}`];
    }
    return basePath !== '' ? [basePath] : [];
  }
  if (!Array.isArray(doc.servers)) return [];
  const out: string[] = [];
  for (const s of doc.servers) {
    if (!isObj(s) || typeof s.url !== 'string') continue;
    // Server variables take their defaults.
    let url = s.url;
    const vars = isObj(s.variables) ? s.variables : {};
    url = url.replace(/\{([^{}]{1,64})\}/g, (whole, name: string) => {
      const v = vars[name];
      return isObj(v) && typeof v.default === 'string' ? v.default : whole;
    });
    out.push(url);
  }
  return out;
}
