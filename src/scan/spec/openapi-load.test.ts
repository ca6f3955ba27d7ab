import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HerdError } from '../../core/index.js';
import { loadOpenApi, parseSpecText } from './openapi-load.js';
import { apiRoot, buildRequest } from '../explore/build-request.js';
import { valueFor } from '../explore/schema-values.js';

const openapi3 = {
  openapi: '3.1.0',
  info: { title: 'Shop', version: '2' },
  servers: [{ url: 'https://{host}/api/{v}', variables: { host: { default: 'shop.example.com' }, v: { default: 'v2' } } }],
  security: [{ bearer: [] }],
  components: {
    schemas: {
      Order: { type: 'object', required: ['qty'], properties: { id: { type: 'integer', readOnly: true }, qty: { type: 'integer', minimum: 3 }, email: { type: 'string', format: 'email' }, parent: { $ref: '#/components/schemas/Order' } } },
    },
  },
  paths: {
    '/orders/{orderId}': {
      parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { operationId: 'getOrder', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } } } },
      put: { security: [], requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } }, responses: { '200': { description: 'ok' } } },
    },
  },
};

const swagger2 = {
  swagger: '2.0',
  info: { title: 'Old', version: '1' },
  host: 'old.example.com',
  basePath: '/v1',
  consumes: ['application/x-www-form-urlencoded'],
  paths: {
    '/login': { post: { parameters: [{ name: 'user', in: 'formData', type: 'string', required: true }, { name: 'pass', in: 'formData', type: 'string', format: 'password' }], responses: { '200': { description: 'ok' } } } },
    '/items': { get: { parameters: [{ name: 'limit', in: 'query', type: 'integer', maximum: 50 }], responses: { '200': { description: 'ok', schema: { type: 'array', items: { type: 'object' } } } } } },
  },
};

describe('loading OpenAPI 3 and Swagger 2 descriptions', () => {
  it('reads operations, resolved (and cyclic) schemas, security and servers of OpenAPI 3.1', async () => {
    const api = await loadOpenApi(parseSpecText(JSON.stringify(openapi3), 'spec.json'), 'spec.json');
    expect(api).toMatchObject({ kind: 'rest', title: 'Shop', specVersion: 'openapi 3.1.0', servers: ['https://shop.example.com/api/v2'] });
    const get = api.operations.find((o) => o.id === 'getOrder')!;
    expect(get).toMatchObject({ method: 'GET', path: '/orders/{orderId}', requiresAuth: true });
    expect(get.parameters).toEqual([{ name: 'orderId', in: 'path', required: true, schema: { type: 'integer' } }]);
    const put = api.operations.find((o) => o.method === 'PUT')!;
    expect(put.requiresAuth).toBe(false);
    expect(put.requestBody?.contentType).toBe('application/json');
    // The cycle Order.parent → Order is kept as a cycle and cut when generating values.
    const body = valueFor(put.requestBody!.schema) as Record<string, unknown>;
    expect(body.qty).toBe(3);
    expect(body.email).toBe('herd.scan@example.com');
    expect(body).not.toHaveProperty('id');
  });

  it('turns Swagger 2 form parameters into a form body and host/basePath into a server', async () => {
    const api = await loadOpenApi(parseSpecText(JSON.stringify(swagger2), 's.json'), 's.json');
    expect(api.servers).toEqual(['https://old.example.com/v1']);
    const login = api.operations.find((o) => o.path === '/login')!;
    expect(login.requestBody).toMatchObject({ contentType: 'application/x-www-form-urlencoded', required: true });
    const built = buildRequest(login, apiRoot(new URL('http://127.0.0.1:8080'), api.servers));
    expect(built.request.url).toBe('http://127.0.0.1:8080/v1/login');
    expect(built.request.body).toBe('user=herdscan&pass=Herd-scan-Passw0rd%21');
    const items = api.operations.find((o) => o.path === '/items')!;
    expect(valueFor(items.parameters[0]!.schema, { name: 'limit' })).toBe(10);
  });

  it('refuses what is not a description with a clear error, and never fetches external references', async () => {
    expect(() => parseSpecText('hello: world', 'x.yaml')).toThrow(HerdError);
    expect(() => parseSpecText('{not json', 'x.json')).toThrow(/not JSON or YAML/);
    const withExternal = { ...openapi3, paths: { ...openapi3.paths, '/ext': { $ref: 'http://127.0.0.1:1/paths.json' } } };
    const api = await loadOpenApi(withExternal, 'spec.json');
    expect(api.operations.map((o) => o.path)).not.toContain('/ext');
  });

  it('builds a request for any parameter value without escaping the path (dot segments are replaced, they cannot be sent)', () => {
    const op = { id: 'x', method: 'GET' as const, path: '/files/{name}', tags: [], responses: [], requiresAuth: false, deprecated: false, parameters: [{ name: 'name', in: 'path' as const, required: true, schema: {} }] };
    fc.assert(
      fc.property(fc.string(), (name) => {
        const url = new URL(buildRequest(op, new URL('http://127.0.0.1:9/api'), { pathValues: { name } }).request.url);
        expect(url.origin).toBe('http://127.0.0.1:9');
        expect(url.pathname.startsWith('/api/files/')).toBe(true);
        const sent = decodeURIComponent(url.pathname.slice('/api/files/'.length));
        if (name === '.' || name === '..') expect(sent).not.toMatch(/^\.\.?$/);
        else expect(sent).toBe(name);
      }),
      { examples: [['.'], ['..'], ['../..'], ['%2e%2e']] },
    );
  });
});
