import type { ChildProcess } from 'node:child_process';
import type { FastifyRequest } from 'fastify';
import type { LoginLimiter } from '../kit/login-limiter.js';
import { HttpProblem, badRequest } from '../kit/problem.js';
import { objectBody as bodyObject, queryValue } from '../kit/request-input.js';
import type { ProductsDb } from './products-db.js';
import type { RestState, UserDoc } from './state.js';
import type { Clock, TokenService } from './tokens.js';

/** What every route of the REST target needs: the variant, its records and its edges. */
export interface RestContext {
  readonly vulnerable: boolean;
  readonly clock: Clock;
  readonly state: RestState;
  readonly products: ProductsDb;
  readonly tokens: TokenService;
  readonly loginLimiter: LoginLimiter;
  /** Temp directory of this start (removed by close()); docs live in `<workDir>/docs`. */
  readonly workDir: string;
  readonly docsDir: string;
  /** Shell commands still running (killed by close()). */
  readonly children: Set<ChildProcess>;
  /** Hosts the fixed twin delivers test webhooks to. */
  readonly webhookHosts: readonly string[];
}

export { HttpProblem, PROBLEM_TYPE, badRequest, notFound, sendProblem } from '../kit/problem.js';
export { own, queryText, requiredQueryText } from '../kit/request-input.js';

const BEARER = /^Bearer +([A-Za-z0-9_\-.=+/]{1,8192})$/i;

/** The user a request's bearer token stands for, or null (no, bad or unknown token). */
export async function currentUser(ctx: RestContext, req: FastifyRequest): Promise<UserDoc | null> {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = BEARER.exec(header.trim());
  if (match === null) return null;
  const sub = await ctx.tokens.verify(match[1]);
  if (sub === null || !/^[1-9]\d{0,8}$/.test(sub)) return null;
  return ctx.state.users.get(Number(sub)) ?? null;
}

export async function requireUser(ctx: RestContext, req: FastifyRequest): Promise<UserDoc> {
  const user = await currentUser(ctx, req);
  if (user === null) {
    throw new HttpProblem(401, 'Unauthorized', 'send a valid bearer token (POST /api/auth/login gives one)', { 'WWW-Authenticate': 'Bearer' });
  }
  return user;
}

/** An integer query parameter in [min, max] (max may be Infinity), or the default when absent. */
export function queryInt(req: FastifyRequest, name: string, min: number, max: number, fallback: number): number {
  const raw = queryValue(req, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`${name} must be an integer of at least ${min}`);
  const value = Number(raw);
  if (value < min) throw badRequest(`${name} must be at least ${min}`);
  if (value > max) throw badRequest(`${name} must be at most ${max}`);
  return value;
}

/** A positive integer path id; anything else is a 400. */
export function pathId(raw: string, name: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw badRequest(`${name} must be a positive integer`);
  return Number(raw);
}

export const objectBody = (req: FastifyRequest): Record<string, unknown> => bodyObject(req, 'send a JSON object body');
