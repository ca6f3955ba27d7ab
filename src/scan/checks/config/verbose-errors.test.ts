import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { verboseErrorsCheck } from './verbose-errors.js';
import { graphqlApi, newClient, operation, restApi, runCheck, sampleOf, startServer, type TestServer } from './test-kit.js';
import type { Exchange } from '../../model.js';

const product = operation('GET', '/api/products/{id}', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] });
const list = operation('GET', '/api/products', { parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 100 } }] });
const create = operation('POST', '/api/products', { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });
const api = restApi([product, list, create]);

/** A products API on a real SQLite database; `verbose` answers errors with their stack and message. */
function productsApp(verbose: boolean): (app: FastifyInstance) => void {
  return (app) => {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO products (name) VALUES ('herd hat'), ('herd mug');");
    app.addHook('onClose', async () => db.close());
    // The JSON body parser of many stacks: JSON.parse, throwing on bad input.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(String(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    app.setErrorHandler((err: Error, _req, reply) => {
      if (verbose) return reply.code(500).send({ error: err.message, stack: err.stack });
      return reply.code(400).type('application/problem+json').send({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The request is invalid.' });
    });
    app.get<{ Params: { id: string } }>('/api/products/:id', async (req, reply) => {
      if (!verbose && !/^\d+$/.test(req.params.id)) return reply.code(400).type('application/problem+json').send({ title: 'Bad Request', status: 400, detail: 'id must be an integer' });
      const row = db.prepare(`SELECT id, name FROM products WHERE id = ${verbose ? req.params.id : '?'}`).get(...(verbose ? [] : [Number(req.params.id)]));
      if (row === undefined) return reply.code(404).send({ title: 'Not Found' });
      return row;
    });
    app.get<{ Querystring: { limit?: string } }>('/api/products', async (req, reply) => {
      const limit = req.query.limit ?? '10';
      if (!verbose && !/^\d+$/.test(limit)) return reply.code(400).type('application/problem+json').send({ title: 'Bad Request', status: 400, detail: 'limit must be an integer' });
      return db.prepare(`SELECT id, name FROM products LIMIT ${verbose ? limit : Number(limit)}`).all();
    });
    app.post('/api/products', async (_req, reply) => reply.code(201).send({ id: 3 }));
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scan(verbose: boolean, safe = false, sent?: Exchange[]): Promise<Awaited<ReturnType<typeof runCheck>>> {
  server = await startServer(productsApp(verbose));
  const explore = newClient(server.url);
  const samples = [await sampleOf(explore, server.url, product, { id: '1' }, null), await sampleOf(explore, server.url, list, {}, null, '?limit=2')];
  return runCheck(verboseErrorsCheck, { api, baseUrl: server.url, samples, safe, client: newClient(server.url, { safe, ...(sent !== undefined ? { sent } : {}) }) });
}

describe('config.verbose-errors', () => {
  it('reports a stack trace with source paths for a word where an integer id is expected', async () => {
    const { findings } = await scan(true);
    const f = findings.find((x) => x.location === 'GET /api/products/{id}');
    expect(f).toBeDefined();
    expect(f!.detail).toContain('id=x-herd-1 in the path');
    expect(f!.detail).toMatch(/JavaScript stack trace|SQL error/);
    expect(f!.evidence[0]!.response!.status).toBe(500);
  });

  it('reports the SQL error text of a wrong-typed query parameter', async () => {
    const { findings } = await scan(true);
    const f = findings.find((x) => x.location === 'GET /api/products');
    expect(f).toBeDefined();
    expect(f!.detail).toContain('limit=x-herd-1 in the query');
    expect(f!.detail).toContain('SQL error');
  });

  it('reports the parser stack behind a truncated JSON body outside safe mode', async () => {
    const { findings } = await scan(true);
    const f = findings.find((x) => x.location === 'POST /api/products');
    expect(f).toBeDefined();
    expect(f!.detail).toContain('truncated JSON body');
  });

  it('sends no body in safe mode', async () => {
    const sent: Exchange[] = [];
    const { findings, client } = await scan(true, true, sent);
    expect(findings.some((x) => x.location === 'POST /api/products')).toBe(false);
    expect(findings.some((x) => x.location === 'GET /api/products/{id}')).toBe(true);
    expect(client.stats.refused).toBe(0);
    expect(sent.every((e) => e.request.method === 'GET')).toBe(true);
  });

  it('stays silent when errors are answered as clean problem+json', async () => {
    const { findings } = await scan(false);
    expect(findings).toEqual([]);
  });

  it('reports the stack trace an Express app in development mode sends for a malformed percent-encoding', async () => {
    const app = express();
    // Any env but production shows the stack; 'test' keeps express from logging it.
    app.set('env', 'test');
    app.get('/api/files/:name', (req, res) => {
      res.json({ name: req.params.name });
    });
    const listener = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const address = listener.address() as AddressInfo;
      const baseUrl = new URL(`http://127.0.0.1:${address.port}`);
      const files = operation('GET', '/api/files/{name}');
      const { findings } = await runCheck(verboseErrorsCheck, { api: restApi([files]), baseUrl });
      expect(findings.map((f) => f.location)).toEqual(['GET /api/files/{name}']);
      expect(findings[0]!.detail).toContain('malformed percent-encoding');
      expect(findings[0]!.detail).toContain('JavaScript stack trace');
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('reports a debug 404 page that lists the routes', async () => {
    server = await startServer((app) => {
      app.setNotFoundHandler(async (req, reply) =>
        reply.code(404).type('text/html').send(`<h1>Page not found</h1><p>Using the URLconf defined in <code>shop.urls</code>, Django tried these URL patterns: api/products/</p><p>${req.url}</p>`),
      );
    });
    const { findings } = await runCheck(verboseErrorsCheck, { api: restApi([operation('GET', '/api/status')]), baseUrl: server.url });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.location).toBe('*');
    expect(findings[0]!.key).toBe('unknown-route');
    expect(findings[0]!.detail).toContain('framework debug page');
  });

  it('does not count internals that the ordinary answer already shows', async () => {
    // A code-search API: its answers are about source files, errors or not.
    server = await startServer((app) => {
      app.get<{ Params: { id: string } }>('/api/snippets/:id', async (req, reply) => {
        const body = { file: '/srv/app/src/main.py', text: 'File "/srv/app/src/main.py", line 3, in run' };
        return /^\d+$/.test(req.params.id) ? body : reply.code(404).send(body);
      });
    });
    const snippet = operation('GET', '/api/snippets/{id}', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] });
    const sample = await sampleOf(newClient(server.url), server.url, snippet, { id: '7' }, null);
    const { findings } = await runCheck(verboseErrorsCheck, { api: restApi([snippet]), baseUrl: server.url, samples: [sample] });
    expect(findings).toEqual([]);
  });

  it('leaves GraphQL APIs to graphql.debug-errors', async () => {
    server = await startServer((app) => app.get('/graphql', async (_req, reply) => reply.code(500).send({ stack: new Error('boom').stack })));
    const { findings, client } = await runCheck(verboseErrorsCheck, { api: graphqlApi(), baseUrl: server.url });
    expect(findings).toEqual([]);
    expect(client.stats.requests).toBe(0);
  });
});
