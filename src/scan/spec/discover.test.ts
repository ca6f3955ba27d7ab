import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpScanClient } from '../http/scan-client.js';
import { discoverSpec, inlineSwaggerDoc, specUrlsIn } from './discover.js';

const SPEC = { openapi: '3.0.3', info: { title: 'Found', version: '1' }, paths: { '/things': { get: { responses: { 200: { description: 'ok' } } } } } };

type Routes = Record<string, { type?: string; body: string; status?: number }>;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server answering only its routes (404 otherwise), recording every path asked. */
async function serve(routes: Routes): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    asked.push(`${req.method} ${path}`);
    const route = routes[path];
    res.writeHead(route?.status ?? (route ? 200 : 404), { 'content-type': route?.type ?? 'text/plain' });
    res.end(route?.body ?? 'not found');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

function clientFor(base: string): HttpScanClient {
  return new HttpScanClient({ baseUrl: new URL(base), budget: 500, ratePerSecond: 0, concurrency: 2, timeoutMs: 2000, maxBodyBytes: 1 << 20, safe: true });
}

describe('discovering the API description', () => {
  it('reads the document swagger-ui-express puts inline in its init script', async () => {
    const init = `window.onload = function() {\n  var url = window.location.search.match(/url=([^&]+)/);\n  var options = {\n  "customOptions": {},\n  "swaggerDoc": ${JSON.stringify(SPEC, null, 2).replace('Found', 'Found \\"quoted\\" {brace}')}\n};\n  url = options.swaggerUrl || url\n}`;
    const t = await serve({
      '/api-docs/': { type: 'text/html', body: '<html><script src="./swagger-ui-bundle.js"></script><script src="./swagger-ui-init.js"> </script></html>' },
      '/api-docs/swagger-ui-init.js': { type: 'application/javascript', body: init },
    });
    const found = await discoverSpec(clientFor(t.url), new URL(t.url));
    expect(found?.kind).toBe('openapi');
    expect(JSON.parse(found?.kind === 'openapi' ? found.text : '{}')).toMatchObject({ info: { title: 'Found "quoted" {brace}' } });
  });

  it('follows the URL a Swagger UI or FastAPI docs page is configured with, and a ReDoc spec-url', async () => {
    const fastapi = await serve({
      '/docs': { type: 'text/html', body: `<script>const ui = SwaggerUIBundle({\n url: '/internal/spec-v7.json',\n dom_id: '#swagger-ui'})</script>` },
      '/internal/spec-v7.json': { type: 'application/json', body: JSON.stringify(SPEC) },
    });
    const found = await discoverSpec(clientFor(fastapi.url), new URL(fastapi.url));
    expect(found).toMatchObject({ kind: 'openapi', url: `${fastapi.url}/internal/spec-v7.json` });

    const redoc = await serve({
      '/redoc': { type: 'text/html', body: '<redoc spec-url="docs/api.yaml"></redoc>' },
      '/docs/api.yaml': { type: 'application/yaml', body: 'openapi: 3.1.0\ninfo: {title: R, version: "1"}\npaths: {}\n' },
    });
    expect(await discoverSpec(clientFor(redoc.url), new URL(redoc.url))).toMatchObject({ kind: 'openapi', url: `${redoc.url}/docs/api.yaml` });
  });

  it('never follows a docs page to another origin', async () => {
    const elsewhere = await serve({ '/spec.json': { type: 'application/json', body: JSON.stringify(SPEC) } });
    const t = await serve({ '/docs': { type: 'text/html', body: `<script>SwaggerUIBundle({ url: "${elsewhere.url}/spec.json" })</script>` } });
    expect(await discoverSpec(clientFor(t.url), new URL(t.url))).toBeUndefined();
    expect(elsewhere.asked).toEqual([]);
  });

  it('looks at the root too when the base URL has a path', async () => {
    const t = await serve({ '/openapi.json': { type: 'application/json', body: JSON.stringify(SPEC) } });
    expect(await discoverSpec(clientFor(t.url), new URL(`${t.url}/api/v1`))).toMatchObject({ kind: 'openapi', url: `${t.url}/openapi.json` });
    expect(t.asked[0]).toBe('GET /api/v1/openapi.json');
  });

  it('finds a GraphQL endpoint when there is no document, and gives up cleanly when there is nothing', async () => {
    const gql = await serve({ '/graphql': { type: 'application/json', body: '{"data":{"__typename":"Query"}}' } });
    expect(await discoverSpec(clientFor(gql.url), new URL(gql.url))).toEqual({ kind: 'graphql', endpoint: '/graphql' });
    expect(gql.asked).toContain('GET /graphql'); // --safe: as GET, not POST
    expect(gql.asked.filter((a) => a.startsWith('POST'))).toEqual([]);
    const empty = await serve({ '/docs': { type: 'text/html', body: '<script>url: "/nope.json"</script>' } });
    expect(await discoverSpec(clientFor(empty.url), new URL(empty.url))).toBeUndefined();
  });

  it('reads any page text without throwing, and only takes a complete JSON document from it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        specUrlsIn(s);
        const doc = inlineSwaggerDoc(`"swaggerDoc": ${s}`);
        if (doc !== null) expect(() => JSON.parse(doc)).not.toThrow();
      }),
    );
    expect(inlineSwaggerDoc('"swaggerDoc": {"openapi": "3.0.0", "info": {')).toBeNull();
    expect(specUrlsIn('SwaggerUIBundle({url: "/a.json", urls: [{url: "/b.yaml", name: "b"}], x: "/c.js"})')).toEqual(['/a.json', '/b.yaml']);
  });
});
