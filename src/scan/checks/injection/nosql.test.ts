import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { nosqlInjection } from './nosql.js';
import { client, context, listen, operation, query, restApi, sample } from './test-kit.js';

type Doc = Record<string, string>;

const USERS: Doc[] = [
  { username: 'alice', password: 'alice-pw', role: 'user' },
  { username: 'bob', password: 'bob-pw', role: 'user' },
  { username: 'carol', password: 'carol-pw', role: 'user' },
  { username: 'root', password: 'root-pw', role: 'admin' },
];

/** Equality, or the operators $ne, $gt and $regex on object values — what a document database does. */
function matches(doc: Doc, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    const value = doc[key];
    if (typeof cond !== 'object' || cond === null) return value === cond;
    return Object.entries(cond).every(([op, arg]) => {
      if (op === '$ne') return value !== arg;
      if (op === '$gt') return typeof arg === 'string' && value > arg;
      if (op === '$regex') return typeof arg === 'string' && new RegExp(arg).test(value);
      return false;
    });
  });
}

/** `role[$ne]=x` → {role: {$ne: 'x'}}, the nesting qs and PHP apply to query strings. */
function nestedQuery(search: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const m = /^([^[]+)\[([^\]]*)\]$/.exec(k);
    if (m === null) out[k] = v;
    else out[m[1]] = { ...((out[m[1]] as Record<string, unknown> | undefined) ?? {}), [m[2]]: v };
  }
  return out;
}

type Variant = 'vulnerable' | 'fixed' | 'stringified';

function app(variant: Variant): FastifyInstance {
  const f = Fastify({ querystringParser: nestedQuery });
  f.post<{ Body: Record<string, unknown> }>('/api/login', async (req, reply) => {
    let { username, password } = req.body;
    if (variant === 'fixed' && (typeof username !== 'string' || typeof password !== 'string')) return reply.code(400).send({ error: 'strings expected' });
    if (variant === 'stringified') [username, password] = [String(username), String(password)];
    const user = USERS.find((u) => matches(u, { username, password }));
    if (user === undefined) return reply.code(401).send({ error: 'invalid credentials' });
    return { token: `t-${user.username}-${Date.now()}`, user: { name: user.username } };
  });
  f.get<{ Querystring: Record<string, unknown> }>('/api/users', async (req) => {
    const role = req.query.role;
    if (variant !== 'vulnerable' && typeof role !== 'string') return { items: USERS.map((u) => ({ name: u.username })) };
    return { items: USERS.filter((u) => matches(u, { role })).map((u) => ({ name: u.username })) };
  });
  return f;
}

const loginOp = operation('POST', '/api/login', { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });
const usersOp = operation('GET', '/api/users', { parameters: [query('role')] });

async function scan(variant: Variant) {
  const f = app(variant);
  const url = await listen(f);
  try {
    const c = client(url);
    const samples = [
      await sample(c, url, loginOp, { path: '/api/login', json: { username: 'alice', password: 'alice-pw' } }),
      await sample(c, url, usersOp, { path: '/api/users?role=admin' }),
    ];
    const { ctx, findings } = context({ api: restApi([loginOp, usersOp]), baseUrl: url, client: c, samples });
    await nosqlInjection.run(ctx);
    return findings;
  } finally {
    await f.close();
  }
}

describe('injection.nosql', () => {
  it('reports a login that a wrong password fails but {"$ne": null} passes, and a filter that $ne widens', async () => {
    const findings = await scan('vulnerable');
    expect(findings.map((f) => [f.location, f.key]).sort()).toEqual([
      ['GET /api/users', 'query:role'],
      ['POST /api/login', 'json:password'],
      ['POST /api/login', 'json:username'],
    ]);
    const login = findings.find((f) => f.key === 'json:password')!;
    expect(login.detail).toMatch(/\{"\$ne":null\}.*wrong value got HTTP 401/);
    const filter = findings.find((f) => f.key === 'query:role')!;
    expect(filter.detail).toMatch(/role\[\$ne\]=.* lists 4 items where the value itself gives 1/);
  });

  it('stays silent when objects are rejected with 400 or a filter ignores them', async () => {
    expect(await scan('fixed')).toEqual([]);
  });

  it('stays silent when the API turns objects into strings', async () => {
    expect(await scan('stringified')).toEqual([]);
  });
});
