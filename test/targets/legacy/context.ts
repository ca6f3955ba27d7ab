import type { FastifyRequest } from 'fastify';
import type { Clock } from '../kit/clock.js';
import type { LoginLimiter } from '../kit/login-limiter.js';
import { HttpProblem, badRequest } from '../kit/problem.js';
import { objectBody as bodyObject, own } from '../kit/request-input.js';
import type { LegacyDb, UserRow } from './db.js';

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

export type { Clock } from '../kit/clock.js';
export { HttpProblem, PROBLEM_TYPE, badRequest, forbidden, notFound, sendProblem } from '../kit/problem.js';
export { own, queryText, requiredQueryText } from '../kit/request-input.js';

export const SESSION_COOKIE = 'sid';

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
export const objectBody = (req: FastifyRequest): Record<string, unknown> => bodyObject(req, 'send a JSON object or a form-encoded body');

/** A string field of at most `max` characters (and at least `min`), or a 400 naming the field. */
export function textField(obj: Record<string, unknown>, key: string, min: number, max: number): string {
  const value = own(obj, key);
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw badRequest(`${key} must be a string of ${min} to ${max} characters`);
  }
  return value;
}

export const EMAIL = /^[^\s@]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}$/;
