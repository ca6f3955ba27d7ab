import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { graphqlApiOf } from '../graphql/load.js';
import { HttpScanClient } from '../http/scan-client.js';
import { autoGraphqlUsers, graphqlSignupAndLogin } from './auto-graphql-users.js';
import { UserCredentials } from './credentials.js';

/** A DVGA-like API: createUser(userData: {username, email, password}), login(username, password) { accessToken }. */
const DVGA_LIKE = `
  type Query { me: User, pastes: [String] }
  type Mutation {
    createUser(userData: UserInput!): CreateUser
    login(username: String!, password: String!): Login
    resetPassword(username: String!, password: String!): Boolean
  }
  input UserInput { username: String!, email: String!, password: String! }
  type CreateUser { user: User }
  type Login { accessToken: String, refreshToken: String }
  type User { id: ID!, username: String! }
`;

/** E-mail accounts, an input object for both, and the token as the login's plain String. */
const EMAIL_ONLY = `
  type Query { me: User }
  type Mutation { signUp(input: SignUpInput!): User, signIn(input: SignInInput!): String }
  input SignUpInput { email: String!, password: String!, displayName: String! }
  input SignInInput { email: String!, password: String! }
  type User { id: ID!, username: String! }
`;

interface Account {
  readonly name: string;
  readonly password: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(sdl: string, options: { registrationClosed?: boolean } = {}): Promise<{ base: URL; accounts: Map<string, Account>; schema: GraphQLSchema }> {
  const schema = buildSchema(sdl);
  const accounts = new Map<string, Account>();
  const tokens = new Map<string, string>();
  const issue = (name: string): string => {
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(12).toString('base64url')}.sig`;
    tokens.set(token, name);
    return token;
  };
  const signIn = (key: string, password: string): string | null => (accounts.get(key)?.password === password ? issue(accounts.get(key)!.name) : null);
  const rootValue = {
    createUser: ({ userData }: { userData: { username: string; email: string; password: string } }) => {
      if (options.registrationClosed === true) throw new Error('registration is closed');
      accounts.set(userData.username, { name: userData.username, password: userData.password });
      return { user: { id: String(accounts.size), username: userData.username } };
    },
    login: ({ username, password }: { username: string; password: string }) => {
      const token = signIn(username, password);
      return token === null ? null : { accessToken: token, refreshToken: issue(username) };
    },
    signUp: ({ input }: { input: { email: string; password: string; displayName: string } }) => {
      accounts.set(input.email, { name: input.email, password: input.password });
      return { id: String(accounts.size), username: input.email };
    },
    signIn: ({ input }: { input: { email: string; password: string } }) => signIn(input.email, input.password),
    me: (_: unknown, ctx: { user?: string }) => (ctx.user === undefined ? null : { id: '1', username: ctx.user }),
  };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(text || '{}') as { query?: string; variables?: Record<string, unknown> };
      const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      void graphql({ schema, source: body.query ?? '', rootValue, variableValues: body.variables ?? {}, contextValue: { user } }).then((r) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(r));
      });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { base: new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`), accounts, schema };
}

function client(base: URL, credentials?: UserCredentials): HttpScanClient {
  return new HttpScanClient({ baseUrl: base, budget: 100, ratePerSecond: 0, concurrency: 2, timeoutMs: 2000, maxBodyBytes: 1 << 20, safe: false, ...(credentials ? { credentials } : {}) });
}

async function meOf(base: URL, users: Awaited<ReturnType<typeof autoGraphqlUsers>>): Promise<unknown[]> {
  const credentials = new UserCredentials([], base);
  credentials.add(users);
  const authed = client(base, credentials);
  const out: unknown[] = [];
  for (const u of users) {
    const ex = await authed.send({ method: 'POST', url: new URL('/graphql', base).toString(), headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { username } }"}' }, { as: u.name });
    out.push(JSON.parse(ex.response!.body));
  }
  return out;
}

describe('signing GraphQL scan users up when none are given', () => {
  it('registers two users through createUser(userData:) and logs them in with the login mutation token', async () => {
    const t = await serve(DVGA_LIKE);
    const api = graphqlApiOf(t.schema, '/graphql', 'introspection');
    const users = await autoGraphqlUsers({ api, baseUrl: t.base, send: (r) => client(t.base).sendRaw(r) });
    expect(users.map((u) => u.name)).toEqual([expect.stringMatching(/^herda/), expect.stringMatching(/^herdb/)]);
    expect([...t.accounts.keys()]).toEqual(users.map((u) => u.name));
    expect(users[0]!.auth).toMatchObject({ login: { path: '/graphql', tokenPath: 'data.login.accessToken' } });
    expect(await meOf(t.base, users)).toEqual(users.map((u) => ({ data: { me: { username: u.name } } })));
  });

  it('fills input objects (e-mail accounts) and takes a token the login answers as a plain string', async () => {
    const t = await serve(EMAIL_ONLY);
    const api = graphqlApiOf(t.schema, '/graphql', 'introspection');
    const users = await autoGraphqlUsers({ api, baseUrl: t.base, send: (r) => client(t.base).sendRaw(r) });
    expect(users).toHaveLength(2);
    expect(users[0]!.auth).toMatchObject({ login: { tokenPath: 'data.signIn' } });
    expect(await meOf(t.base, users)).toEqual(users.map((u) => ({ data: { me: { username: `${u.name}@example.com` } } })));
  });

  it('does nothing when the schema has no way to sign up, and never takes a password reset for a sign-up', async () => {
    const noSignup = buildSchema(`type Query { me: String } type Mutation { login(username: String!, password: String!): String, resetPassword(username: String!, password: String!): Boolean }`);
    expect(graphqlSignupAndLogin(noSignup)).toBeUndefined();
    const api = graphqlApiOf(noSignup, '/graphql', 'introspection');
    expect(await autoGraphqlUsers({ api, baseUrl: new URL('http://127.0.0.1:9'), send: () => Promise.reject(new Error('must not send')) })).toEqual([]);
    expect(graphqlSignupAndLogin(buildSchema(DVGA_LIKE))).toMatchObject({ register: { field: { name: 'createUser' }, wrapper: 'userData' }, login: { field: { name: 'login' } } });
  });

  it('gives up without users when registration answers errors', async () => {
    const t = await serve(DVGA_LIKE, { registrationClosed: true });
    const api = graphqlApiOf(t.schema, '/graphql', 'introspection');
    expect(await autoGraphqlUsers({ api, baseUrl: t.base, send: (r) => client(t.base).sendRaw(r) })).toEqual([]);
    expect(t.accounts.size).toBe(0);
  });
});
