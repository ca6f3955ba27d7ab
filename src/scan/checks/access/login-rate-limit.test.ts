import { afterEach, describe, expect, it } from 'vitest';
import { buildSchema, graphql } from 'graphql';
import { findLoginOperation } from './login-operation.js';
import { LOGIN_ATTEMPTS, loginRateLimitCheck } from './login-rate-limit.js';
import { NOTES_API, NOTE_TOKENS, startNotesApp } from './notes-fixtures.js';
import { graphqlApi, harness, jsonBody, operation, restApi, serve, USERS } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

const LOGIN = operation('POST', '/auth/signin', {
  id: 'signIn',
  requiresAuth: false,
  requestBody: jsonBody({ type: 'object', properties: { email: { type: 'string', format: 'email' }, password: { type: 'string' } } }),
});

describe('auth.no-login-rate-limit', () => {
  it('reports 30 failed logins for one made-up username all answered the same way', async () => {
    const app = await startNotesApp('vulnerable');
    open.push(app);
    const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS });
    const found = await h.run(loginRateLimitCheck);
    expect(found.map((f) => f.location)).toEqual(['POST /v1/session']);
    expect(h.client.stats.requests).toBe(LOGIN_ATTEMPTS);
    const logins = found[0].evidence.map((e) => JSON.parse(e.request.body ?? '{}') as { login: string; password: string });
    expect(new Set(logins.map((l) => l.login)).size).toBe(1);
    expect(logins[0].login).toMatch(/^herd-/);
    expect(new Set(logins.map((l) => l.password)).size).toBe(3);
  });

  it('stays silent when the login answers 429 with Retry-After, and stops sending at once', async () => {
    const app = await startNotesApp('fixed');
    open.push(app);
    const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS });
    expect(await h.run(loginRateLimitCheck)).toEqual([]);
    expect(h.client.stats.requests).toBe(6);
  });

  it('counts growing delays and lockout messages as protection', async () => {
    let slowed = 0;
    let locked = 0;
    const app = await serve((a) => {
      a.post('/auth/signin', async (_req, reply) => {
        // Answers slow down from the 26th failure on.
        await new Promise((r) => setTimeout(r, ++slowed > 25 ? 700 : 0));
        return reply.code(401).send({ error: 'invalid credentials' });
      });
      a.post('/auth/locking', async (_req, reply) => reply.code(401).send({ error: ++locked > 15 ? 'account locked, try again later' : 'wrong password' }));
    });
    open.push(app);
    const slow = harness({ api: restApi([LOGIN]), baseUrl: app.baseUrl, users: USERS, tokens: {} });
    expect(await slow.run(loginRateLimitCheck)).toEqual([]);
    const locking = harness({ api: restApi([{ ...LOGIN, id: 'lockingLogin', path: '/auth/locking' }]), baseUrl: app.baseUrl, users: USERS, tokens: {} });
    expect(await locking.run(loginRateLimitCheck)).toEqual([]);
  });

  it('does not report a login whose answers never reach the credential check', async () => {
    const app = await serve((a) => a.post('/auth/signin', async (_req, reply) => reply.code(400).send({ error: 'body must have a captchaToken' })));
    open.push(app);
    const h = harness({ api: restApi([LOGIN]), baseUrl: app.baseUrl, users: USERS, tokens: {} });
    expect(await h.run(loginRateLimitCheck)).toEqual([]);
    expect(h.client.stats.requests).toBe(1);
  });

  it('sends nothing in safe mode', async () => {
    const app = await startNotesApp('vulnerable');
    open.push(app);
    const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS, safe: true });
    expect(await h.run(loginRateLimitCheck)).toEqual([]);
    expect(h.client.stats.requests + h.client.stats.refused).toBe(0);
  });

  it('finds a GraphQL login mutation and tells refused logins from a limit', async () => {
    const sdl = 'type Query { ok: Boolean } type Mutation { signIn(input: Credentials!): Session } input Credentials { email: String! password: String! } type Session { token: String }';
    const schema = buildSchema(sdl);
    for (const limited of [false, true]) {
      let failures = 0;
      const app = await serve((a) =>
        a.post('/graphql', async (req) => {
          const body = req.body as { query: string; variables?: Record<string, unknown> };
          const rootValue = {
            signIn: () => {
              if (limited && ++failures > 5) throw new Error('too many attempts, try again in 60 s');
              throw new Error('invalid email or password');
            },
          };
          return graphql({ schema, source: body.query, rootValue, variableValues: body.variables });
        }),
      );
      open.push(app);
      const h = harness({ api: graphqlApi(sdl), baseUrl: app.baseUrl, users: USERS, tokens: {} });
      const found = await h.run(loginRateLimitCheck);
      expect(found.map((f) => f.location)).toEqual(limited ? [] : ['Mutation.signIn']);
    }
  });
});

describe('findLoginOperation', () => {
  it('knows logins by name and password field, and not look-alikes', () => {
    const body = jsonBody({ type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } });
    const find = (ops: ReturnType<typeof operation>[]) => {
      const h = harness({ api: restApi(ops), baseUrl: new URL('http://127.0.0.1:9'), users: USERS, tokens: {} });
      return findLoginOperation(h.ctx)?.op.id;
    };
    expect(find([operation('POST', '/api/authors', { id: 'createAuthor', requestBody: body })])).toBeUndefined();
    expect(find([operation('POST', '/users/password-reset', { id: 'resetPassword', requestBody: body })])).toBeUndefined();
    expect(find([operation('POST', '/oauth/token', { id: 'token', requestBody: body }), operation('POST', '/v2/logIn', { id: 'logIn', requestBody: body })])).toBe('logIn');
    expect(find([operation('POST', '/sessions', { id: 'createSession', requestBody: body })])).toBe('createSession');
    expect(find([operation('POST', '/sessions', { id: 'createSession', requestBody: jsonBody({ type: 'object', properties: { device: { type: 'string' } } }) })])).toBeUndefined();
  });
});
