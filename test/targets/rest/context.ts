import type { ChildProcess } from 'node:child_process';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginLimiter } from './login-limiter.js';
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

export const PROBLEM_TYPE = 'application/problem+json';

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

function queryValue(req: FastifyRequest, name: string): string | undefined {
  const query = req.query as Record<string, unknown> | undefined;
  const value = query !== undefined && Object.hasOwn(query, name) ? query[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`give the query parameter ${name} once`);
  return value;
}

export function queryText(req: FastifyRequest, name: string, maxLength: number): string | undefined {
  const value = queryValue(req, name);
  if (value !== undefined && value.length > maxLength) throw badRequest(`${name} is longer than ${maxLength} characters`);
  return value;
}

export function requiredQueryText(req: FastifyRequest, name: string, maxLength: number): string {
  const value = queryText(req, name, maxLength);
  if (value === undefined || value === '') throw badRequest(`the query parameter ${name} is required`);
  return value;
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

export function objectBody(req: FastifyRequest): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('send a JSON object body');
  return body as Record<string, unknown>;
}

export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
