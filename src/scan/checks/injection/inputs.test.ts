import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScanRequest } from '../../model.js';
import type { Sample } from '../../check.js';
import { injectionPoints } from './inputs.js';
import { operation, pathParam, query } from './test-kit.js';

function sampleOf(op: ReturnType<typeof operation>, request: ScanRequest, pathValues: Record<string, string> = {}): Sample {
  return { operation: op, user: null, request, exchange: { request, response: null }, pathValues, json: undefined };
}

const get = (url: string): ScanRequest => ({ method: 'GET', url, headers: {} });
const post = (url: string, body: string, type = 'application/json'): ScanRequest => ({ method: 'POST', url, headers: { 'Content-Type': type }, body });

describe('injection points', () => {
  it('rewrites one query parameter at a time and adds the optional ones the sample left out', () => {
    const op = operation('GET', '/items', { parameters: [query('q'), query('limit', { type: 'integer', default: 20 }), query('tag', { type: 'string', example: 'red' })] });
    const points = injectionPoints(sampleOf(op, get('http://h/items?q=lamp&page=2')));
    expect(points.map((p) => [p.name, p.value, p.inSample, p.valueType])).toEqual([
      ['q', 'lamp', true, 'string'],
      ['page', '2', true, 'number'],
      ['limit', '20', false, 'number'],
      ['tag', 'red', false, 'string'],
    ]);
    expect(points[0].set("a'b&c=d").url).toBe('http://h/items?q=a%27b%26c%3Dd&page=2');
    expect(points[0].setOperator!('$ne', 'x').url).toBe('http://h/items?q%5B%24ne%5D=x&page=2');
    expect(points[2].baseline.url).toBe('http://h/items?q=lamp&page=2&limit=20');
    expect(points[2].set('100000').url).toBe('http://h/items?q=lamp&page=2&limit=100000');
  });

  it('finds path parameters behind a base path, in whole and composite segments', () => {
    const op = operation('GET', '/users/{id}/files/{name}.{ext}', { parameters: [pathParam('id'), pathParam('name'), pathParam('ext')] });
    const points = injectionPoints(sampleOf(op, get('http://h/api/v2/users/7/files/report.pdf'), { id: '7', name: 'report', ext: 'pdf' }));
    expect(points.map((p) => p.name)).toEqual(['id', 'name', 'ext']);
    expect(points[0].set('../x').url).toBe('http://h/api/v2/users/..%2Fx/files/report.pdf');
    expect(points[1].set('a b').url).toBe('http://h/api/v2/users/7/files/a%20b.pdf');
  });

  it('gives up on path parameters when the template does not line up with the sample', () => {
    const op = operation('GET', '/users/{id}', { parameters: [pathParam('id')] });
    expect(injectionPoints(sampleOf(op, get('http://h/accounts/7')))).toEqual([]);
  });

  it('rewrites string and number leaves of a JSON body, keeping types, and any JSON value', () => {
    const op = operation('POST', '/orders');
    const body = JSON.stringify({ address: { city: 'Paris' }, items: [{ id: 3, note: 'gift' }], ok: true });
    const points = injectionPoints(sampleOf(op, post('http://h/orders', body)));
    expect(points.map((p) => [p.name, p.leaf, p.valueType])).toEqual([
      ['address.city', 'city', 'string'],
      ['items[0].id', 'id', 'number'],
      ['items[0].note', 'note', 'string'],
    ]);
    expect(JSON.parse(points[1].set('42').body!)).toEqual({ address: { city: 'Paris' }, items: [{ id: 42, note: 'gift' }], ok: true });
    expect(JSON.parse(points[1].set("3'").body!).items[0].id).toBe("3'");
    expect(JSON.parse(points[0].setJson!({ $ne: null }).body!).address.city).toEqual({ $ne: null });
  });

  it('rewrites form fields', () => {
    const op = operation('POST', '/login');
    const points = injectionPoints(sampleOf(op, post('http://h/login', 'user=alice&pw=x%26y', 'application/x-www-form-urlencoded')));
    expect(points.map((p) => [p.kind, p.name, p.value])).toEqual([
      ['form', 'user', 'alice'],
      ['form', 'pw', 'x&y'],
    ]);
    expect(points[0].setOperator!('$ne', '1').body).toBe('user%5B%24ne%5D=1&pw=x%26y');
  });

  it('rewrites GraphQL argument literals (also inside input objects) and variables', () => {
    const op = operation('POST', '/graphql', { id: 'Query.products' });
    const body = JSON.stringify({ query: 'query Q($c: String) { products(search: "lamp", limit: 5, filter: { category: $c, brand: "acme" }) { id } }', variables: { c: 'tools' } });
    const points = injectionPoints(sampleOf(op, post('http://h/graphql', body)));
    expect(points.map((p) => [p.name, p.leaf, p.value, p.valueType])).toEqual([
      ['products.search', 'search', 'lamp', 'string'],
      ['products.limit', 'limit', '5', 'number'],
      ['products.filter.brand', 'brand', 'acme', 'string'],
      ['$c', 'c', 'tools', 'string'],
    ]);
    const q = (r: ScanRequest): string => (JSON.parse(r.body!) as { query: string }).query;
    expect(q(points[0].set('x"y'))).toContain('products(search: "x\\"y", limit: 5, filter: {category: $c, brand: "acme"})');
    expect(q(points[1].set('100000'))).toContain('limit: 100000');
    expect(q(points[2].set('z'))).toContain('brand: "z"');
    expect(JSON.parse(points[3].set('w').body!).variables).toEqual({ c: 'w' });
  });

  it('reads a JSON body whose query field is not GraphQL as plain JSON', () => {
    const op = operation('POST', '/search');
    const points = injectionPoints(sampleOf(op, post('http://h/search', JSON.stringify({ query: 'query lamps', page: 1 }))));
    expect(points.map((p) => [p.kind, p.name])).toEqual([
      ['json', 'query'],
      ['json', 'page'],
    ]);
  });

  it('never throws on hostile samples', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (path, tpl, body) => {
        const op = operation('POST', `/${tpl}`, { parameters: [pathParam('id')] });
        for (const type of ['application/json', 'application/x-www-form-urlencoded', '']) {
          const points = injectionPoints(sampleOf(op, post(`http://h/${path}?${path}`, body.length > 0 ? body : '{"query":"{ a(b: \\"', type), { id: path }));
          for (const p of points) p.set("'");
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
