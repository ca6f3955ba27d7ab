import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LegacyDb, UserRow } from './db.js';
import type { LoginLimiter } from './login-limiter.js';

/** What every route of the legacy target needs: the variant, its database and its edges. */
export interface LegacyContext {
  readonly vulnerable: boolean;
  readonly clock: Clock;
  readonly db: LegacyDb;
  readonly loginLimiter: LoginLimiter;
  /** Directory `GET /api/export` reads from (inside this start's temp directory). */
  readonly exportDir: string;
  /** Hosts the fixed twin fetches avatars from. */
  readonly avatarHosts: readonly string[];
}

export interface Clock {
  now(): number;
}

export const PROBLEM_TYPE = 'application/problem+json';
export const SESSION_COOKIE = 'sid';

/** An expected client error, answered as problem details on both variants. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export function sendProblem(reply: FastifyReply, status: number, title: string, detail: string, headers: Readonly<Record<string, string>> = {}): FastifyReply {
  return reply.code(status).headers(headers).type(PROBLEM_TYPE).send({ type: 'about:blank', title, status, detail });
}

export const badRequest = (detail: string): HttpProblem => new HttpProblem(400, 'Bad Request', detail);
export const notFound = (detail: string): HttpProblem => new HttpProblem(404, 'Not Found', detail);
export const forbidden = (detail: string): HttpProblem => new HttpProblem(403, 'Forbidden', detail);

const SID_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;

/** The `sid` cookie of a request, or null. */
export function sessionId(req: FastifyRequest): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return SID_SHAPE.test(value) ? value : null;
  }
  return null;
}

export function currentUser(ctx: LegacyContext, req: FastifyRequest): UserRow | null {
  const sid = sessionId(req);
  return sid === null ? null : (ctx.db.sessionUser(sid) ?? null);
}

export function requireUser(ctx: LegacyContext, req: FastifyRequest): UserRow {
  const user = currentUser(ctx, req);
  if (user === null) throw new HttpProblem(401, 'Unauthorized', 'log in first: POST /api/session with username and password sets the sid cookie');
  return user;
}

export const isAdmin = (user: UserRow): boolean => user.role === 'admin' || user.is_admin === 1;

/** The request body as a flat object (JSON object or parsed form); anything else is a 400. */
export function objectBody(req: FastifyRequest): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('send a JSON object or a form-encoded body');
  return body as Record<string, unknown>;
}

export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A string field of at most `max` characters (and at least `min`), or a 400 naming the field. */
export function textField(obj: Record<string, unknown>, key: string, min: number, max: number): string {
  const value = own(obj, key);
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw badRequest(`${key} must be a string of ${min} to ${max} characters`);
  }
  return value;
}

export function queryValue(req: FastifyRequest, name: string, maxLength: number): string | undefined {
  const query = req.query as Record<string, unknown> | undefined;
  const value = query !== undefined && Object.hasOwn(query, name) ? query[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`give the query parameter ${name} once`);
  if (value.length > maxLength) throw badRequest(`${name} is longer than ${maxLength} characters`);
  return value;
}

export const EMAIL = /^[^\s@]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}$/;
