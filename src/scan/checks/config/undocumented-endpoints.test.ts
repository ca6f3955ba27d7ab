import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { undocumentedEndpointsCheck } from './undocumented-endpoints.js';
import { callerOf, newClient, operation, restApi, runCheck, sampleOf, startServer, type TestServer } from './test-kit.js';
import type { Sample } from '../../check.js';
import type { Exchange } from '../../model.js';

const users = operation('GET', '/api/users', { requiresAuth: true });
const user = operation('GET', '/api/users/{id}', { requiresAuth: true });
const products = operation('GET', '/api/products');
const orders = operation('GET', '/api/v2/orders', { requiresAuth: true });
const api = restApi([users, user, products, orders, operation('POST', '/api/users', { requiresAuth: true })]);

const USER_LIST = [
  { id: 1, username: 'alice', email: 'alice@example.com' },
  { id: 2, username: 'bob', email: 'bob@example.com' },
];

function requireUser(req: FastifyRequest, reply: FastifyReply): boolean {
  if (callerOf(req.headers.authorization) !== undefined) return true;
  void reply.code(401).send({ title: 'Unauthorized' });
  return false;
}

/** The documented API; `extra` adds the routes that make each case. */
function app(extra: (app: FastifyInstance) => void): (app: FastifyInstance) => void {
  return (a) => {
    a.get('/api/users', async (req, reply) => (requireUser(req, reply) ? USER_LIST.map(({ id, username }) => ({ id, username })) : reply));
    a.get<{ Params: { id: string } }>('/api/users/:id', async (req, reply) => (requireUser(req, reply) ? { id: Number(req.params.id), username: 'alice' } : reply));
    a.get('/api/products', async () => [{ id: 1, name: 'herd hat' }]);
    a.get('/api/v2/orders', async (req, reply) => (requireUser(req, reply) ? [{ id: 10, total: 12 }] : reply));
    extra(a);
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function samplesFor(s: TestServer): Promise<Sample[]> {
  const c = newClient(s.url);
  return [
    await sampleOf(c, s.url, users, {}, 'alice'),
    await sampleOf(c, s.url, user, { id: '1' }, 'alice'),
    await sampleOf(c, s.url, products, {}, null),
    await sampleOf(c, s.url, orders, {}, 'alice'),
  ];
}

async function scan(extra: (a: FastifyInstance) => void, sent?: Exchange[]): Promise<Awaited<ReturnType<typeof runCheck>>> {
  server = await startServer(app(extra));
  const samples = await samplesFor(server);
  return runCheck(undocumentedEndpointsCheck, { api, baseUrl: server.url, samples, client: newClient(server.url, sent !== undefined ? { sent } : {}) });
}

describe('inventory.undocumented-endpoints', () => {
  it('reports an old version that lists every user without credentials', async () => {
    const { findings } = await scan((a) => a.get('/api/v1/users', async () => USER_LIST));
    expect(findings.map((f) => f.location)).toEqual(['GET /api/v1/users']);
    expect(findings[0]!.detail).toContain('without credentials, while the documented operations on /api/users require authentication');
  });

  it('finds an old version of a collection the spec documents only through its items', async () => {
    const itemsOnly = restApi([user, operation('GET', '/api/users/me', { requiresAuth: true }), operation('DELETE', '/api/admin/users/{id}', { requiresAuth: true })]);
    server = await startServer(app((a) => a.get('/api/v1/users', async () => USER_LIST)));
    const samples = [await sampleOf(newClient(server.url), server.url, user, { id: '1' }, 'alice')];
    const { findings } = await runCheck(undocumentedEndpointsCheck, { api: itemsOnly, baseUrl: server.url, samples });
    expect(findings.map((f) => f.location)).toEqual(['GET /api/v1/users']);
  });

  it('reports other versions of a versioned path and the path without version', async () => {
    const { findings } = await scan((a) => {
      a.get('/api/v1/orders', async () => [{ id: 10, total: 12, card: '4111111111111111' }]);
      a.get('/api/orders', async () => [{ id: 10, total: 12, card: '4111111111111111' }]);
    });
    expect(findings.map((f) => f.location).sort()).toEqual(['GET /api/orders', 'GET /api/v1/orders']);
  });

  it('reports a shadow endpoint that answers a user differently from the documented one', async () => {
    const { findings } = await scan((a) => a.get('/api/internal/users', async (req, reply) => (requireUser(req, reply) ? USER_LIST.map((u) => ({ ...u, passwordHash: '$2b$10$abc' })) : reply)));
    expect(findings.map((f) => f.location)).toEqual(['GET /api/internal/users']);
    expect(findings[0]!.detail).toContain('to alice, unlike GET /api/users');
  });

  it('stays silent when the undocumented paths answer 404', async () => {
    const sent: Exchange[] = [];
    const { findings } = await scan(() => undefined, sent);
    expect(findings).toEqual([]);
    expect(sent.every((e) => e.request.method === 'GET')).toBe(true);
  });

  it('stays silent on a catch-all that answers JSON to any path under /api', async () => {
    const { findings } = await scan((a) => a.get('/api/*', async (req) => ({ message: `no route for ${req.url}`, status: 'unknown' })));
    expect(findings).toEqual([]);
  });

  it('stays silent on an alias of a public operation and on an alias with the same protection', async () => {
    const { findings } = await scan((a) => {
      a.get('/api/v1/products', async () => [{ id: 1, name: 'herd hat' }]);
      a.get('/api/v1/users', async (req, reply) => (requireUser(req, reply) ? USER_LIST.map(({ id, username }) => ({ id, username })) : reply));
    });
    expect(findings).toEqual([]);
  });

  it('bounds its requests when nothing answers', async () => {
    const many = restApi(Array.from({ length: 40 }, (_, i) => operation('GET', `/api/resource${i}`)));
    server = await startServer(() => undefined);
    const { findings, client } = await runCheck(undocumentedEndpointsCheck, { api: many, baseUrl: server.url });
    expect(findings).toEqual([]);
    // 5 variant families, 6 tries each.
    expect(client.stats.requests).toBeLessThanOrEqual(30);
  });
});
