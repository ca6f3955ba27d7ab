import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpProblem, badRequest, notFound, objectBody, own, pathId, requireUser, type RestContext } from './context.js';
import { findOne } from './mongo-match.js';
import { findUserByUsername, type UserDoc } from './state.js';
import { TOKEN_LIFETIME_SECONDS } from './tokens.js';

/**
 * Login, profiles and user administration. Flaws on the vulnerable variant: NoSQL injection and no
 * rate limit on login, mass assignment on PATCH /api/users/me, secrets in profile responses,
 * admin routes open to every user, and a forgotten /api/v1/users.
 */

const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;
/** Fields a PATCH must never overwrite, even on the vulnerable variant (they key the records). */
const IMMUTABLE = new Set(['id', 'username', '__proto__', 'constructor', 'prototype']);

const publicView = (u: UserDoc) => ({ id: u.id, name: u.name, email: u.email });
const selfView = (u: UserDoc) => ({ id: u.id, username: u.username, name: u.name, email: u.email, role: u.role });
const adminView = (u: UserDoc) => ({ ...selfView(u), createdAt: u.createdAt });

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

const invalidCredentials = (): HttpProblem => new HttpProblem(401, 'Unauthorized', 'username or password is wrong');

export function registerUserRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { state } = ctx;

  async function issueFor(user: UserDoc) {
    const token = await ctx.tokens.issue({ sub: String(user.id), username: user.username, role: String(user.role) });
    return { token, tokenType: 'Bearer', expiresIn: TOKEN_LIFETIME_SECONDS };
  }

  app.post('/api/auth/login', async (req) => {
    const body = objectBody(req);
    const username = own(body, 'username');
    const password = own(body, 'password');
    if (username === undefined || password === undefined) throw badRequest('send {"username": ..., "password": ...}');

    if (ctx.vulnerable) {
      // The flaw: the body's values become the filter, operators and all.
      const credential = findOne(state.credentials, { username, password });
      const user = credential === undefined ? undefined : findUserByUsername(state, credential.username);
      if (user === undefined) throw invalidCredentials();
      return issueFor(user);
    }

    if (typeof username !== 'string' || typeof password !== 'string') throw badRequest('username and password must be strings');
    if (username.length === 0 || username.length > 200 || password.length > 200) throw badRequest('username and password must be 1 to 200 characters');
    const wait = ctx.loginLimiter.retryAfter(username);
    if (wait > 0) {
      throw new HttpProblem(429, 'Too Many Requests', `too many failed logins for this username; retry in ${wait} s`, { 'Retry-After': String(wait) });
    }
    const credential = state.credentials.find((c) => c.username === username);
    const user = findUserByUsername(state, username);
    if (credential === undefined || user === undefined || !sameSecret(credential.password, password)) {
      ctx.loginLimiter.recordFailure(username);
      throw invalidCredentials();
    }
    return issueFor(user);
  });

  app.get('/api/users/me', async (req) => {
    const user = await requireUser(ctx, req);
    return ctx.vulnerable ? user : selfView(user);
  });

  app.patch('/api/users/me', async (req) => {
    const user = await requireUser(ctx, req);
    const body = objectBody(req);
    const name = own(body, 'name');
    const email = own(body, 'email');
    if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 100)) throw badRequest('name must be a string of 1 to 100 characters');
    if (email !== undefined && (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email))) throw badRequest('email must be an email address');
    if (ctx.vulnerable) {
      // The flaw: every field of the body is merged into the stored user.
      for (const key of Object.keys(body)) if (!IMMUTABLE.has(key)) user[key] = body[key];
      return user;
    }
    if (typeof name === 'string') user.name = name;
    if (typeof email === 'string') user.email = email;
    return selfView(user);
  });

  app.get<{ Params: { id: string } }>('/api/users/:id', async (req) => {
    await requireUser(ctx, req);
    const user = state.users.get(pathId(req.params.id, 'id'));
    if (user === undefined) throw notFound('no user with this id');
    return ctx.vulnerable ? user : publicView(user);
  });

  app.get('/api/admin/users', async (req) => {
    const caller = await requireUser(ctx, req);
    if (!ctx.vulnerable && caller.role !== 'admin') throw new HttpProblem(403, 'Forbidden', 'this needs the admin role');
    return { items: [...state.users.values()].map(adminView) };
  });

  app.delete<{ Params: { id: string } }>('/api/admin/users/:id', async (req, reply) => {
    const caller = await requireUser(ctx, req);
    if (!ctx.vulnerable && caller.role !== 'admin') throw new HttpProblem(403, 'Forbidden', 'this needs the admin role');
    const id = pathId(req.params.id, 'id');
    const user = state.users.get(id);
    if (user === undefined) throw notFound('no user with this id');
    state.users.delete(id);
    state.credentials = state.credentials.filter((c) => c.username !== user.username);
    return reply.code(204).send();
  });

  if (ctx.vulnerable) {
    // API v1, removed from the documentation but never from the server.
    app.get('/api/v1/users', async () => [...state.users.values()].map((u) => ({ ...adminView(u), apiKey: u.apiKey })));
  }
}
