/**
 * The GraphQL checks on APIs shaped unlike the test target (a blog, an account admin, a member
 * directory, an SQL catalogue with masked errors, settings, profiles): each check fires on the
 * vulnerable form and stays silent on the correct one, including where a naive check would not
 * (public objects, filtered admin lists, one's own secrets, resolvers that refuse GET mutations).
 */
import Database from 'better-sqlite3';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../check.js';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { harness, miniHarness, type Harness, type MiniContext, type MiniServerOptions } from '../../graphql/test-kit.js';
import { graphqlBflaCheck } from './bfla.js';
import { graphqlBolaCheck } from './bola.js';
import { graphqlExposureCheck, sensitivityOf } from './excessive-exposure.js';
import { getMutationCheck } from './get-mutation.js';
import { graphqlMassAssignmentCheck } from './mass-assignment.js';
import { graphqlSqlInjectionCheck } from './sql-injection.js';
import { graphqlUnauthenticatedCheck } from './unauthenticated-access.js';
import { stackTraceOf } from './debug-errors.js';
import { graphqlChecks } from './index.js';

const IDS: Readonly<Record<string, string>> = { alice: '1', bob: '2', admin: '3' };
const NAMES: Readonly<Record<string, string>> = { '1': 'alice', '2': 'bob', '3': 'admin' };

function needUser(ctx: MiniContext): string {
  if (ctx.user === null || IDS[ctx.user] === undefined) throw new GraphQLError('unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } });
  return ctx.user;
}

/** Runs the check on both forms: the locations it reports on each. */
async function onBoth(make: (vulnerable: boolean) => MiniServerOptions, check: Check): Promise<{ vulnerable: string[]; fixed: string[] }> {
  const out = { vulnerable: [] as string[], fixed: [] as string[] };
  for (const vulnerable of [true, false]) {
    const h = await miniHarness(make(vulnerable));
    try {
      const found = await h.run(check);
      out[vulnerable ? 'vulnerable' : 'fixed'] = found.map((f) => `${f.location}${f.key !== undefined ? ` ${f.key}` : ''}`).sort();
    } finally {
      await h.close();
    }
  }
  return out;
}

function blog(vulnerable: boolean): MiniServerOptions {
  const posts = [{ id: 'p1', title: 'Hello', authorId: '1' }];
  const drafts = [
    { id: 'd1', text: 'alice draft', authorId: '1' },
    { id: 'd2', text: 'bob draft', authorId: '2' },
  ];
  let next = 10;
  const mine = (ctx: MiniContext, d: { authorId: string }) => vulnerable || d.authorId === IDS[needUser(ctx)];
  return {
    sdl: `
      type Query { me: User, user(id: ID!): User, posts: [Post!]!, post(id: ID!): Post, drafts: [Draft!]!, draft(id: ID!): Draft }
      type Mutation { createPost(title: String!): Post, createDraft(text: String!): Draft, updateDraft(id: ID!, text: String): Draft }
      type User { id: ID!, name: String! }
      type Post { id: ID!, title: String!, author: User! }
      type Draft { id: ID!, text: String!, author: User! }`,
    resolvers: {
      Query: {
        me: (_s, _a, ctx) => (ctx.user === null ? null : { id: IDS[ctx.user], name: ctx.user }),
        user: (_s, a) => (NAMES[String(a.id)] === undefined ? null : { id: String(a.id), name: NAMES[String(a.id)] }),
        posts: () => posts,
        post: (_s, a) => posts.find((p) => p.id === a.id) ?? null,
        drafts: (_s, _a, ctx) => drafts.filter((d) => d.authorId === IDS[needUser(ctx)]),
        draft: (_s, a, ctx) => {
          needUser(ctx);
          const d = drafts.find((x) => x.id === a.id);
          return d !== undefined && mine(ctx, d) ? d : null;
        },
      },
      Mutation: {
        createPost: (_s, a, ctx) => {
          const p = { id: `p${next++}`, title: String(a.title), authorId: IDS[needUser(ctx)] as string };
          posts.push(p);
          return p;
        },
        createDraft: (_s, a, ctx) => {
          const d = { id: `d${next++}`, text: String(a.text), authorId: IDS[needUser(ctx)] as string };
          drafts.push(d);
          return d;
        },
        updateDraft: (_s, a, ctx) => {
          needUser(ctx);
          const d = drafts.find((x) => x.id === a.id);
          if (d === undefined || !mine(ctx, d)) throw new GraphQLError('not found');
          if (typeof a.text === 'string') d.text = a.text;
          return d;
        },
      },
      Post: { author: (s) => ({ id: s.authorId, name: NAMES[String(s.authorId)] }) },
      Draft: { author: (s) => ({ id: s.authorId, name: NAMES[String(s.authorId)] }) },
    },
  };
}

describe('object-level authorization on a blog', () => {
  it("reports reading and changing another user's draft, never public posts or profiles", async () => {
    const r = await onBoth(blog, graphqlBolaCheck);
    expect(r.vulnerable).toEqual(['Mutation.updateDraft', 'Query.draft']);
    expect(r.fixed).toEqual([]);
  });

  it('reports no missing authentication where anonymous callers only get public posts', async () => {
    const r = await onBoth(blog, graphqlUnauthenticatedCheck);
    expect(r).toEqual({ vulnerable: [], fixed: [] });
  });
});

function notes(vulnerable: boolean): MiniServerOptions {
  const all = [
    { id: 1, text: 'alice note', owner: 'alice' },
    { id: 2, text: 'bob note', owner: 'bob' },
  ];
  return {
    sdl: `type Query { me: User, notes: [Note!]!, note(id: Int!): Note }
          type User { id: Int!, name: String! }
          type Note { id: Int!, text: String! }`,
    resolvers: {
      Query: {
        me: (_s, _a, ctx) => (ctx.user === null ? null : { id: Number(IDS[ctx.user]), name: ctx.user }),
        notes: (_s, _a, ctx) => all.filter((n) => n.owner === needUser(ctx)),
        note: (_s, a, ctx) => {
          const user = needUser(ctx);
          return all.find((n) => n.id === a.id && (vulnerable || n.owner === user)) ?? null;
        },
      },
    },
  };
}

describe('object-level authorization with integer ids', () => {
  it('sends ids as numbers to Int arguments and reports the open note', async () => {
    const r = await onBoth(notes, graphqlBolaCheck);
    expect(r.vulnerable).toEqual(['Query.note']);
    expect(r.fixed).toEqual([]);
  });
});

function accounts(vulnerable: boolean): MiniServerOptions {
  const all = [
    { id: '1', name: 'alice', role: 'user' },
    { id: '2', name: 'bob', role: 'user' },
    { id: '3', name: 'admin', role: 'admin' },
  ];
  const isAdmin = (ctx: MiniContext) => needUser(ctx) === 'admin';
  return {
    sdl: `
      type Query {
        me: Account
        "Every account (administrators only)."
        accounts: [Account!]!
        "Public: the shop's opening hours."
        hours: String
      }
      type Mutation {
        "Bans an account. Administrators only."
        banAccount(id: ID!): Boolean
      }
      type Account { id: ID!, name: String!, role: String! }`,
    resolvers: {
      Query: {
        me: (_s, _a, ctx) => all.find((x) => x.name === ctx.user) ?? null,
        // The correct form filters instead of refusing: a normal user gets their own account only.
        accounts: (_s, _a, ctx) => (vulnerable || isAdmin(ctx) ? all : all.filter((x) => x.name === ctx.user)),
        hours: () => '9-17',
      },
      Mutation: {
        banAccount: (_s, a, ctx) => {
          if (!vulnerable && !isAdmin(ctx)) throw new GraphQLError('forbidden', { extensions: { code: 'FORBIDDEN' } });
          if (!all.some((x) => x.id === a.id)) throw new GraphQLError(`no account ${String(a.id)}`);
          return true;
        },
      },
    },
  };
}

describe('function-level authorization on an account admin', () => {
  it('reports the admin list and the ban mutation open to normal users, not a list filtered to the caller', async () => {
    const r = await onBoth(accounts, graphqlBflaCheck);
    expect(r.vulnerable).toEqual(['Mutation.banAccount', 'Query.accounts']);
    expect(r.fixed).toEqual([]);
  });
});

function members(vulnerable: boolean): MiniServerOptions {
  const secret = (id: string) => ({ id, name: NAMES[id], apiKey: `ak_${id}_0123456789`, sessionToken: `st_${id}_abcdefghij`, passwordChangedAt: '2024-01-01', hasPassword: true });
  return {
    sdl: `
      type Query { me: Member, member(id: ID!): Member, feed: [Item!]! }
      type Member { id: ID!, name: String!, apiKey: String, sessionToken: String, passwordChangedAt: String, hasPassword: Boolean }
      type Item { id: ID!, title: String! }`,
    resolvers: {
      Query: {
        me: (_s, _a, ctx) => (ctx.user === null ? null : secret(IDS[ctx.user] as string)),
        member: (_s, a, ctx) => (needUser(ctx) && NAMES[String(a.id)] !== undefined ? secret(String(a.id)) : null),
        feed: () => [{ id: 'i1', title: 'news' }],
      },
      Member: {
        // Own secrets are shown to their owner in both forms; the vulnerable one leaks session tokens.
        apiKey: (s, _a, ctx) => (s.id === IDS[ctx.user ?? ''] ? s.apiKey : null),
        sessionToken: (s, _a, ctx) => (vulnerable || s.id === IDS[ctx.user ?? ''] ? s.sessionToken : null),
      },
    },
  };
}

describe('excessive data exposure in a member directory', () => {
  it("reports another member's session token, not one's own API key nor fields about secrets", async () => {
    const r = await onBoth(members, graphqlExposureCheck);
    expect(r.vulnerable).toEqual(['Member.sessionToken']);
    expect(r.fixed).toEqual([]);
  });

  it('tells secrets and credentials from names about them', () => {
    expect(sensitivityOf('passwordHash')).toBe('credential');
    expect(sensitivityOf('password_digest')).toBe('credential');
    expect(sensitivityOf('salt')).toBe('credential');
    expect(sensitivityOf('apiKey')).toBe('secret');
    expect(sensitivityOf('resetToken')).toBe('secret');
    expect(sensitivityOf('clientSecret')).toBe('secret');
    for (const name of ['passwordChangedAt', 'hasPassword', 'tokenExpiresAt', 'apiKeyId', 'footprint', 'secretQuestion', 'name', 'tokenCount']) {
      expect(sensitivityOf(name), name).toBeNull();
    }
  });
});

function catalogue(vulnerable: boolean): MiniServerOptions {
  const db = new Database(':memory:');
  db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, category TEXT); INSERT INTO items (name, category) VALUES ('a', 'tools'), ('b', 'tools'), ('c', 'toys');");
  // Database errors are masked in both forms: only a difference in answers can show an injection.
  const run = (sql: string, ...params: unknown[]) => {
    try {
      return db.prepare(sql).all(...params);
    } catch {
      throw new GraphQLError('Internal error');
    }
  };
  return {
    sdl: `type Query { items(category: String): [Item!]!, item(id: ID!): Item }
          type Item { id: ID!, name: String!, category: String! }`,
    resolvers: {
      Query: {
        items: (_s, a) =>
          a.category === undefined || a.category === null
            ? run('SELECT * FROM items')
            : vulnerable
              ? run(`SELECT * FROM items WHERE category = '${String(a.category)}'`)
              : run('SELECT * FROM items WHERE category = ?', String(a.category)),
        item: (_s, a) => (vulnerable ? run(`SELECT * FROM items WHERE id = ${String(a.id)}`) : run('SELECT * FROM items WHERE id = ?', String(a.id)))[0] ?? null,
      },
    },
  };
}

describe('SQL injection with masked database errors', () => {
  it('reports a string and an id argument from differences in the answers alone', async () => {
    const r = await onBoth(catalogue, graphqlSqlInjectionCheck);
    expect(r.vulnerable).toEqual(['Query.item id', 'Query.items category']);
    expect(r.fixed).toEqual([]);
  });
});

function settings(vulnerable: boolean): MiniServerOptions {
  let theme = 'light';
  return {
    sdl: `type Query { me: Settings }
          type Mutation { updateSettings(input: SettingsInput!): Settings }
          input SettingsInput { theme: String }
          type Settings { theme: String! }`,
    // The server executes GET mutations at the GraphQL layer; the correct form's resolvers refuse them.
    getMutations: true,
    resolvers: {
      Query: { me: () => ({ theme }) },
      Mutation: {
        updateSettings: (_s, a, ctx) => {
          if (!vulnerable && ctx.method !== 'POST') throw new GraphQLError('mutations need POST');
          const input = a.input as { theme?: string };
          if (typeof input.theme === 'string') theme = input.theme;
          return { theme };
        },
      },
    },
  };
}

describe('mutations from cross-site requests', () => {
  it('reports GET mutations only when a real mutation runs, not when only `mutation { __typename }` does', async () => {
    const r = await onBoth(settings, getMutationCheck);
    expect(r.vulnerable).toEqual(['GET /graphql']);
    expect(r.fixed).toEqual([]);
  });
});

function profiles(vulnerable: boolean): MiniServerOptions {
  const store: Record<string, { id: string; name: string; isAdmin: boolean; role: string }> = {
    alice: { id: '1', name: 'alice', isAdmin: false, role: 'user' },
    bob: { id: '2', name: 'bob', isAdmin: false, role: 'user' },
    admin: { id: '3', name: 'admin', isAdmin: true, role: 'admin' },
  };
  return {
    sdl: `type Query { me: Profile }
          type Mutation { updateMe(name: String, isAdmin: Boolean, input: Prefs): Profile }
          input Prefs { theme: String, role: String }
          type Profile { id: ID!, name: String!, isAdmin: Boolean!, role: String! }`,
    resolvers: {
      Query: { me: (_s, _a, ctx) => (ctx.user === null ? null : store[ctx.user]) },
      Mutation: {
        updateMe: (_s, a, ctx) => {
          const me = store[needUser(ctx)] as { name: string; isAdmin: boolean };
          if (typeof a.name === 'string') me.name = a.name;
          // `role` in Prefs is ignored in both forms; the vulnerable one applies isAdmin from anyone.
          if (typeof a.isAdmin === 'boolean' && (vulnerable || me.isAdmin)) me.isAdmin = a.isAdmin;
          return me;
        },
      },
    },
  };
}

describe('mass assignment on profiles', () => {
  it('reports the privileged argument that sticks, not the one that is ignored', async () => {
    const r = await onBoth(profiles, graphqlMassAssignmentCheck);
    expect(r.vulnerable).toEqual(['Mutation.updateMe isAdmin']);
    expect(r.fixed).toEqual([]);
  });

  it('puts the original value back after proving it', async () => {
    const h: Harness = await miniHarness(profiles(true));
    try {
      await h.run(graphqlMassAssignmentCheck);
      const me = await fetch(new URL('/graphql', h.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer alice' }, body: JSON.stringify({ query: '{ me { isAdmin } }' }) });
      expect(await me.json()).toEqual({ data: { me: { isAdmin: false } } });
    } finally {
      await h.close();
    }
  });
});

describe('stack traces in errors', () => {
  const ex = (body: string) => ({ request: { method: 'POST', url: 'http://x/graphql', headers: {} }, response: { status: 200, headers: {}, body, truncated: false, timeMs: 1 } });
  it('recognises the frames of common runtimes', () => {
    expect(stackTraceOf(ex(JSON.stringify({ errors: [{ message: 'x', extensions: { exception: { stacktrace: ['TypeError: x', '    at rowId (/srv/app/resolvers.js:62:42)'] } } }] })))).toContain('resolvers.js:62:42');
    expect(stackTraceOf(ex('Traceback (most recent call last):\n  File "/app/schema.py", line 12, in resolve_x'))).not.toBeNull();
    expect(stackTraceOf(ex(JSON.stringify({ errors: [{ message: 'boom\n\tat com.shop.OrderService.find(OrderService.java:41)' }] })))).toContain('OrderService.java:41');
    expect(stackTraceOf(ex('panic: nil map\n\ngoroutine 7 [running]:\nmain.main()'))).not.toBeNull();
  });

  it('ignores ordinary error messages', () => {
    for (const m of ['not found: no order with this id', 'Internal server error', 'Cannot query field "x" on type "Query".', 'meet at 10:30:00 at the office']) {
      expect(stackTraceOf(ex(JSON.stringify({ errors: [{ message: m }] }))), m).toBeNull();
    }
  });
});

describe('a plain API with nothing wrong', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await miniHarness({
      sdl: `type Query { hello(name: String): String, now: String }`,
      resolvers: { Query: { hello: (_s, a) => `hello ${typeof a.name === 'string' ? a.name.slice(0, 10) : 'you'}`, now: () => '2024-01-01' } },
      rules: [],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gets no access or injection finding', async () => {
    for (const check of graphqlChecks.filter((c) => !c.id.startsWith('graphql.'))) expect(await h.run(check), check.id).toEqual([]);
  });
});

describe('a hostile server', () => {
  it('makes no check throw, hang or report', async () => {
    const bodies = [
      'not json',
      '[{"data": {"__typename": 5}}]',
      '{"data": null, "errors": "nope"}',
      '{"data": {"me": {"id": {"$gt": ""}, "role": ["admin"]}}}',
      `{"data": {"orders": ${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      `{"data": {"me": ${'{"best":'.repeat(3000)}null${'}'.repeat(3000)}}}`,
      '{"errors": [{"message": {"toString": 1}, "path": "me", "extensions": []}]}',
      '{"data": {"__schema": {"types": "many"}}}',
    ];
    let n = 0;
    const app = Fastify({ logger: false });
    app.all('/graphql', async (_req, reply) => reply.type('application/json').send(bodies[n++ % bodies.length]));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    const h = await harness(url, [{ name: 'alice', role: 'user', auth: { bearer: 'alice' } }, { name: 'root', role: 'admin', auth: { bearer: 'root' } }], {
      sdl: `type Query { me: User, orders(search: String): [Order!], order(id: ID!): Order, users: [User!] }
            type Mutation { updateMe(role: String, input: I): User, deleteUser(id: ID!): Boolean, createOrder(note: String): Order }
            input I { isAdmin: Boolean }
            type User { id: ID!, role: String, apiKey: String, best: User, orders: [Order!] }
            type Order { id: ID!, owner: User, note: String }`,
      endpoint: '/graphql',
      budget: 1500,
    });
    try {
      for (const check of graphqlChecks) expect(await h.run(check), check.id).toEqual([]);
    } finally {
      await h.close();
      await app.close();
    }
  });
});
