import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../check.js';
import { accessChecks } from './index.js';
import { harness, jsonBody, operation, restApi, serve, USERS } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

const deep = '['.repeat(50_000) + ']'.repeat(50_000);
const JUNK: readonly { status: number; type: string; body: string }[] = [
  { status: 200, type: 'application/json', body: '{"id": 1, "ownerId": "u-1", "password' },
  { status: 200, type: 'application/json', body: deep },
  { status: 200, type: 'application/json', body: JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ id: i, role: 'user', token: 'x'.repeat(20) })) }) },
  { status: 200, type: 'text/html', body: `<input ${'a'.repeat(200_000)}` },
  { status: 200, type: 'application/json', body: '"just a string"' },
  { status: 201, type: 'application/json', body: '{"id": {"nested": [1, 2, {"__proto__": {"polluted": true}}]}}' },
  { status: 204, type: 'text/plain', body: '' },
  { status: 302, type: 'text/plain', body: '' },
  { status: 401, type: 'application/json', body: '{"error":"unauthorized"}' },
  { status: 500, type: 'text/plain', body: '\u0000\uffff\ud800 broken' },
];

const ITEM = { type: 'object', properties: { id: { type: 'integer', readOnly: true }, ownerId: { type: 'string', readOnly: true }, title: { type: 'string' }, role: { type: 'string' } } };
const OPS = [
  operation('POST', '/login', { requiresAuth: false, requestBody: jsonBody({ type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } }) }),
  operation('GET', '/me', { responses: [{ status: '200', schema: ITEM }] }),
  operation('PATCH', '/me', { requestBody: jsonBody({ type: 'object', properties: { title: { type: 'string' } } }), responses: [{ status: '200', schema: ITEM }] }),
  operation('GET', '/items'),
  operation('POST', '/items', { requestBody: jsonBody(ITEM) }),
  operation('GET', '/items/{id}', { responses: [{ status: '200', schema: ITEM }] }),
  operation('PUT', '/items/{id}', { requestBody: jsonBody(ITEM) }),
  operation('DELETE', '/items/{id}'),
  operation('GET', '/admin/things'),
  operation('DELETE', '/admin/things/{id}'),
];

describe('access checks against a hostile server', () => {
  it('finish without throwing on truncated, huge, deeply nested and binary answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: JUNK.length - 1 }), { minLength: 20, maxLength: 20 }), async (script) => {
        let n = 0;
        const app = await serve((a) => {
          a.all('/*', async (_req, reply) => {
            const j = JUNK[script[n++ % script.length]];
            return reply.code(j.status).header('location', '/items/9').type(j.type).send(j.body);
          });
        });
        open.push(app);
        const tokens = { alice: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2ln', bob: 'eyJhbGciOiJub25lIn0.e30.', admin: 'not-a-jwt' };
        const h = harness({ api: restApi(OPS), baseUrl: app.baseUrl, users: USERS, tokens, budget: 400 });
        // Samples as exploration would have kept them, whatever came back.
        for (const [i, op] of OPS.entries()) {
          const user = USERS[i % USERS.length].name;
          const url = new URL(op.path.replace('{id}', String(i)), app.baseUrl).toString();
          const request = { method: op.method, url, headers: {} };
          const exchange = await h.client.send(request, { as: user });
          let json: unknown;
          try {
            json = JSON.parse(exchange.response?.body ?? '');
          } catch {
            json = undefined;
          }
          const s: Sample = { operation: op, user, request, exchange, pathValues: { id: String(i) }, json };
          (h.ctx.samples as Map<string, Sample[]>).set(op.id, [s]);
        }
        for (const check of accessChecks) await h.run(check);
        expect(h.client.stats.requests).toBeLessThanOrEqual(400);
        await app.close();
      }),
      { seed: 7, numRuns: 6 },
    );
  });
});
