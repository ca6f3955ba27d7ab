import { describe, expect, it } from 'vitest';
import type { ApiParameter } from '../../model.js';
import type { CheckContext } from '../../check.js';
import { apiPrefix, fillPath, plausibleValue, wrongTypeValue } from './target-urls.js';
import { newClient, operation, restApi, samplesMap, USERS } from './test-kit.js';

const param = (name: string, schema: Record<string, unknown>, where: ApiParameter['in'] = 'path'): ApiParameter => ({ name, in: where, required: true, schema });

function contextFor(baseUrl: string, servers: string[], sampleUrl?: string): CheckContext {
  const op = operation('GET', '/users/{id}');
  const base = new URL(baseUrl);
  const samples =
    sampleUrl === undefined
      ? []
      : [{ operation: op, user: null, request: { method: 'GET', url: sampleUrl, headers: {} }, exchange: { request: { method: 'GET', url: sampleUrl, headers: {} }, response: null }, pathValues: { id: '7' }, json: undefined }];
  return {
    api: restApi([op], servers),
    baseUrl: base,
    client: newClient(base),
    users: USERS,
    samples: samplesMap(samples),
    resources: [],
    safe: true,
    canary: { url: (l) => l, wasHit: async () => false },
    report: () => undefined,
    log: () => undefined,
  };
}

describe('target URLs', () => {
  it('learns the path prefix from an exploration sample before the spec servers', () => {
    expect(apiPrefix(contextFor('http://127.0.0.1:1', ['/v9'], 'http://127.0.0.1:1/shop/api/users/7'))).toBe('/shop/api');
    expect(apiPrefix(contextFor('http://127.0.0.1:1', ['/api/'], undefined))).toBe('/api');
    expect(apiPrefix(contextFor('http://127.0.0.1:1', ['http://127.0.0.1:1/'], undefined))).toBe('');
    expect(apiPrefix(contextFor('http://127.0.0.1:1/base/', ['/api'], undefined))).toBe('/base');
  });

  it('gives wrong-typed values only where the schema constrains the type, and to identifier-named path parameters', () => {
    expect(wrongTypeValue(param('id', { type: 'integer' }))).toBe('x-herd-1');
    expect(wrongTypeValue(param('when', { type: 'string', format: 'date-time' }, 'query'))).toBe('x-herd-1');
    expect(wrongTypeValue(param('sort', { type: 'string', enum: ['asc', 'desc'] }, 'query'))).toBe('x-herd-1');
    expect(wrongTypeValue(param('userId', { type: 'string' }))).toBe('x-herd-1');
    expect(wrongTypeValue(param('order_id', { type: 'string' }))).toBe('x-herd-1');
    expect(wrongTypeValue(param('valid', { type: 'string' }))).toBeUndefined();
    expect(wrongTypeValue(param('name', { type: 'string' }))).toBeUndefined();
    expect(wrongTypeValue(param('q', { type: 'string' }, 'query'))).toBeUndefined();
  });

  it('fills templates with encoded values and plausible defaults', () => {
    expect(fillPath('/a/{x}/b/{y}', { x: 'a b/c' })).toBe('/a/a%20b%2Fc/b/1');
    // Dot segments would climb out of the template once parsed as a URL: the default takes their place.
    expect(fillPath('/a/{x}/b', { x: '..' })).toBe('/a/1/b');
    expect(fillPath('/a/{x}/b', { x: '.' }, () => '7')).toBe('/a/7/b');
    expect(plausibleValue(param('limit', { type: 'integer', minimum: 5 }))).toBe('5');
    expect(plausibleValue(param('id', { type: 'string', format: 'uuid' }))).toMatch(/^[0-9a-f-]{36}$/);
    expect(plausibleValue({ ...param('q', { type: 'string' }), example: 'kettle' })).toBe('kettle');
  });
});
