import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { corsCheck, EVIL_ORIGIN } from './cors.js';
import { callerOf, graphqlApi, newClient, operation, restApi, runCheck, sampleOf, startServer, type TestServer } from './test-kit.js';
import type { Exchange } from '../../model.js';

const me = operation('GET', '/api/users/me', { requiresAuth: true });
const products = operation('GET', '/api/products');
const api = restApi([me, products, operation('PUT', '/api/users/me', { requiresAuth: true })]);

type Policy = (origin: string) => Record<string, string>;

/** An API whose CORS headers come from `policy` on every answer, preflights included. */
function corsApp(policy: Policy): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const origin = req.headers.origin;
      if (origin !== undefined) for (const [k, v] of Object.entries(policy(origin))) reply.header(k, v);
      if (req.method === 'OPTIONS') return reply.code(204).send();
    });
    app.get('/api/users/me', async (req, reply) => {
      const user = callerOf(req.headers.authorization);
      if (user === undefined) return reply.code(401).send({ title: 'Unauthorized' });
      return { id: 1, username: user, email: `${user}@example.com` };
    });
    app.get('/api/products', async () => [{ id: 1, name: 'herd hat' }]);
    app.get('/graphql', async () => ({ data: { __typename: 'Query' } }));
  };
}

const NONE: Record<string, string> = {};
const reflectWithCredentials: Policy = (origin) => ({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' });

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scan(policy: Policy, withSamples = true, sent?: Exchange[]): Promise<Awaited<ReturnType<typeof runCheck>>> {
  server = await startServer(corsApp(policy));
  const client = newClient(server.url, sent !== undefined ? { sent } : {});
  const samples = withSamples ? [await sampleOf(client, server.url, me, {}, 'alice'), await sampleOf(client, server.url, products, {}, null)] : [];
  return runCheck(corsCheck, { api, baseUrl: server.url, client, samples });
}

describe('config.cors', () => {
  it('reports one high finding for the API when every Origin is reflected with credentials allowed', async () => {
    const { findings } = await scan(reflectWithCredentials);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.location).toBe('*');
    expect(f.severity).toBe('high');
    expect(f.detail).toContain('GET /api/users/me');
    expect(f.detail).toContain('GET /api/products');
    expect(f.detail).toContain(EVIL_ORIGIN);
    expect(f.detail).toContain('preflight');
    const evidence = f.evidence.find((e) => e.request.headers.origin === EVIL_ORIGIN && e.request.method === 'GET');
    expect(evidence?.response?.headers['access-control-allow-origin']).toBe(EVIL_ORIGIN);
    expect(evidence?.response?.headers['access-control-allow-credentials']).toBe('true');
  });

  it('reports the null origin when only it is trusted with credentials', async () => {
    const { findings } = await scan((origin) => (origin === 'null' ? { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true' } : NONE));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('high');
    expect(findings[0]!.detail).toContain('echoes null');
  });

  it('reports a sloppy allow-list that accepts look-alikes of the origin it names', async () => {
    // Allows anything that starts with the trusted origin, and names it by default.
    const { findings } = await scan((origin) =>
      origin.startsWith('https://shop.example.com')
        ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' }
        : { 'access-control-allow-origin': 'https://shop.example.com', 'access-control-allow-credentials': 'true' },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('high');
    expect(findings[0]!.detail).toContain('https://shop.example.com.evil-herd.example');
  });

  it('reports a reflected origin without credentials as low', async () => {
    const { findings } = await scan((origin) => ({ 'access-control-allow-origin': origin }));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('low');
  });

  it('stays silent on an exact allow-list of one trusted origin', async () => {
    const { findings } = await scan((origin) =>
      origin === 'https://shop.example.com' ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } : NONE,
    );
    expect(findings).toEqual([]);
  });

  it('stays silent when the trusted origin is always named, whatever the request says', async () => {
    const { findings } = await scan(() => ({ 'access-control-allow-origin': 'https://shop.example.com', 'access-control-allow-credentials': 'true' }));
    expect(findings).toEqual([]);
  });

  it('stays silent on Access-Control-Allow-Origin: * (browsers send no credentials to it)', async () => {
    const { findings } = await scan(() => ({ 'access-control-allow-origin': '*' }));
    expect(findings).toEqual([]);
  });

  it('stays silent on the null origin allowed without credentials (no more open than *)', async () => {
    const { findings } = await scan((origin) => (origin === 'null' ? { 'access-control-allow-origin': 'null' } : NONE));
    expect(findings).toEqual([]);
  });

  it('finds the flaw without exploration samples, from the spec alone, sending only GET and OPTIONS', async () => {
    const sent: Exchange[] = [];
    const { findings } = await scan(reflectWithCredentials, false, sent);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.detail).toContain('GET /api/products');
    expect(new Set(sent.map((e) => e.request.method))).toEqual(new Set(['GET', 'OPTIONS']));
  });

  it('checks the endpoint of a GraphQL API', async () => {
    server = await startServer(corsApp(reflectWithCredentials));
    const { findings } = await runCheck(corsCheck, { api: graphqlApi(), baseUrl: server.url });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.detail).toContain('/graphql');
  });
});
