/**
 * Finding the API description when none is given: the well-known places frameworks serve OpenAPI
 * documents, then the usual GraphQL endpoints. Every probe goes through the scan client.
 */
import type { HttpScanClient } from '../http/scan-client.js';

export const SPEC_PATHS: readonly string[] = [
  '/openapi.json',
  '/openapi.yaml',
  '/swagger.json',
  '/swagger.yaml',
  '/v3/api-docs',
  '/v2/api-docs',
  '/api-docs',
  '/api/openapi.json',
  '/api/swagger.json',
  '/api/v1/openapi.json',
  '/api/docs/openapi.json',
  '/docs/openapi.json',
  '/swagger/v1/swagger.json',
  '/api/schema/',
  '/openapi',
];

export const GRAPHQL_PATHS: readonly string[] = ['/graphql', '/api/graphql', '/graphql/v1', '/v1/graphql', '/query', '/gql'];

export type Discovered = { kind: 'openapi'; url: string; text: string } | { kind: 'graphql'; endpoint: string };

export async function discoverSpec(client: HttpScanClient, baseUrl: URL): Promise<Discovered | undefined> {
  const prefix = baseUrl.pathname.replace(/\/$/, '');
  for (const path of SPEC_PATHS) {
    const url = new URL(baseUrl.toString());
    url.pathname = `${prefix}${path}`;
    url.search = '';
    const ex = await client.sendRaw({ method: 'GET', url: url.toString(), headers: { accept: 'application/json, application/yaml;q=0.9' } });
    const body = ex.response?.status === 200 ? ex.response.body : '';
    if (/["']?(openapi|swagger)["']?\s*:\s*["']?[23]/.test(body.slice(0, 4096))) return { kind: 'openapi', url: url.toString(), text: body };
  }
  for (const path of GRAPHQL_PATHS) {
    const url = new URL(baseUrl.toString());
    url.pathname = `${prefix}${path}`;
    url.search = '';
    const ex = await client.sendRaw({ method: 'POST', url: url.toString(), headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
    if (ex.response?.status === 200 && /"__typename"\s*:\s*"/.test(ex.response.body)) return { kind: 'graphql', endpoint: `${prefix}${path}` };
  }
  return undefined;
}
