/**
 * A concrete request for an operation: path parameters filled (learned identifiers first), query,
 * header and cookie parameters, and a body in the operation's content type.
 */
import type { ApiOperation, ApiParameter, ScanRequest } from '../model.js';
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
    path = path.split(`{${p.name}}`).join(encodeURIComponent(v));
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
    const encoded = encodeBody(op.requestBody.contentType, bodyValue);
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

export function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** The body text for a content type; unknown types get JSON. */
export function encodeBody(contentType: string, value: unknown): { body: string; contentType: string } {
  const type = contentType.toLowerCase().split(';')[0]!.trim();
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
