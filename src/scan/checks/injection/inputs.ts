/**
 * The inputs of one sampled request that injection checks can rewrite, one at a time: query
 * parameters (those of the sample, and the optional ones the description declares that the sample
 * left out), path parameters, string and number fields of JSON bodies, form fields, and the string
 * and integer argument literals and variables of a GraphQL request. Headers are not inputs here.
 * Every setter returns the sample's request with only that input changed, so the request stays as
 * valid as the sample was.
 */
import { Kind, parse, print, visit, type ASTNode, type DocumentNode, type ValueNode } from 'graphql';
import type { ApiParameter, JsonSchema, ScanRequest } from '../../model.js';
import type { Sample } from '../../check.js';

export type InputKind = 'query' | 'path' | 'json' | 'form' | 'graphql';

export interface InjectionPoint {
  readonly kind: InputKind;
  /** The parameter name, the JSON path (`address.city`, `items[0].name`), or `field.argument` in GraphQL. */
  readonly name: string;
  /** The last segment of the name (`city`), for heuristics over names. */
  readonly leaf: string;
  /** The value the baseline request carries, as text. */
  readonly value: string;
  readonly valueType: 'string' | 'number';
  /** The parameter's schema when the description gives one. */
  readonly schema?: JsonSchema;
  /** False when the sample did not carry this input and `baseline` adds it. */
  readonly inSample: boolean;
  /** The sample's request with this input at its baseline value. */
  readonly baseline: ScanRequest;
  /** The request with this input set to `value`, as the application will see it (encoding is done here). */
  set(value: string): ScanRequest;
  /** JSON bodies and GraphQL variables: the request with this input set to any JSON value. */
  setJson?(value: unknown): ScanRequest;
  /** Query and form inputs: `name[op]=value` instead of `name=value` (qs/PHP-style nesting). */
  setOperator?(op: string, value: string): ScanRequest;
}

const MAX_LEAVES = 100;
const MAX_DEPTH = 8;

/** The inputs of a sample, in a stable order (path, query, body). */
export function injectionPoints(sample: Sample): InjectionPoint[] {
  let url: URL;
  try {
    url = new URL(sample.request.url);
  } catch {
    return [];
  }
  const points: InjectionPoint[] = [...pathPoints(sample, url), ...queryPoints(sample, url)];
  const body = sample.request.body;
  if (body !== undefined && body.length > 0) {
    const type = headerOf(sample.request.headers, 'content-type')?.toLowerCase() ?? '';
    if (type.includes('x-www-form-urlencoded')) points.push(...formPoints(sample, body));
    else if (type.includes('json') || type === '' || type.includes('graphql')) {
      const json = parseJson(body);
      const gql = isGraphqlBody(json) ? graphqlPoints(sample, json) : null;
      // A body that only looks like GraphQL (`{"query": "query text"}`) is plain JSON.
      if (gql !== null) points.push(...gql);
      else if (json !== undefined) points.push(...jsonPoints(sample, json));
    }
  }
  return points;
}

/** Case-insensitive header lookup. */
export function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isGraphqlBody(json: unknown): json is { query: string; variables?: unknown } {
  return isRecord(json) && typeof json.query === 'string' && /^\s*(query|mutation|subscription|\{|fragment)/.test(json.query);
}

function leafOf(name: string): string {
  const parts = name.split(/[.[\]]+/).filter((p) => p.length > 0 && !/^\d+$/.test(p));
  return parts[parts.length - 1] ?? name;
}

// ---- path ------------------------------------------------------------------------------------

function pathPoints(sample: Sample, url: URL): InjectionPoint[] {
  // Without the template's leading empty segment, so that a base path (`/api/v2`) can precede it.
  const template = sample.operation.path.replace(/^\/+/, '').split('/');
  const actual = url.pathname.split('/');
  if (actual.length < template.length) return [];
  const prefix = actual.slice(0, actual.length - template.length);
  const tail = actual.slice(actual.length - template.length);
  // The template must line up with the end of the sample's path (a base path may come before).
  if (template.some((seg, i) => !seg.includes('{') && seg !== tail[i])) return [];
  const values = new Map<string, string>(Object.entries(sample.pathValues));
  template.forEach((seg, i) => {
    const m = /^\{([^}]+)\}$/.exec(seg);
    if (m !== null && !values.has(m[1])) values.set(m[1], safeDecode(tail[i]));
  });
  const render = (name: string, value: string): string =>
    template
      .map((seg, i) =>
        seg.includes(`{${name}}`) ? seg.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(p === name ? value : (values.get(p) ?? ''))) : tail[i],
      )
      .join('/');
  const points: InjectionPoint[] = [];
  for (const param of sample.operation.parameters) {
    if (param.in !== 'path') continue;
    const value = values.get(param.name);
    if (value === undefined || !template.some((s) => s.includes(`{${param.name}}`))) continue;
    // Only when the template rebuilds the sample's path do we know where the value sits.
    if (safeDecode(render(param.name, value)) !== safeDecode(tail.join('/'))) continue;
    const set = (v: string): ScanRequest => {
      const u = new URL(url.toString());
      u.pathname = [...prefix, render(param.name, v)].join('/');
      return { ...sample.request, url: u.toString() };
    };
    points.push({
      kind: 'path',
      name: param.name,
      leaf: param.name,
      value,
      valueType: isNumericSchema(param.schema) || /^-?\d+$/.test(value) ? 'number' : 'string',
      schema: param.schema,
      inSample: true,
      baseline: sample.request,
      set,
    });
  }
  return points;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---- query and form -------------------------------------------------------------------------

/** Setters over an ordered list of `key=value` pairs (query string or form body). */
function pairSetters(pairs: readonly [string, string][], index: number, key: string, write: (p: URLSearchParams) => ScanRequest) {
  const render = (replace: (k: string, v: string) => [string, string]): ScanRequest => {
    const out = new URLSearchParams();
    pairs.forEach(([k, v], i) => {
      const [nk, nv] = i === index ? replace(k, v) : [k, v];
      out.append(nk, nv);
    });
    if (index >= pairs.length) {
      const [nk, nv] = replace(key, '');
      out.append(nk, nv);
    }
    return write(out);
  };
  return {
    set: (value: string) => render(() => [key, value]),
    setOperator: (op: string, value: string) => render(() => [`${key}[${op}]`, value]),
  };
}

function queryPoints(sample: Sample, url: URL): InjectionPoint[] {
  const pairs = [...url.searchParams.entries()];
  const write = (p: URLSearchParams): ScanRequest => {
    const u = new URL(url.toString());
    u.search = p.toString();
    return { ...sample.request, url: u.toString() };
  };
  const params = new Map<string, ApiParameter>();
  for (const p of sample.operation.parameters) if (p.in === 'query') params.set(p.name, p);
  const seen = new Set<string>();
  const points: InjectionPoint[] = [];
  pairs.forEach(([key, value], index) => {
    if (seen.has(key) || points.length >= MAX_LEAVES) return;
    seen.add(key);
    const param = params.get(key);
    const s = pairSetters(pairs, index, key, write);
    points.push({
      kind: 'query',
      name: key,
      leaf: key,
      value,
      valueType: (param !== undefined && isNumericSchema(param.schema)) || /^-?\d+$/.test(value) ? 'number' : 'string',
      schema: param?.schema,
      inSample: true,
      baseline: sample.request,
      ...s,
    });
  });
  // Optional parameters the sample left out: added with a plausible value as their own baseline.
  for (const param of params.values()) {
    if (seen.has(param.name) || points.length >= MAX_LEAVES) continue;
    const value = plausibleValue(param);
    if (value === undefined) continue;
    const s = pairSetters(pairs, pairs.length, param.name, write);
    points.push({
      kind: 'query',
      name: param.name,
      leaf: param.name,
      value,
      valueType: isNumericSchema(param.schema) ? 'number' : 'string',
      schema: param.schema,
      inSample: false,
      baseline: s.set(value),
      ...s,
    });
  }
  return points;
}

function formPoints(sample: Sample, body: string): InjectionPoint[] {
  const pairs = [...new URLSearchParams(body).entries()];
  const write = (p: URLSearchParams): ScanRequest => ({ ...sample.request, body: p.toString() });
  const seen = new Set<string>();
  const points: InjectionPoint[] = [];
  pairs.forEach(([key, value], index) => {
    if (seen.has(key) || points.length >= MAX_LEAVES) return;
    seen.add(key);
    points.push({
      kind: 'form',
      name: key,
      leaf: key,
      value,
      valueType: /^-?\d+$/.test(value) ? 'number' : 'string',
      schema: propertySchema(sample.operation.requestBody?.schema, [key]),
      inSample: true,
      baseline: sample.request,
      ...pairSetters(pairs, index, key, write),
    });
  });
  return points;
}

function isNumericSchema(schema: JsonSchema | undefined): boolean {
  const t = schema?.type;
  return t === 'integer' || t === 'number' || (Array.isArray(t) && (t.includes('integer') || t.includes('number')));
}

/** A value for an optional query parameter: its example, default, first enum value, else by type. */
export function plausibleValue(param: ApiParameter): string | undefined {
  const s = param.schema;
  const candidates: unknown[] = [param.example, s.example, Array.isArray(s.examples) ? s.examples[0] : undefined, s.default, Array.isArray(s.enum) ? s.enum[0] : undefined];
  for (const c of candidates) if (typeof c === 'string' || typeof c === 'number') return String(c);
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t === 'integer' || t === 'number') return String(typeof s.minimum === 'number' ? Math.max(s.minimum, 1) : 1);
  if (t === 'boolean') return 'true';
  if (t === 'string' || t === undefined) {
    if (s.format === 'uri' || s.format === 'url') return 'https://example.com/';
    if (s.format === 'email') return 'herd@example.com';
    if (s.format === 'date') return '2024-01-01';
    if (s.format === 'date-time') return '2024-01-01T00:00:00Z';
    if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    return 'herd';
  }
  return undefined;
}

// ---- JSON bodies ----------------------------------------------------------------------------

type PathPart = string | number;

function jsonLeaves(value: unknown, path: PathPart[], out: { path: PathPart[]; value: string | number }[], depth: number): void {
  if (out.length >= MAX_LEAVES || depth > MAX_DEPTH) return;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) out.push({ path, value });
  else if (Array.isArray(value)) value.slice(0, 5).forEach((v, i) => jsonLeaves(v, [...path, i], out, depth + 1));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) jsonLeaves(v, [...path, k], out, depth + 1);
}

function withLeaf(root: unknown, path: readonly PathPart[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === 'number') return root.map((v, i) => (i === head ? withLeaf(v, rest, leaf) : v));
  if (isRecord(root) && typeof head === 'string') return { ...root, [head]: withLeaf(root[head], rest, leaf) };
  return root;
}

function pathName(path: readonly PathPart[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s.length === 0 ? p : `.${p}`;
  return s;
}

function propertySchema(schema: JsonSchema | undefined, path: readonly PathPart[]): JsonSchema | undefined {
  let s: unknown = schema;
  for (const p of path) {
    if (!isRecord(s)) return undefined;
    if (typeof p === 'number') s = s.items;
    else s = isRecord(s.properties) ? s.properties[p] : undefined;
  }
  return isRecord(s) ? s : undefined;
}

function jsonPoints(sample: Sample, json: unknown): InjectionPoint[] {
  const leaves: { path: PathPart[]; value: string | number }[] = [];
  jsonLeaves(json, [], leaves, 0);
  return leaves.map(({ path, value }) => {
    const setJson = (v: unknown): ScanRequest => ({ ...sample.request, body: JSON.stringify(withLeaf(json, path, v)) });
    const name = pathName(path);
    return {
      kind: 'json' as const,
      name: name.length > 0 ? name : '(body)',
      leaf: leafOf(name),
      value: String(value),
      valueType: typeof value === 'number' ? ('number' as const) : ('string' as const),
      schema: propertySchema(sample.operation.requestBody?.schema, path),
      inSample: true,
      baseline: sample.request,
      // A number field keeps its type when the new value is a number.
      set: (v: string) => setJson(typeof value === 'number' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v),
      setJson,
    };
  });
}

// ---- GraphQL ---------------------------------------------------------------------------------

interface LiteralSite {
  name: string;
  leaf: string;
  value: string;
  type: 'string' | 'number';
}

/** The string and integer literals of the arguments, in document order (also inside input objects and lists). */
function literalSites(doc: DocumentNode): LiteralSite[] {
  const sites: LiteralSite[] = [];
  const walk = (node: ValueNode, name: string, leaf: string): void => {
    if (sites.length >= MAX_LEAVES) return;
    if (node.kind === Kind.STRING) sites.push({ name, leaf, value: node.value, type: 'string' });
    else if (node.kind === Kind.INT) sites.push({ name, leaf, value: node.value, type: 'number' });
    else if (node.kind === Kind.OBJECT) for (const f of node.fields) walk(f.value, `${name}.${f.name.value}`, f.name.value);
    else if (node.kind === Kind.LIST) node.values.forEach((v, i) => walk(v, `${name}[${i}]`, leaf));
  };
  visit(doc, {
    Field(field) {
      for (const arg of field.arguments ?? []) walk(arg.value, `${field.name.value}.${arg.name.value}`, arg.name.value);
    },
  });
  return sites;
}

/** The document with the `index`-th literal (in literalSites order) replaced by `value`. */
function replaceLiteral(doc: DocumentNode, index: number, value: string, type: 'string' | 'number'): string {
  let n = 0;
  const replace = (node: ValueNode): ValueNode => {
    if (node.kind === Kind.STRING || node.kind === Kind.INT) {
      const mine = n === index;
      n++;
      if (!mine) return node;
      return type === 'number' && /^-?\d+$/.test(value) ? { kind: Kind.INT, value } : { kind: Kind.STRING, value };
    }
    if (node.kind === Kind.OBJECT) return { ...node, fields: node.fields.map((f) => ({ ...f, value: replace(f.value) })) };
    if (node.kind === Kind.LIST) return { ...node, values: node.values.map(replace) };
    return node;
  };
  const out = visit(doc, {
    Field(field): ASTNode | undefined {
      if (field.arguments === undefined || field.arguments.length === 0) return undefined;
      return { ...field, arguments: field.arguments.map((a) => ({ ...a, value: replace(a.value) })) };
    },
  });
  return print(out);
}

/** The inputs of a GraphQL request; null when the query does not parse. */
function graphqlPoints(sample: Sample, body: { query: string; variables?: unknown } & Record<string, unknown>): InjectionPoint[] | null {
  let doc: DocumentNode;
  try {
    doc = parse(body.query, { maxTokens: 5000 });
  } catch {
    return null;
  }
  const points: InjectionPoint[] = [];
  literalSites(doc).forEach((site, index) => {
    const set = (v: string): ScanRequest => ({ ...sample.request, body: JSON.stringify({ ...body, query: replaceLiteral(doc, index, v, site.type) }) });
    points.push({ kind: 'graphql', name: site.name, leaf: site.leaf, value: site.value, valueType: site.type, inSample: true, baseline: sample.request, set });
  });
  if (isRecord(body.variables)) {
    const leaves: { path: PathPart[]; value: string | number }[] = [];
    jsonLeaves(body.variables, [], leaves, 0);
    for (const { path, value } of leaves) {
      const setJson = (v: unknown): ScanRequest => ({ ...sample.request, body: JSON.stringify({ ...body, variables: withLeaf(body.variables, path, v) }) });
      const name = `$${pathName(path)}`;
      points.push({
        kind: 'graphql',
        name,
        leaf: leafOf(name.slice(1)),
        value: String(value),
        valueType: typeof value === 'number' ? 'number' : 'string',
        inSample: true,
        baseline: sample.request,
        set: (v: string) => setJson(typeof value === 'number' && /^-?\d+$/.test(v) ? Number(v) : v),
        setJson,
      });
    }
  }
  return points;
}
