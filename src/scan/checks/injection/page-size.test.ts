import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { isPageSizeName, unboundedPageSize } from './page-size.js';
import { client, context, listen, operation, query, restApi, sample } from './test-kit.js';

const ROWS = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, name: `Item ${i + 1}` }));

type Variant = 'unbounded' | 'rejects' | 'clamps' | 'clamps-above-documented';

function app(variant: Variant): FastifyInstance {
  const f = Fastify();
  f.get<{ Querystring: { limit?: string; per_page?: string } }>('/api/items', async (req, reply) => {
    let limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1) return reply.code(400).send({ error: 'bad limit' });
    if (variant === 'rejects' && limit > 100) return reply.code(400).send({ error: 'limit must be at most 100' });
    if (variant === 'clamps') limit = Math.min(limit, 200);
    if (variant === 'clamps-above-documented') limit = Math.min(limit, 100);
    return { items: ROWS.slice(0, limit), total: ROWS.length };
  });
  return f;
}

async function scan(variant: Variant, documentedMaximum?: number) {
  const f = app(variant);
  const url = await listen(f);
  try {
    const schema = documentedMaximum === undefined ? { type: 'integer' } : { type: 'integer', maximum: documentedMaximum };
    const op = operation('GET', '/api/items', { parameters: [query('limit', schema)] });
    const c = client(url);
    const samples = [await sample(c, url, op, { path: '/api/items' })];
    const { ctx, findings } = context({ api: restApi([op]), baseUrl: url, client: c, samples });
    await unboundedPageSize.run(ctx);
    return findings;
  } finally {
    await f.close();
  }
}

describe('resource.unbounded-page-size', () => {
  it('reports limit=100000 answered with the whole collection when no maximum is documented', async () => {
    const findings = await scan('unbounded');
    expect(findings.map((f) => [f.location, f.key])).toEqual([['GET /api/items', 'query:limit']]);
    expect(findings[0].detail).toMatch(/HTTP 200 with 2000 items \(the sample's page had 20/);
  });

  it('reports a page larger than the documented maximum', async () => {
    const findings = await scan('clamps-above-documented', 50);
    expect(findings).toHaveLength(1);
    expect(findings[0].detail).toMatch(/100 items \(the description documents a maximum of 50\)/);
  });

  it('stays silent when a large limit is refused, or silently capped without a documented maximum', async () => {
    expect(await scan('rejects', 100)).toEqual([]);
    expect(await scan('rejects')).toEqual([]);
    expect(await scan('clamps')).toEqual([]);
    expect(await scan('clamps-above-documented', 100)).toEqual([]);
  });

  it('recognizes the usual names of page-size inputs, and not others', () => {
    for (const n of ['limit', 'per_page', 'pageSize', 'page_size', 'top', '$top', 'first', 'maxResults', 'take']) expect(isPageSizeName(n)).toBe(true);
    for (const n of ['page', 'offset', 'cursor', 'search', 'limitation']) expect(isPageSizeName(n)).toBe(false);
  });
});
