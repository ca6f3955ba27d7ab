import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpScanClient } from '../http/scan-client.js';
import { exploreGraphql, graphqlApiOf } from './index.js';
import { miniHarness, targetHarness, type Harness } from './test-kit.js';

function ownedBy(h: Harness, owner: string, collection: string): string[] {
  return h.resources.filter((r) => r.owner === owner && r.collection === collection).map((r) => r.id).sort((a, b) => Number(a) - Number(b));
}

describe('exploring the GraphQL target', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await targetHarness('vulnerable');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs the query fields as every user and without credentials', () => {
    const users = (op: string) => [...new Set((h.samples.get(op) ?? []).map((s) => s.user))].sort();
    expect(users('Query.me')).toEqual(['admin', 'alice', 'bob']);
    expect(users('Query.products')).toEqual([null, 'admin', 'alice', 'bob'].sort());
    // The vulnerable target answers `orders` without a token: exploration records it.
    expect(users('Query.orders')).toContain(null);
  });

  it("feeds fields that take an id with ids the same user saw, so each reads their own object first", () => {
    const order = h.samples.get('Query.order') ?? [];
    const byUser = Object.fromEntries(order.map((s) => [s.user, s.pathValues.id]));
    expect(byUser.alice).toBe('1');
    expect(byUser.bob).toBe('4');
    expect(byUser.admin).toBe('6');
    const user = h.samples.get('Query.user') ?? [];
    expect(Object.fromEntries(user.map((s) => [s.user, s.pathValues.id]))).toMatchObject({ alice: '1', bob: '2', admin: '3' });
  });

  it("attributes each user's orders and account to them and the public catalogue to no one", () => {
    expect(ownedBy(h, 'alice', 'Order').slice(0, 3)).toEqual(['1', '2', '3']);
    expect(ownedBy(h, 'bob', 'Order').slice(0, 2)).toEqual(['4', '5']);
    expect(ownedBy(h, 'admin', 'Order')[0]).toBe('6');
    expect(ownedBy(h, 'alice', 'User')).toEqual(['1']);
    expect(h.resources.filter((r) => r.collection === 'Product')).toEqual([]);
    const order1 = h.resources.find((r) => r.collection === 'Order' && r.id === '1');
    expect(order1).toMatchObject({ owner: 'alice', itemPath: 'Query.order', fields: { shippingAddress: '1 Rue des Lilas, Paris' } });
  });

  it('creates one object per user with the create mutations, owned by that user', () => {
    const created = h.samples.get('Mutation.createOrder') ?? [];
    expect(created.map((s) => s.user).sort()).toEqual(['admin', 'alice', 'bob']);
    for (const s of created) {
      const id = (s.json as { data: { createOrder: { id: string } } }).data.createOrder.id;
      expect(h.resources.find((r) => r.collection === 'Order' && r.id === id)?.owner).toBe(s.user);
    }
  });

  it('drops the fields the server refuses and keeps the rest of the answer (fixed target: no secrets for normal users)', async () => {
    const fixed = await targetHarness('fixed');
    try {
      const me = (fixed.samples.get('Query.me') ?? []).find((s) => s.user === 'alice');
      const body = me?.exchange.response?.body ?? '';
      expect(body).toContain('"username":"alice"');
      expect(body).not.toContain('passwordHash');
      expect(body).not.toContain('"errors"');
    } finally {
      await fixed.close();
    }
  });
});

describe('exploring an API without a viewer field', () => {
  it('takes the only user who lists an object for its owner, and a shared object for no one’s', async () => {
    const orders = [
      { id: 'o1', owner: 'alice' },
      { id: 'o2', owner: 'bob' },
    ];
    const h = await miniHarness({
      sdl: `type Query { myOrders: [Order!]!, order(id: ID!): Order, announcements: [Note!]! }
            type Order { id: ID!, total: Int! }
            type Note { id: ID!, text: String! }`,
      resolvers: {
        Query: {
          myOrders: (_s, _a, ctx) => orders.filter((o) => o.owner === ctx.user).map((o) => ({ ...o, total: 1 })),
          order: (_s, a) => orders.map((o) => ({ ...o, total: 1 })).find((o) => o.id === a.id) ?? null,
          announcements: () => [{ id: 'n1', text: 'hi' }],
        },
      },
    });
    try {
      expect(h.resources.map((r) => `${r.owner} ${r.collection} ${r.id} ${r.itemPath ?? ''}`).sort()).toEqual(['alice Order o1 Query.order', 'bob Order o2 Query.order']);
    } finally {
      await h.close();
    }
  });
});

describe('exploring under --safe', () => {
  it('sends no mutation: queries go as GET and nothing is created', async () => {
    const h = await targetHarness('vulnerable', { safe: true });
    try {
      expect([...h.samples.keys()].filter((k) => k.startsWith('Mutation.'))).toEqual([]);
      expect([...h.samples.values()].flat().every((s) => s.request.method === 'GET')).toBe(true);
      expect(ownedBy(h, 'alice', 'Order')).toEqual(['1', '2', '3']);
    } finally {
      await h.close();
    }
  });
});

describe('exploring a hostile server', () => {
  it('finishes without throwing whatever the answers are', async () => {
    const bodies = [
      'not json',
      '[]',
      '{"data": null}',
      '{"data": {"me": "a string"}}',
      `{"data": {"orders": ${'['.repeat(3000)}${']'.repeat(3000)}}}`,
      `{"data": {"me": ${'{"best":'.repeat(2000)}{"id":"1"}${'}'.repeat(2000)}}}`,
      `{"data": {"orders": [${Array.from({ length: 20000 }, (_, i) => `{"id":${i},"owner":{"id":"x"}}`).join(',')}]}}`,
      '{"errors": [{"message": 5, "path": [null, {"x": 1}]}]}',
      '{"data": {"me": {"__typename": "NoSuchType", "id": {"nested": true}}}}',
    ];
    let n = 0;
    const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
    app.all('/graphql', async (_req, reply) => reply.type('application/json').send(bodies[n++ % bodies.length]));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    try {
      const schema = buildSchema(`
        type Query { me: User, orders: [Order!], order(id: ID!): Order }
        type Mutation { createOrder(note: String): Order }
        type User { id: ID!, best: User }
        type Order { id: ID!, owner: User }
      `);
      const api = graphqlApiOf(schema, '/graphql', 'test');
      const client = new HttpScanClient({ baseUrl: url, budget: 300, ratePerSecond: 0, concurrency: 2, timeoutMs: 5000, maxBodyBytes: 4 << 20, safe: false });
      const result = await exploreGraphql({ api, baseUrl: url, client, users: ['alice', 'bob'], safe: false });
      expect(Array.isArray(result.resources)).toBe(true);
      expect(client.stats.requests).toBeGreaterThan(5);
    } finally {
      await app.close();
    }
  });
});
