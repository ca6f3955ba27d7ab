/**
 * Building URLs on the scanned API for the configuration checks: where the spec's paths start on
 * the server (learnt from the exploration's samples when there are some, else from the base URL
 * and the spec's servers), filling path templates, and plausible values for parameters.
 */
import type { ApiOperation, ApiParameter, JsonSchema, ScanRequest } from '../../model.js';
import type { CheckContext, Sample } from '../../check.js';
import { pathSegment } from '../../explore/build-request.js';

/** Replaces `{name}` in a path template with the encoded values (missing ones with `fallback(name)`). */
export function fillPath(template: string, values: Readonly<Record<string, string>>, fallback: (name: string) => string = () => '1'): string {
  return template.replace(/\{([^}/]+)\}/g, (_, name: string) => pathSegment(values[name] ?? fallback(name)) ?? pathSegment(fallback(name)) ?? '1');
}

function trimSlash(p: string): string {
  return p.replace(/\/+$/, '');
}

/**
 * The path between the origin and the spec's paths (`''`, `/api`): taken from a sample's URL when
 * one ends with its filled template, else the base URL's path, else the first server's path.
 */
export function apiPrefix(ctx: CheckContext): string {
  if (ctx.api.kind === 'rest') {
    for (const list of ctx.samples.values()) {
      for (const s of list) {
        let pathname: string;
        try {
          pathname = new URL(s.request.url).pathname;
        } catch {
          continue;
        }
        const filled = fillPath(s.operation.path, s.pathValues);
        if (filled !== '/' && pathname.endsWith(filled)) return trimSlash(pathname.slice(0, pathname.length - filled.length));
      }
    }
  }
  const basePath = trimSlash(ctx.baseUrl.pathname);
  if (basePath !== '') return basePath;
  if (ctx.api.kind === 'rest') {
    const server = ctx.api.servers[0];
    if (server !== undefined) {
      try {
        return trimSlash(new URL(server, ctx.baseUrl.origin).pathname);
      } catch {
        return '';
      }
    }
  }
  return '';
}

/** An absolute URL on the scanned origin for `path` (already prefixed), with query parameters. */
export function originUrl(ctx: CheckContext, path: string, query: ReadonlyArray<readonly [string, string]> = []): string {
  const u = new URL(ctx.baseUrl.origin);
  // Assigned raw so that deliberately malformed segments (probes) reach the server unchanged.
  u.pathname = path;
  for (const [k, v] of query) u.searchParams.append(k, v);
  return u.toString();
}

/** The base URL's own path without a trailing slash (`''` at the origin's root). */
export function basePath(ctx: CheckContext): string {
  return trimSlash(ctx.baseUrl.pathname);
}

function schemaType(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x): x is string => typeof x === 'string' && x !== 'null');
  return undefined;
}

/** A value the API should accept for a parameter: its example, default, first enum value, or one by type. */
export function plausibleValue(p: ApiParameter): string {
  const s = p.schema;
  const candidates: unknown[] = [p.example, s.example, s.default, Array.isArray(s.enum) ? s.enum[0] : undefined];
  for (const c of candidates) if (typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean') return String(c);
  const type = schemaType(s);
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? String(s.minimum) : '1';
  if (type === 'boolean') return 'true';
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000001';
  if (s.format === 'date') return '2024-01-01';
  if (s.format === 'date-time') return '2024-01-01T00:00:00Z';
  if (s.format === 'email') return 'herd@example.com';
  return 'herd';
}

/** Names of identifiers: `id`, `user_id`, `order-id`, `userId`, `uuid` (not `valid` or `paid`). */
const ID_NAME = /^(?:id|uuid)$|[_-](?:id|uuid)$|[a-z0-9](?:Id|ID|Uuid|UUID)$/;

/**
 * A value of the wrong type for the parameter (a word where a number, boolean, uuid, date or enum
 * value is expected), or undefined when any string is valid for it.
 */
export function wrongTypeValue(p: ApiParameter): string | undefined {
  const s = p.schema;
  const type = schemaType(s);
  const constrained =
    type === 'integer' ||
    type === 'number' ||
    type === 'boolean' ||
    type === 'array' ||
    Array.isArray(s.enum) ||
    (type === 'string' && typeof s.format === 'string' && ['uuid', 'date', 'date-time', 'email', 'int32', 'int64', 'uri', 'ipv4', 'ipv6'].includes(s.format)) ||
    (type === 'string' && typeof s.pattern === 'string');
  if (constrained) return 'x-herd-1';
  // Unconstrained strings named like identifiers are usually parsed as numbers or ids by the code.
  if (p.in === 'path' && (type === undefined || type === 'string') && ID_NAME.test(p.name)) return 'x-herd-1';
  return undefined;
}

/** The samples of an operation, those sent without credentials first. */
export function samplesOf(ctx: CheckContext, op: ApiOperation): readonly Sample[] {
  const list = ctx.samples.get(op.id) ?? [];
  return [...list].sort((a, b) => (a.user === null ? 0 : 1) - (b.user === null ? 0 : 1));
}

/** Last path segments of the caller's own data (`/users/me`, `/account`, `/whoami`). */
const SELF_PATH = /\/(?:me|self|current|profile|account|whoami|session|user)$/i;

/**
 * How much an operation's answer is worth protecting, for choosing which to probe or show first:
 * the caller's own data (profile, session), then anything behind authentication.
 */
export function sensitivity(op: ApiOperation): number {
  return (SELF_PATH.test(op.path) ? 2 : 0) + (op.requiresAuth ? 1 : 0);
}

/** A GET request for an operation: the sample's URL when there is one, else one built from the spec. */
export interface BuiltRequest {
  readonly request: ScanRequest;
  /** Who to send it as (`null`: no credentials). */
  readonly as: string | null;
  readonly sample?: Sample;
}

/** Rebuilds an operation's URL from the spec (prefix, filled path, required query parameters). */
export function specUrl(ctx: CheckContext, op: ApiOperation, prefix: string, override: Readonly<Record<string, string>> = {}): string {
  const pathValues: Record<string, string> = {};
  const query: [string, string][] = [];
  for (const p of op.parameters) {
    const v = override[p.name] ?? plausibleValue(p);
    if (p.in === 'path') pathValues[p.name] = v;
    else if (p.in === 'query' && (p.required || p.name in override)) query.push([p.name, v]);
  }
  return originUrl(ctx, prefix + fillPath(op.path, pathValues), query);
}

/**
 * Requests that read the API (GET operations), those with samples first, at most `max`: each as
 * its sample was sent (same user), or rebuilt from the spec (as the first user when it needs auth).
 */
export function readRequests(ctx: CheckContext, max: number): BuiltRequest[] {
  const out: BuiltRequest[] = [];
  const gets = ctx.api.operations.filter((op) => op.method === 'GET');
  const prefix = apiPrefix(ctx);
  const firstUser = ctx.users[0]?.name ?? null;
  const withSamples = gets.filter((op) => (ctx.samples.get(op.id)?.length ?? 0) > 0);
  withSamples.sort((a, b) => sensitivity(b) - sensitivity(a));
  for (const op of withSamples) {
    if (out.length >= max) return out;
    const list = ctx.samples.get(op.id) ?? [];
    const sample = list.find((s) => s.user !== null) ?? list[0];
    if (sample !== undefined) out.push({ request: sample.request, as: sample.user, sample });
  }
  for (const op of gets) {
    if (out.length >= max) return out;
    if (withSamples.includes(op)) continue;
    if (op.parameters.some((p) => p.in === 'path')) continue;
    out.push({ request: { method: 'GET', url: specUrl(ctx, op, prefix), headers: { accept: 'application/json' } }, as: op.requiresAuth ? firstUser : null });
  }
  return out;
}
