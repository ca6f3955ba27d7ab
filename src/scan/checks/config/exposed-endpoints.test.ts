import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exposedEndpointsCheck } from './exposed-endpoints.js';
import { isSecretName, SENSITIVE_PATHS } from './sensitive-paths.js';
import { newClient, operation, restApi, runCheck, startServer, type TestServer } from './test-kit.js';
import type { Exchange } from '../../model.js';

const api = restApi([operation('GET', '/api/products'), operation('GET', '/api/admin/users', { requiresAuth: true })]);

const DOTENV = ['# production settings', 'NODE_ENV=production', 'PORT=8080', 'DB_HOST=db.internal', 'DB_PASSWORD=s3cr3t-Pa55', 'JWT_SECRET=7f1c0e9a2b'].join('\n');

function vulnerable(app: FastifyInstance): void {
  app.get('/.env', async (_req, reply) => reply.type('text/plain').send(DOTENV));
  app.get('/debug/vars', async () => ({
    pid: 4242,
    uptime: 12.5,
    memoryUsage: { rss: 52_000_000, heapUsed: 21_000_000 },
    versions: { node: '20.20.2', v8: '11.3' },
    config: { port: 8080, logLevel: 'debug' },
  }));
  app.get('/.git/HEAD', async (_req, reply) => reply.type('text/plain').send('ref: refs/heads/main\n'));
  app.get('/.git/config', async (_req, reply) => reply.type('text/plain').send('[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n'));
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain').send('# HELP http_requests_total Requests\n# TYPE http_requests_total counter\nhttp_requests_total 12\n# HELP up Up\n# TYPE up gauge\nup 1\n'),
  );
  app.get('/api/products', async () => [{ id: 1 }]);
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('config.exposed-endpoints', () => {
  it('reports an environment file with secrets as high, at GET /.env', async () => {
    server = await startServer(vulnerable);
    const { findings } = await runCheck(exposedEndpointsCheck, { api, baseUrl: server.url });
    const env = findings.find((f) => f.location === 'GET /.env');
    expect(env?.severity).toBe('high');
    expect(env?.detail).toContain('environment file with 5 variables, secrets among them');
    // The answer and the random-path baseline it was compared with.
    expect(env?.evidence.map((e) => e.response?.status)).toEqual([200, 404]);
  });

  it('reports a process dump at /debug/vars, the Git repository once, and Prometheus metrics', async () => {
    server = await startServer(vulnerable);
    const { findings } = await runCheck(exposedEndpointsCheck, { api, baseUrl: server.url });
    expect(findings.map((f) => f.location).sort()).toEqual(['GET /.env', 'GET /.git/config', 'GET /debug/vars', 'GET /metrics']);
    expect(findings.find((f) => f.location === 'GET /debug/vars')?.severity).toBe('medium');
  });

  it('stays silent when every sensitive path answers 404, sending only GET requests without credentials', async () => {
    const sent: Exchange[] = [];
    server = await startServer((app) => app.get('/api/products', async () => [{ id: 1 }]));
    const { findings } = await runCheck(exposedEndpointsCheck, { api, baseUrl: server.url, client: newClient(server.url, { sent }) });
    expect(findings).toEqual([]);
    expect(sent.length).toBe(SENSITIVE_PATHS.length);
    expect(sent.every((e) => e.request.method === 'GET' && e.request.headers.authorization === undefined)).toBe(true);
  });

  it('stays silent on a single-page app that answers every path with its index page', async () => {
    server = await startServer((app) => {
      app.setNotFoundHandler(async (_req, reply) => reply.code(200).type('text/html').send('<!doctype html><html><head><title>Shop</title></head><body><div id="root"></div></body></html>'));
    });
    const { findings } = await runCheck(exposedEndpointsCheck, { api, baseUrl: server.url });
    expect(findings).toEqual([]);
  });

  it('stays silent on a catch-all whose answer to any path looks like the file', async () => {
    // Answers KEY=VALUE lines naming the requested path: an .env look-alike everywhere.
    server = await startServer((app) => {
      app.setNotFoundHandler(async (req, reply) => reply.code(200).type('text/plain').send(`STATUS=missing\nPATH=${req.url}\nHINT=see-docs\n`));
    });
    const { findings } = await runCheck(exposedEndpointsCheck, { api, baseUrl: server.url });
    expect(findings).toEqual([]);
  });

  it('does not report a path the API documents', async () => {
    server = await startServer(vulnerable);
    const documented = restApi([operation('GET', '/metrics')]);
    const { findings } = await runCheck(exposedEndpointsCheck, { api: documented, baseUrl: server.url });
    expect(findings.some((f) => f.location === 'GET /metrics')).toBe(false);
    expect(findings.some((f) => f.location === 'GET /.env')).toBe(true);
  });

  it('looks under the base URL path and at the origin root', async () => {
    server = await startServer((app) => {
      app.get('/service/.env', async (_req, reply) => reply.type('text/plain').send(DOTENV));
    });
    const { findings } = await runCheck(exposedEndpointsCheck, { api, baseUrl: new URL('/service/', server.url) });
    expect(findings.map((f) => f.location)).toEqual(['GET /service/.env']);
  });

  it('recognizes secret names by their words, not by substrings', () => {
    expect(['DB_PASSWORD', 'clientSecret', 'AWS_SECRET_ACCESS_KEY', 'apiKey', 'STRIPE_API_KEY', 'DATABASE_URL', 'authToken'].filter((n) => !isSecretName(n))).toEqual([]);
    expect(['PASSENGER_COUNT', 'author', 'TOKEN_TTL', 'PUBLIC_KEY', 'primaryKey', 'PASSWORD_MIN_LENGTH', 'keyboard'].filter((n) => isSecretName(n))).toEqual([]);
  });
});
