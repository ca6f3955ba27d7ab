import { describe, expect, it } from 'vitest';
import type { Sample } from '../../check.js';
import { exampleOf, synthesizedSample } from './synthesize.js';
import { client, context, operation, pathParam, query, restApi } from './test-kit.js';

describe('requests built from the description', () => {
  it('fills a schema from examples, defaults, enums and types, leaving read-only fields out', () => {
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'integer', readOnly: true },
        url: { type: 'string', format: 'uri' },
        kind: { type: 'string', enum: ['push', 'pull'] },
        retries: { type: 'integer', minimum: 0, default: 3 },
        tags: { type: 'array', items: { type: 'string', example: 'a' } },
        owner: { allOf: [{ type: 'object', properties: { name: { type: 'string' } } }] },
      },
    };
    expect(exampleOf(schema)).toEqual({ url: 'https://example.com/', kind: 'push', retries: 3, tags: ['a'], owner: { name: 'herd' } });
  });

  it('builds the URL with the base path the samples show, path examples and required query values', () => {
    const base = new URL('http://127.0.0.1:9');
    const listOp = operation('GET', '/items');
    const hookOp = operation('POST', '/hooks/{id}/test', {
      parameters: [pathParam('id', { type: 'integer', example: 4 }), query('dry', { type: 'boolean' }, true), query('note')],
      requestBody: { contentType: 'application/json', required: true, schema: { type: 'object', properties: { url: { type: 'string', format: 'uri' } } } },
    });
    const listRequest = { method: 'GET', url: 'http://127.0.0.1:9/api/v2/items', headers: {} };
    const listSample: Sample = { operation: listOp, user: 'alice', request: listRequest, exchange: { request: listRequest, response: null }, pathValues: {}, json: undefined };
    const { ctx } = context({ api: restApi([listOp, { ...hookOp, requiresAuth: true }]), baseUrl: base, client: client(base), samples: [listSample] });
    const s = synthesizedSample(ctx, { ...hookOp, requiresAuth: true });
    expect(s?.request.url).toBe('http://127.0.0.1:9/api/v2/hooks/4/test?dry=true');
    expect(s?.request.body).toBe('{"url":"https://example.com/"}');
    expect(s?.user).toBe('alice');
    expect(s?.exchange.response).toBeNull();
  });
});
