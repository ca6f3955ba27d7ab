/**
 * A concrete request for an operation: path parameters filled (learned identifiers first), query,
 * header and cookie parameters, and a body in the operation's content type.
 */
import type { ApiOperation, ApiParameter, JsonSchema, ScanRequest } from '../model.js';
import { valueFor, type LearnedValues } from './schema-values.js';

/**
 * Where the operations' paths start: the base URL's own path when it has one (the user said where
 * the API lives), else the path of the description's first server (`/api/v1`).
 */
export function apiRoot(baseUrl: URL, servers: readonly string[]): URL {
  const root = new URL(baseUrl.toString());
  if (root.pathname !== '/' && root.pathname !== '') return withoutTrailingSlash(root);
  const first = servers[0];
  if (first !== undefined) {
    let path = first;
    try {
      path = new URL(first).pathname;
    } catch {
      // relative server URL: a path
    }
    if (path.startsWith('/')) root.pathname = path;
  }
  return withoutTrailingSlash(root);
}

function withoutTrailingSlash(u: URL): URL {
  if (u.pathname.endsWith('/')) u.pathname = u.pathname.slice(0, -1);
  u.search = '';
  u.hash = '';
  return u;
}

export interface BuildOptions {
  readonly learned?: LearnedValues;
  /** Values for path parameters, by name (learned ids of the right resource). */
  readonly pathValues?: Readonly<Record<string, string>>;
  /** Replaces the generated body. */
  readonly body?: unknown;
  /** Send optional query parameters too (only those with an example, default or enum otherwise). */
  readonly allQuery?: boolean;
}

export interface BuiltRequest {
  readonly request: ScanRequest;
  readonly pathValues: Readonly<Record<string, string>>;
  /** The body as a value, before encoding (undefined: no body). */
  readonly bodyValue: unknown;
}

export function buildRequest(op: ApiOperation, root: URL, o: BuildOptions = {}): BuiltRequest {
  const pathValues: Record<string, string> = {};
  let path = op.path;
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    let v = o.pathValues?.[p.name] ?? scalar(paramValue(p, o.learned));
    // `.` and `..` (even percent-encoded) are dot segments: every URL parser removes them and the
    // request would go to another path, up to the API root. Such a value cannot be sent in a path.
    if (isDotSegment(v)) v = notDotSegment(scalar(valueFor(p.schema, { name: p.name })));
    pathValues[p.name] = v;
    path = path.split(`{${p.name}}`).join(pathSegment(v)!);
  }
  const url = new URL(root.toString());
  url.pathname = `${root.pathname.replace(/\/$/, '')}${path}`;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const p of op.parameters) {
    if (p.in === 'path') continue;
    if (!p.required && !o.allQuery && p.example === undefined && p.schema.default === undefined && p.schema.enum === undefined) continue;
    const v = paramValue(p, o.learned);
    if (v === undefined || v === null) continue;
    if (p.in === 'query') {
      if (Array.isArray(v)) for (const x of v) url.searchParams.append(p.name, scalar(x));
      else url.searchParams.set(p.name, scalar(v));
    } else if (p.in === 'header') {
      if (!/^(authorization|cookie|content-type|content-length|host)$/i.test(p.name)) headers[p.name] = scalar(v);
    } else {
      cookies.push(`${p.name}=${encodeURIComponent(scalar(v))}`);
    }
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  let body: string | undefined;
  let bodyValue: unknown;
  if (op.requestBody !== undefined) {
    bodyValue = o.body !== undefined ? o.body : op.requestBody.example !== undefined ? op.requestBody.example : valueFor(op.requestBody.schema, { learned: o.learned });
    const encoded = encodeBody(op.requestBody.contentType, bodyValue, { schema: op.requestBody.schema, name: xmlRootName(op) });
    body = encoded.body;
    headers['content-type'] = encoded.contentType;
  }
  return { request: { method: op.method, url: url.toString(), headers, ...(body !== undefined ? { body } : {}) }, pathValues, bodyValue };
}

/**
 * A parameter's value: for path parameters what earlier answers showed (real identifiers, even
 * `{username}`), then the description's example; for the others the example first.
 */
function paramValue(p: ApiParameter, learned: LearnedValues | undefined): unknown {
  if (p.example !== undefined && (learned === undefined || p.in !== 'path')) return p.example;
  return valueFor(p.example !== undefined ? { ...p.schema, example: p.example } : p.schema, { name: p.name, learned, anyLearned: p.in === 'path' });
}

function isDotSegment(v: string): boolean {
  return v === '.' || v === '..';
}

function notDotSegment(v: string): string {
  return isDotSegment(v) ? '1' : v;
}

/**
 * A value as one path segment, or null when no URL can carry it: `.` and `..` (even
 * percent-encoded) are dot segments that every URL parser removes, sending the request elsewhere.
 * Every place that fills a path template goes through this.
 */
export function pathSegment(value: string): string | null {
  return isDotSegment(value) ? null : encodeURIComponent(value);
}

export function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** For XML bodies: the body's schema (its `xml` objects name elements) and the root's name when the schema gives none. */
export interface XmlHints {
  readonly schema?: JsonSchema;
  readonly name?: string;
}

/** The body text for a content type; unknown types get JSON. */
export function encodeBody(contentType: string, value: unknown, xml: XmlHints = {}): { body: string; contentType: string } {
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  if (isXmlContentType(type)) return { body: encodeXml(value, xml.schema, xml.name ?? 'root'), contentType };
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams();
    if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) form.append(k, scalar(v));
    return { body: form.toString(), contentType: type };
  }
  if (type === 'multipart/form-data') {
    const boundary = 'herdscanboundary7MA4YWxkTrZu0gW';
    let body = '';
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, '_')}"\r\n\r\n${scalar(v)}\r\n`;
    }
    return { body: `${body}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
  }
  if (type === 'text/plain') return { body: scalar(value), contentType: type };
  return { body: JSON.stringify(value ?? null), contentType: type.includes('json') ? contentType : 'application/json' };
}

// ---- XML bodies ------------------------------------------------------------------------------

/** `application/xml`, `text/xml` and any `…+xml` type (parameters ignored). */
export function isXmlContentType(contentType: string): boolean {
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  return type === 'application/xml' || type === 'text/xml' || /^[a-z]+\/[a-z0-9.+-]*\+xml$/.test(type);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The OpenAPI `xml` object of a schema (name, attribute, wrapped, prefix, namespace). */
interface XmlInfo {
  readonly name?: string;
  readonly attribute: boolean;
  readonly wrapped: boolean;
  readonly prefix?: string;
  readonly namespace?: string;
}

function xmlInfo(schema: unknown): XmlInfo {
  const x = isObj(schema) && isObj(schema.xml) ? schema.xml : {};
  return {
    ...(typeof x.name === 'string' && x.name !== '' ? { name: x.name } : {}),
    attribute: x.attribute === true,
    wrapped: x.wrapped === true,
    ...(typeof x.prefix === 'string' && x.prefix !== '' ? { prefix: xmlName(x.prefix) } : {}),
    ...(typeof x.namespace === 'string' && x.namespace !== '' ? { namespace: x.namespace } : {}),
  };
}

/**
 * A valid XML element name for any text: characters outside `[A-Za-z0-9._-]` become `_`, and a
 * name that would start with a digit, `.`, `-` or the reserved `xml` gets a leading `_`.
 */
export function xmlName(raw: string): string {
  let name = raw.replace(/[^A-Za-z0-9._-]/g, '_');
  if (name === '' || !/^[A-Za-z_]/.test(name) || /^xml/i.test(name)) name = `_${name}`;
  return name;
}

/** Characters XML 1.0 cannot carry at all, even escaped (controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as XML character data: `&`, `<`, `>` escaped, carriage returns as `&#13;` (parsers turn a
 * raw CR into LF), and characters XML cannot carry replaced by U+FFFD.
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Text as an attribute value between double quotes (tabs and newlines as references, which attribute normalisation keeps). */
function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const XML_MAX_DEPTH = 16;

/**
 * A value as an XML document, the way OpenAPI describes it: the root element is named by the
 * schema's `xml.name`, else `rootName`; object properties become child elements (or attributes
 * with `xml.attribute`), arrays repeated elements (inside a wrapper with `xml.wrapped`), scalars
 * escaped text, null an empty element.
 */
export function encodeXml(value: unknown, schema: JsonSchema | undefined, rootName: string): string {
  const info = xmlInfo(schema);
  const root = qualified(info, info.name ?? rootName);
  const ns = info.namespace === undefined ? '' : ` ${info.prefix === undefined ? 'xmlns' : `xmlns:${info.prefix}`}="${xmlAttribute(info.namespace)}"`;
  if (Array.isArray(value)) {
    const items = isObj(schema) ? schema.items : undefined;
    const itemName = qualified(xmlInfo(items), xmlInfo(items).name ?? 'item');
    return `<?xml version="1.0" encoding="UTF-8"?><${root}${ns}>${value.map((v) => element(itemName, v, items, 1)).join('')}</${root}>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>${element(root, value, schema, 0, ns)}`;
}

function qualified(info: XmlInfo, name: string): string {
  const local = xmlName(name);
  return info.prefix === undefined ? local : `${info.prefix}:${local}`;
}

function element(name: string, value: unknown, schema: unknown, depth: number, extraAttributes = ''): string {
  if (value === null || value === undefined || depth > XML_MAX_DEPTH) return `<${name}${extraAttributes}/>`;
  if (!isObj(value)) {
    // An array where one element is expected (nested arrays): its items, each in an element of this name.
    if (Array.isArray(value)) return `<${name}${extraAttributes}>${value.map((v) => element('item', v, isObj(schema) ? schema.items : undefined, depth + 1)).join('')}</${name}>`;
    return `<${name}${extraAttributes}>${xmlText(scalar(value))}</${name}>`;
  }
  const props = isObj(schema) && isObj(schema.properties) ? schema.properties : {};
  let attributes = extraAttributes;
  let children = '';
  for (const [key, v] of Object.entries(value)) {
    const propSchema = Object.hasOwn(props, key) ? props[key] : undefined;
    const info = xmlInfo(propSchema);
    const childName = qualified(info, info.name ?? key);
    if (info.attribute && !isObj(v) && !Array.isArray(v)) {
      if (v !== null && v !== undefined) attributes += ` ${childName}="${xmlAttribute(scalar(v))}"`;
    } else if (Array.isArray(v)) {
      const items = isObj(propSchema) ? propSchema.items : undefined;
      const itemInfo = xmlInfo(items);
      const itemName = itemInfo.name === undefined ? childName : qualified(itemInfo, itemInfo.name);
      const list = v.map((x) => element(itemName, x, items, depth + 2)).join('');
      children += info.wrapped ? `<${childName}>${list}</${childName}>` : list;
    } else {
      children += element(childName, v, propSchema, depth + 1);
    }
  }
  return children === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${children}</${name}>`;
}

/**
 * The root element's name when the schema has no `xml.name`: the schema's title, else the last
 * word of the operationId (`importNote` → `note`), else the last literal path segment in the
 * singular (`/notes` → `note`), else `root`.
 */
export function xmlRootName(op: ApiOperation): string {
  const title = op.requestBody?.schema.title;
  if (typeof title === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(title)) return title;
  if (/^[A-Za-z][A-Za-z0-9]*$/.test(op.id)) {
    const words = op.id.split(/(?<=[a-z0-9])(?=[A-Z])/);
    const last = words[words.length - 1]!;
    if (words.length > 1 && last.length > 1) return last.toLowerCase();
  }
  const segment = op.path
    .split('/')
    .filter((s) => s !== '' && !s.includes('{'))
    .pop();
  if (segment !== undefined && /^[A-Za-z][A-Za-z0-9_-]*$/.test(segment)) return singular(segment);
  return 'root';
}

function singular(word: string): string {
  if (word.length <= 3 || !word.endsWith('s') || word.endsWith('ss')) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  return word.slice(0, -1);
}
