import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildSchema, graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphqlApi } from '../../model.js';
import { sqlInjection } from './sql.js';
import { client, context, listen, operation, pathParam, query, restApi, sample } from './test-kit.js';

/** A product table in SQLite, with PostgreSQL's `pg_sleep(seconds)` as a table-valued function. */
function productsDb(): Database.Database {
  const db = new Database(':memory:');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  db.table('pg_sleep', {
    columns: ['pg_sleep'],
    parameters: ['seconds'],
    *rows(seconds: unknown) {
      // Blocks the whole test process, as a busy database would block its client's request.
      Atomics.wait(pause, 0, 0, Math.min(Number(seconds), 5) * 1000);
      yield { pg_sleep: null };
    },
  });
  db.exec('CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO products (name) VALUES (?)');
  for (let i = 1; i <= 60; i++) insert.run(`${['Lamp', 'Kettle', 'Chair'][i % 3]} ${i}`);
  return db;
}

/** The same routes, concatenating (vulnerable) or binding (fixed). */
function app(vulnerable: boolean): FastifyInstance {
  const db = productsDb();
  const f = Fastify();
  const rows = (sql: string, bound: string, params: unknown[]): unknown[] => (vulnerable ? db.prepare(sql).all() : db.prepare(bound).all(...params));
  // Error-based: the SQLite message goes back to the client (on both: the fixed one never errs).
  f.get<{ Querystring: { search?: string } }>('/api/products', async (req, reply) => {
    const s = req.query.search ?? '';
    try {
      const items = rows(`SELECT id, name FROM products WHERE name LIKE '%${s}%' ORDER BY id LIMIT 20`, "SELECT id, name FROM products WHERE name LIKE '%' || ? || '%' ORDER BY id LIMIT 20", [s]);
      return { items, generatedAt: new Date().toISOString(), requestId: Math.random().toString(36) };
    } catch (err) {
      return reply.code(500).send({ error: (err as Error).message });
    }
  });
  // Blind: errors are generic, only the result tells.
  f.get<{ Querystring: { name?: string } }>('/api/blind', async (req, reply) => {
    const s = req.query.name ?? '';
    try {
      return { items: rows(`SELECT id, name FROM products WHERE name = '${s}'`, 'SELECT id, name FROM products WHERE name = ?', [s]) };
    } catch {
      return reply.code(500).send({ error: 'internal error' });
    }
  });
  f.get<{ Params: { id: string } }>('/api/items/:id', async (req, reply) => {
    try {
      const found = rows(`SELECT id, name FROM products WHERE id = ${req.params.id}`, 'SELECT id, name FROM products WHERE id = ?', [Number(req.params.id)]);
      return found.length === 0 ? reply.code(404).send({ error: 'not found' }) : found[0];
    } catch {
      return reply.code(500).send({ error: 'internal error' });
    }
  });
  // Fully blind: the answer never depends on the query, only its duration can.
  f.get<{ Querystring: { ref?: string } }>('/api/track', async (req) => {
    const s = req.query.ref ?? '';
    try {
      rows(`SELECT count(*) FROM products WHERE name LIKE '${s}'`, 'SELECT count(*) FROM products WHERE name LIKE ?', [s]);
    } catch {
      // swallowed
    }
    return { received: true };
  });
  // Reflects its input, with volatile fields: a parameterized search must stay silent.
  f.post<{ Body: { title?: string } }>('/api/notes/search', async (req) => {
    const t = String(req.body.title ?? '');
    return { query: t, at: Date.now(), items: vulnerable ? [] : db.prepare('SELECT id FROM products WHERE name = ?').all(t) };
  });
  return f;
}

const searchOp = operation('GET', '/api/products', { parameters: [query('search')] });
const blindOp = operation('GET', '/api/blind', { parameters: [query('name')] });
const itemOp = operation('GET', '/api/items/{id}', { parameters: [pathParam('id', { type: 'integer' })] });
const trackOp = operation('GET', '/api/track', { parameters: [query('ref')] });
const notesOp = operation('POST', '/api/notes/search', { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });

async function scan(vulnerable: boolean, ops: 'search' | 'blind' | 'blind-empty' | 'item' | 'track' | 'notes' | 'optional', safe = false) {
  const f = app(vulnerable);
  const url = await listen(f);
  try {
    const sampler = client(url);
    const c = client(url, { safe });
    const samples = [];
    if (ops === 'search') samples.push(await sample(sampler, url, searchOp, { path: '/api/products?search=Lamp' }));
    if (ops === 'optional') samples.push(await sample(sampler, url, searchOp, { path: '/api/products' }));
    if (ops === 'blind') samples.push(await sample(sampler, url, blindOp, { path: '/api/blind?name=Lamp%203' }));
    if (ops === 'blind-empty') samples.push(await sample(sampler, url, blindOp, { path: '/api/blind?name=nothing' }));
    if (ops === 'item') samples.push(await sample(sampler, url, itemOp, { path: '/api/items/7', pathValues: { id: '7' } }));
    if (ops === 'track') samples.push(await sample(sampler, url, trackOp, { path: '/api/track?ref=Lamp%25' }));
    if (ops === 'notes') samples.push(await sample(sampler, url, notesOp, { path: '/api/notes/search', json: { title: 'Lamp 3' } }));
    const { ctx, findings } = context({ api: restApi([searchOp, blindOp, itemOp, trackOp, notesOp]), baseUrl: url, client: c, samples, safe });
    await sqlInjection.run(ctx);
    return { findings, requests: c.stats.requests };
  } finally {
    await f.close();
  }
}

describe('injection.sql', () => {
  it('reports the SQLite syntax error a quote causes in a concatenated search', async () => {
    const { findings } = await scan(true, 'search');
    expect(findings).toHaveLength(1);
    expect(findings[0].location).toBe('GET /api/products');
    expect(findings[0].key).toBe('query:search');
    expect(findings[0].detail).toMatch(/SQLite syntax error/);
    expect(findings[0].evidence.length).toBeGreaterThanOrEqual(2);
  });

  it('finds an optional search parameter that the sample left out', async () => {
    const { findings } = await scan(true, 'optional');
    expect(findings.map((f) => f.key)).toEqual(['query:search']);
  });

  it('stays silent on the same search with a bound parameter, despite volatile fields', async () => {
    const { findings, requests } = await scan(false, 'search');
    expect(findings).toEqual([]);
    expect(requests).toBeLessThanOrEqual(14);
  });

  it('finds a blind injection by a true and a false condition when errors are hidden', async () => {
    const { findings } = await scan(true, 'blind');
    expect(findings).toHaveLength(1);
    expect(findings[0].detail).toMatch(/same answer/);
  });

  it('finds a blind injection whose baseline is empty with OR conditions on a GET', async () => {
    const { findings } = await scan(true, 'blind-empty');
    expect(findings).toHaveLength(1);
    expect(findings[0].detail).toMatch(/OR 'x' LIKE/);
  });

  it('finds a numeric path parameter evaluated as SQL', async () => {
    const { findings } = await scan(true, 'item');
    expect(findings.map((f) => f.key)).toEqual(['path:id']);
  });

  it('stays silent on blind and numeric routes that bind their parameters', async () => {
    expect((await scan(false, 'blind')).findings).toEqual([]);
    expect((await scan(false, 'blind-empty')).findings).toEqual([]);
    expect((await scan(false, 'item')).findings).toEqual([]);
  });

  it('finds a fully blind injection by the delay of a sleep function, confirmed twice', async () => {
    const { findings } = await scan(true, 'track');
    expect(findings).toHaveLength(1);
    expect(findings[0].detail).toMatch(/PostgreSQL sleep .* twice/);
    expect(findings[0].evidence).toHaveLength(4);
  }, 60_000);

  it('stays silent on a fully blind route that binds its parameter', async () => {
    expect((await scan(false, 'track')).findings).toEqual([]);
  });

  it('stays silent on a route that echoes the input with a timestamp', async () => {
    expect((await scan(true, 'notes')).findings).toEqual([]);
    expect((await scan(false, 'notes')).findings).toEqual([]);
  });

  it('sends nothing to a POST operation in safe mode', async () => {
    const { requests } = await scan(true, 'notes', true);
    expect(requests).toBe(0);
  });
});

describe('injection.sql on GraphQL', () => {
  const sdl = 'type Product { id: Int!, name: String! }\ntype Query { products(search: String, limit: Int): [Product!]! }';
  let servers: { url: URL; close: () => Promise<void>; vulnerable: boolean }[] = [];

  beforeAll(async () => {
    servers = await Promise.all(
      [true, false].map(async (vulnerable) => {
        const db = productsDb();
        const schema = buildSchema(sdl);
        const root = {
          products: ({ search, limit }: { search?: string; limit?: number }) =>
            vulnerable
              ? db.prepare(`SELECT id, name FROM products WHERE name LIKE '%${search ?? ''}%' LIMIT ${limit ?? 10}`).all()
              : db.prepare("SELECT id, name FROM products WHERE name LIKE '%' || ? || '%' LIMIT ?").all(search ?? '', limit ?? 10),
        };
        const f = Fastify();
        f.post<{ Body: { query: string; variables?: Record<string, unknown> } }>('/graphql', async (req) =>
          graphql({ schema, source: req.body.query, rootValue: root, variableValues: req.body.variables }),
        );
        const url = await listen(f);
        return { url, close: () => f.close(), vulnerable };
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const op = { ...operation('POST', '/graphql', { id: 'Query.products' }) };
  const api = (): GraphqlApi => ({ kind: 'graphql', title: 't', source: 'sdl', endpoint: '/graphql', sdl, operations: [op] });

  it('finds the SQLite error of an inline string argument and stays silent when it is bound', async () => {
    for (const s of servers) {
      const c = client(s.url);
      const samples = [await sample(c, s.url, op, { path: '/graphql', json: { query: '{ products(search: "Lamp", limit: 5) { id name } }' } })];
      const { ctx, findings } = context({ api: api(), baseUrl: s.url, client: c, samples });
      await sqlInjection.run(ctx);
      if (s.vulnerable) {
        expect(findings.map((f) => [f.location, f.key])).toEqual([['Query.products', 'graphql:products.search']]);
      } else expect(findings).toEqual([]);
    }
  });

  it('finds the injection through a GraphQL variable', async () => {
    const s = servers.find((x) => x.vulnerable)!;
    const c = client(s.url);
    const samples = [
      await sample(c, s.url, op, { path: '/graphql', json: { query: 'query Q($s: String) { products(search: $s) { id name } }', variables: { s: 'Lamp' } } }),
    ];
    const { ctx, findings } = context({ api: api(), baseUrl: s.url, client: c, samples });
    await sqlInjection.run(ctx);
    expect(findings.map((f) => f.key)).toEqual(['graphql:$s']);
  });
});
