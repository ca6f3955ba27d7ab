import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { InjectionPoint } from './inputs.js';
import { isSecretInput } from './probe.js';
import { commandInjection, pathTraversal } from './index.js';
import { client, context, listen, operation, query, restApi, sample } from './test-kit.js';

const jsonBody = { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } };

describe('probing', () => {
  it('puts a PATCHed object back the way the sample left it', async () => {
    const profile = { name: 'Alice', city: 'Lyon' };
    const f = Fastify();
    f.patch<{ Body: Partial<typeof profile> }>('/me', async (req) => Object.assign(profile, req.body));
    const url = await listen(f);
    try {
      const op = operation('PATCH', '/me', jsonBody);
      const c = client(url);
      const samples = [await sample(c, url, op, { path: '/me', json: { name: 'Alice', city: 'Lyon' } })];
      const before = c.stats.requests;
      const { ctx, findings } = context({ api: restApi([op]), baseUrl: url, client: c, samples });
      await pathTraversal.run(ctx);
      expect(findings).toEqual([]);
      expect(c.stats.requests - before).toBeGreaterThan(5);
      expect(profile).toEqual({ name: 'Alice', city: 'Lyon' });
    } finally {
      await f.close();
    }
  });

  it('stops probing an operation that starts answering 429', async () => {
    let calls = 0;
    const f = Fastify();
    f.get('/tools', async (_req, reply) => (++calls > 3 ? reply.code(429).send({ error: 'slow down' }) : { ok: true }));
    const url = await listen(f);
    try {
      const op = operation('GET', '/tools', { parameters: [query('a'), query('b'), query('c')] });
      const c = client(url);
      const samples = [await sample(c, url, op, { path: '/tools?a=1&b=2&c=3' })];
      const { ctx } = context({ api: restApi([op]), baseUrl: url, client: c, samples });
      await commandInjection.run(ctx);
      // The sample, two requests that pass, then the first 429 ends the operation's probing.
      expect(calls).toBe(4);
    } finally {
      await f.close();
    }
  });

  it('recognizes password-like inputs by name and format', () => {
    const p = (leaf: string, format?: string): InjectionPoint =>
      ({ kind: 'json', name: leaf, leaf, value: 'x', valueType: 'string', schema: format === undefined ? undefined : { type: 'string', format }, inSample: true }) as unknown as InjectionPoint;
    for (const leaf of ['password', 'pass', 'newPassword', 'current_password', 'pwd', 'client_secret', 'pin']) expect(isSecretInput(p(leaf))).toBe(true);
    expect(isSecretInput(p('code', 'password'))).toBe(true);
    for (const leaf of ['passenger', 'username', 'spinner', 'compass', 'name']) expect(isSecretInput(p(leaf))).toBe(false);
  });
});
