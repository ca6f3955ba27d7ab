/**
 * Small pieces the access checks share: where a finding is, whether an exchange succeeded, what a
 * response carries, and how two responses compare. Everything here but `marker` is pure.
 */
import { randomBytes } from 'node:crypto';
import type { ApiOperation, Exchange, ScanApi } from '../../model.js';
import type { CheckContext, Sample, ScanUser } from '../../check.js';

export type JsonObject = { [key: string]: unknown };

const SAFE_HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `GET /api/orders/{id}` for REST, the field (`Query.order`) for GraphQL. */
export function locationOf(api: ScanApi, op: ApiOperation): string {
  return api.kind === 'graphql' ? op.id : `${op.method} ${op.path}`;
}

/** The GraphQL root field an operation stands for (`Query.order` → `order`). */
export function graphqlFieldName(op: ApiOperation): string {
  const dot = op.id.lastIndexOf('.');
  return dot >= 0 ? op.id.slice(dot + 1) : op.id;
}

/** Whether calling the operation may change data. */
export function isMutating(api: ScanApi, op: ApiOperation): boolean {
  return api.kind === 'graphql' ? op.id.startsWith('Mutation.') : !SAFE_HTTP_METHODS.has(op.method);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function status(ex: Exchange | undefined): number {
  return ex?.response?.status ?? 0;
}

/** A clean "no such object" answer (not an error of the server or the network). */
export function isGone(ex: Exchange | undefined): boolean {
  const s = status(ex);
  return s === 404 || s === 410;
}

export function is2xx(ex: Exchange | undefined): boolean {
  const s = status(ex);
  return s >= 200 && s < 300;
}

export function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** JSON text of a value, or undefined when it cannot be written (too deeply nested). */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Whether two values are the same JSON (false when either cannot be written). */
export function sameJson(a: unknown, b: unknown): boolean {
  const ta = jsonText(a);
  return ta !== undefined && ta === jsonText(b);
}

export function jsonOf(ex: Exchange | undefined): unknown {
  return ex?.response ? parseJson(ex.response.body) : undefined;
}

/** A random marker that cannot be mistaken for existing data (`herd-3fa91c0b`). */
export function marker(): string {
  return `herd-${randomBytes(4).toString('hex')}`;
}

export function normalUsers(ctx: CheckContext): ScanUser[] {
  return ctx.users.filter((u) => u.role === 'user');
}

export function adminUsers(ctx: CheckContext): ScanUser[] {
  return ctx.users.filter((u) => u.role === 'admin');
}

export function samplesOf(ctx: CheckContext, op: ApiOperation): readonly Sample[] {
  return ctx.samples.get(op.id) ?? [];
}

/** Keys that carry no data of their own: an object made only of them is an error or a status. */
const ENVELOPE_KEYS = new Set([
  'error', 'errors', 'message', 'msg', 'detail', 'details', 'status', 'statuscode', 'code', 'title', 'type', 'success', 'ok',
  'reason', 'description', 'instance', 'timestamp', 'path', 'error_description',
]);

/** Whether a JSON value has no content: null, '', [], {}, or an object that is only an error/status envelope. */
export function isEmptyContent(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return true;
    if (keys.every((k) => ENVELOPE_KEYS.has(k.toLowerCase()))) return true;
    // A wrapper whose only arrays are empty: `{items: [], total: 0}`.
    const arrays = keys.filter((k) => Array.isArray(value[k]));
    if (arrays.length > 0 && arrays.every((k) => (value[k] as unknown[]).length === 0)) {
      return keys.every((k) => Array.isArray(value[k]) || typeof value[k] !== 'object' || value[k] === null);
    }
    return false;
  }
  return false;
}

const ID_KEYS = ['id', '_id', 'uuid', 'ID', 'Id', 'guid', 'key'];

/**
 * The identifier of an object, as a string: the field its item path is addressed by when given
 * and present (`slug` for `/notes/{slug}`, `username` for `/users/{username}`), else `id`, `_id`,
 * `uuid`…
 */
export function idOf(value: unknown, param?: string): string | undefined {
  if (!isObject(value)) return undefined;
  if (param !== undefined) {
    const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
    const key = Object.keys(value).find((k) => norm(k) === norm(param));
    const v = key === undefined ? undefined : value[key];
    if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  }
  for (const k of ID_KEYS) {
    const v = value[k];
    if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  }
  return undefined;
}

function scalarEntries(o: JsonObject): [string, unknown][] {
  return Object.entries(o).filter(([, v]) => v === null || typeof v !== 'object');
}

/**
 * Whether two JSON values describe the same object: the same id and most scalar fields equal, or
 * (without ids) nearly every scalar field equal. Arrays compare their first elements and length.
 */
export function sameObject(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length > 0 && a.length === b.length && sameObject(a[0], b[0]);
  }
  if (!isObject(a) || !isObject(b)) return a !== undefined && a === b;
  const idA = idOf(a);
  const idB = idOf(b);
  if (idA !== undefined && idB !== undefined && idA !== idB) return false;
  const scalars = scalarEntries(a);
  if (scalars.length === 0) return idA !== undefined && idA === idB;
  const equal = scalars.filter(([k, v]) => b[k] === v).length;
  const needed = idA !== undefined && idA === idB ? 0.6 : 0.9;
  return equal / scalars.length >= needed;
}

/**
 * Whether two answers carry the same data, allowing for a few changed values (timestamps,
 * counters): arrays of the same length whose first elements match, objects whose scalar fields
 * mostly match and whose nested values match in turn.
 */
export function sameData(a: unknown, b: unknown, depth = 0): boolean {
  if (depth > 6) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.slice(0, 3).every((x, i) => sameData(x, b[i], depth + 1));
  }
  if (!isObject(a) || !isObject(b)) return a === b;
  const keys = Object.keys(a);
  if (keys.length === 0) return Object.keys(b).length === 0;
  let scalars = 0;
  let equal = 0;
  for (const k of keys) {
    const x = a[k];
    if (x !== null && typeof x === 'object') {
      if (!sameData(x, b[k], depth + 1)) return false;
    } else {
      scalars++;
      if (b[k] === x) equal++;
    }
  }
  return scalars === 0 || equal / scalars >= 0.8;
}

function keysOf(value: unknown): Set<string> {
  if (Array.isArray(value)) {
    const first = value.find(isObject);
    return first === undefined ? new Set() : new Set(Object.keys(first));
  }
  return isObject(value) ? new Set(Object.keys(value)) : new Set();
}

/**
 * Whether `candidate` carries content of the same kind as `reference` (what an authorized caller
 * got): not empty, and objects sharing most of their keys (arrays: their elements' keys).
 */
export function comparableContent(reference: unknown, candidate: unknown): boolean {
  if (isEmptyContent(candidate) || isEmptyContent(reference)) return false;
  if (Array.isArray(reference) !== Array.isArray(candidate)) return false;
  if (!isObject(reference) && !Array.isArray(reference)) return reference === candidate;
  const ka = keysOf(reference);
  const kb = keysOf(candidate);
  if (ka.size === 0 || kb.size === 0) return ka.size === kb.size && sameJson(reference, candidate);
  let shared = 0;
  for (const k of ka) if (kb.has(k)) shared++;
  if (shared / Math.max(ka.size, kb.size) < 0.5) return false;
  // A wrapper (`{items: [...]}`) must carry data in the candidate too.
  if (isObject(reference) && isObject(candidate)) {
    for (const k of ka) {
      const r = reference[k];
      const c = candidate[k];
      if (Array.isArray(r) && r.length > 0 && Array.isArray(c) && c.length === 0) return false;
    }
  }
  return true;
}

/** Whether an answer is an HTML sign-in page (some servers answer 200 with one instead of 401). */
export function looksLikeLoginPage(ex: Exchange): boolean {
  const r = ex.response;
  if (r === null) return false;
  const type = r.headers['content-type'] ?? '';
  // Bounded text and bounded repetitions: a hostile body cannot make the test slow.
  const head = r.body.slice(0, 20_000);
  if (!/html/i.test(type) && !/^\s*</.test(head)) return false;
  return /<input[^>]{0,300}type\s{0,5}=\s{0,5}["']?password|\b(log ?in|sign ?in|authenticat)/i.test(head);
}

/** Masks a secret for a report: its first characters and its length (`se**** (6 chars)`). */
export function maskSecret(value: string): string {
  const shown = value.length <= 4 ? 1 : value.length <= 12 ? 2 : 4;
  return `${value.slice(0, shown)}${'*'.repeat(Math.min(8, Math.max(3, value.length - shown)))} (${value.length} chars)`;
}

/** A short, single-line rendering of a value for a finding's detail. */
export function brief(value: unknown, max = 80): string {
  const text = jsonText(value) ?? '(unprintable)';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Case-insensitive, separator-free form of a field name (`password_hash` → `passwordhash`). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Arrays of objects a response carries: the top-level array, or arrays under the object's keys. */
export function objectsIn(value: unknown, depth = 0): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject).slice(0, 1000);
  if (!isObject(value) || depth > 1) return [];
  const out: JsonObject[] = [];
  for (const v of Object.values(value)) {
    if (Array.isArray(v)) out.push(...v.filter(isObject).slice(0, 1000));
    else if (isObject(v) && depth === 0) out.push(...objectsIn(v, depth + 1));
  }
  return out;
}
