import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHerd } from './support/herd-cli.js';

/**
 * A hostile API cannot hang or crash `herd scan`, and the scan never sends a request outside the
 * base URL's origin: the target's description names another origin as its server, redirects there,
 * answers slowly, sends endless bodies, invalid JSON and endless pagination. A second server on
 * another port (another origin) counts every request it gets: it must get none (the description's
 * external `$ref` to it included: external references are not resolved).
 */

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

let outside: { server: Server; port: number };
let hostile: { server: Server; port: number };
let outsideHits = 0;
let dir: string;

function spec(otherPort: number): unknown {
  const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
  return {
    openapi: '3.0.3',
    info: { title: 'hostile', version: '1' },
    servers: [{ url: `http://127.0.0.1:${otherPort}/` }],
    paths: {
      '/slow': { get: { responses: ok } },
      '/huge': { get: { responses: ok } },
      '/redirect': { get: { responses: ok } },
      '/bad-json': { get: { responses: ok } },
      '/items': {
        get: { parameters: [{ name: 'page', in: 'query', schema: { type: 'integer' } }, { name: 'url', in: 'query', schema: { type: 'string', format: 'uri' } }], responses: ok },
        post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' }, callback: { type: 'string', format: 'uri' } } } } } }, responses: ok },
      },
      '/items/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } },
      '/external': { $ref: `http://127.0.0.1:${otherPort}/paths.json` },
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herd-scan-hostile-'));
  outside = await listen((_req, res) => {
    outsideHits++;
    res.end('{}');
  });
  hostile = await listen((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    if (path === '/openapi.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(spec(outside.port)));
    } else if (path === '/slow') {
      // Headers now, the body never: only the client's timeout ends it.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
    } else if (path === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    } else if (path === '/redirect' || path.startsWith('/items/')) {
      res.writeHead(302, { location: `http://127.0.0.1:${outside.port}/stolen` });
      res.end();
    } else if (path === '/bad-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": 1, "items": [1, 2,, }');
    } else if (path === '/items') {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1') || 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [{ id: `i${page}`, next: `http://127.0.0.1:${outside.port}/items?page=${page + 1}` }], next: `/items?page=${page + 1}` }));
    } else {
      res.writeHead(302, { location: `http://127.0.0.1:${outside.port}${path}` });
      res.end();
    }
  });
});

afterAll(async () => {
  for (const s of [outside, hostile]) {
    s.server.closeAllConnections();
    await new Promise((r) => s.server.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('herd scan against a hostile API', () => {
  it('finishes with a report, within its limits, and never contacts another origin', async () => {
    const started = Date.now();
    const report = join(dir, 'report.json');
    const r = await runHerd(
      ['scan', '--url', `http://127.0.0.1:${hostile.port}`, '--openapi', `http://127.0.0.1:${hostile.port}/openapi.json`, '--timeout', '1500', '--budget', '400', '--json', report, '--fail-on', 'none', '--quiet'],
      { timeoutMs: 180_000 },
    );
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(report, 'utf8')) as { stats: { requests: number; errors: number } };
    expect(result.stats.requests).toBeLessThanOrEqual(400);
    // The slow body counts as an error (timeout), not as a hang.
    expect(result.stats.errors, r.stdout + r.stderr).toBeGreaterThan(0);
    expect(outsideHits).toBe(0);
    expect(Date.now() - started).toBeLessThan(170_000);
  });
});
