import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { securityHeadersCheck } from './security-headers.js';
import { callerOf, newClient, operation, restApi, runCheck, sampleOf, startServer, type TestServer } from './test-kit.js';
import type { Sample } from '../../check.js';

const me = operation('GET', '/api/users/me', { requiresAuth: true });
const products = operation('GET', '/api/products');
const page = operation('GET', '/api/search/html');
const api = restApi([me, products, page]);

const HARDENED = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function app(hardened: boolean): (app: FastifyInstance) => void {
  return (a) => {
    a.addHook('onSend', async (_req, reply) => {
      if (hardened) reply.headers(HARDENED);
      else {
        reply.header('x-powered-by', 'Express 4.17.1');
        reply.header('server', 'nginx/1.18.0');
      }
    });
    a.get('/api/users/me', async (req, reply) => {
      const user = callerOf(req.headers.authorization);
      if (user === undefined) return reply.code(401).send({ title: 'Unauthorized' });
      return { id: 1, username: user };
    });
    a.get('/api/products', async () => [{ id: 1, name: 'herd hat' }]);
    a.get('/api/search/html', async (_req, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><html><body>results</body></html>'));
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function samplesFor(s: TestServer): Promise<Sample[]> {
  const client = newClient(s.url);
  return [await sampleOf(client, s.url, me, {}, 'alice'), await sampleOf(client, s.url, products, {}, null), await sampleOf(client, s.url, page, {}, null)];
}

describe('config.security-headers', () => {
  it('reports each missing protection and the version banners once, at location *', async () => {
    server = await startServer(app(false));
    const { findings, client } = await runCheck(securityHeadersCheck, { api, baseUrl: server.url, samples: await samplesFor(server) });
    const keys = findings.map((f) => f.key).sort();
    expect(keys).toEqual(['cache-control', 'content-security-policy', 'frame-options', 'version-banner', 'x-content-type-options']);
    expect(findings.every((f) => f.location === '*')).toBe(true);
    const banner = findings.find((f) => f.key === 'version-banner')!;
    expect(banner.detail).toContain('X-Powered-By: Express 4.17.1');
    expect(banner.detail).toContain('Server: nginx/1.18.0');
    const cache = findings.find((f) => f.key === 'cache-control')!;
    // Only the answer sent with credentials to an operation that needs them.
    expect(cache.detail).toContain('1 of 1');
    expect(cache.evidence[0]!.request.url).toContain('/api/users/me');
    // Works from the exploration's answers: no request of its own.
    expect(client.stats.requests).toBe(0);
  });

  it('stays silent when every answer carries nosniff, CSP, frame protection and no-store without banners', async () => {
    server = await startServer(app(true));
    const { findings } = await runCheck(securityHeadersCheck, { api, baseUrl: server.url, samples: await samplesFor(server) });
    expect(findings).toEqual([]);
  });

  it('accepts Cache-Control: private for authenticated answers and a Server header without version', async () => {
    server = await startServer((a) => {
      a.addHook('onSend', async (_req, reply) => {
        reply.headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=0', server: 'nginx' });
      });
      a.get('/api/users/me', async () => ({ id: 1 }));
    });
    const client = newClient(server.url);
    const { findings } = await runCheck(securityHeadersCheck, { api: restApi([me]), baseUrl: server.url, samples: [await sampleOf(client, server.url, me, {}, 'alice')] });
    expect(findings).toEqual([]);
  });

  it('without samples, reads a few operations itself', async () => {
    server = await startServer(app(false));
    const { findings, client } = await runCheck(securityHeadersCheck, { api, baseUrl: server.url });
    expect(client.stats.requests).toBeGreaterThan(0);
    expect(findings.map((f) => f.key)).toContain('x-content-type-options');
    expect(findings.map((f) => f.key)).toContain('cache-control');
  });

  it('asks for Strict-Transport-Security only on https', async () => {
    server = await startServer(app(true));
    const { findings } = await runCheck(securityHeadersCheck, { api, baseUrl: server.url, samples: await samplesFor(server) });
    expect(findings.some((f) => f.key === 'strict-transport-security')).toBe(false);
    // The same answers seen through an https base URL lack HSTS.
    const samples = await samplesFor(server);
    const https = new URL(server.url.toString().replace('http:', 'https:'));
    const { findings: onHttps } = await runCheck(securityHeadersCheck, { api, baseUrl: https, samples });
    expect(onHttps.map((f) => f.key)).toEqual(['strict-transport-security']);
  });
});
