import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpScanClient, type ScanClientOptions } from './scan-client.js';
import { UserCredentials } from '../auth/credentials.js';

let server: Server;
let base: URL;
let logins = 0;
let validToken = 'token-1';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (path === '/login') {
        logins++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: validToken }));
      } else if (path === '/me') {
        const ok = req.headers.authorization === `Bearer ${validToken}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? '{"name":"alice"}' : '{}');
      } else if (path === '/big') {
        res.end('x'.repeat(100_000));
      } else if (path === '/stall') {
        res.writeHead(200);
        res.write('partial');
      } else if (path === '/away') {
        res.writeHead(302, { location: 'http://example.com/' });
        res.end();
      } else {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2']);
        res.end(`${req.method} ${body}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(o: Partial<ScanClientOptions> = {}): HttpScanClient {
  return new HttpScanClient({ baseUrl: base, budget: 100, ratePerSecond: 0, concurrency: 2, timeoutMs: 2000, maxBodyBytes: 1 << 20, safe: false, ...o });
}

describe('HttpScanClient', () => {
  it('refuses other origins, without sending anything', async () => {
    const c = client();
    const ex = await c.send({ method: 'GET', url: 'http://127.0.0.1:1/x', headers: {} });
    expect(ex.response).toBeNull();
    expect(ex.error).toMatch(/outside the scanned origin/);
    expect(c.stats).toMatchObject({ requests: 0, refused: 1 });
  });

  it('returns redirects instead of following them', async () => {
    const ex = await client().send({ method: 'GET', url: new URL('/away', base).toString(), headers: {} });
    expect(ex.response?.status).toBe(302);
    expect(ex.response?.headers.location).toBe('http://example.com/');
  });

  it('refuses mutating methods under --safe and stops at the budget', async () => {
    const safe = client({ safe: true });
    expect((await safe.send({ method: 'POST', url: new URL('/x', base).toString(), headers: {}, body: 'b' })).error).toMatch(/--safe/);
    expect((await safe.send({ method: 'GET', url: new URL('/x', base).toString(), headers: {} })).response?.status).toBe(200);
    const small = client({ budget: 2 });
    for (let i = 0; i < 2; i++) expect((await small.send({ method: 'GET', url: new URL('/x', base).toString(), headers: {} })).response).not.toBeNull();
    expect((await small.send({ method: 'GET', url: new URL('/x', base).toString(), headers: {} })).error).toMatch(/budget/);
    expect(small.canSend()).toBe(false);
  });

  it('cuts bodies at the size limit and gives up on a stalled body at the timeout', async () => {
    const c = client({ maxBodyBytes: 1000, timeoutMs: 300 });
    const big = await c.send({ method: 'GET', url: new URL('/big', base).toString(), headers: {} });
    expect(big.response?.body.length).toBe(1000);
    expect(big.response?.truncated).toBe(true);
    const stalled = await c.send({ method: 'GET', url: new URL('/stall', base).toString(), headers: {} });
    expect(stalled.response).toBeNull();
    expect(stalled.error).toMatch(/within 300 ms/);
  });

  it('keeps every Set-Cookie line', async () => {
    const ex = await client().send({ method: 'GET', url: new URL('/x', base).toString(), headers: {} });
    expect(ex.response?.headers['set-cookie']).toBe('a=1; Path=/\nb=2');
  });

  it('logs a user in once, and again after a 401 (token refresh)', async () => {
    logins = 0;
    const credentials = new UserCredentials([{ name: 'alice', role: 'user', auth: { login: { path: '/login', body: { u: 'alice' }, tokenPath: 'token' } } }], base);
    const c = client({ credentials });
    const me = () => c.send({ method: 'GET', url: new URL('/me', base).toString(), headers: {} }, { as: 'alice' });
    expect((await Promise.all([me(), me()])).map((e) => e.response?.status)).toEqual([200, 200]);
    expect(logins).toBe(1);
    validToken = 'token-2';
    expect((await me()).response?.status).toBe(200);
    expect(logins).toBe(2);
    expect(c.tokenOf('alice')).toBe('token-2');
    // --safe refuses mutating requests, but not the configured login.
    const safe = client({ safe: true, credentials: new UserCredentials([{ name: 'bob', role: 'user', auth: { login: { path: '/login', tokenPath: 'token' } } }], base) });
    expect((await safe.send({ method: 'GET', url: new URL('/me', base).toString(), headers: {} }, { as: 'bob' })).response?.status).toBe(200);
    // Anonymous requests carry no credentials.
    expect((await c.send({ method: 'GET', url: new URL('/me', base).toString(), headers: {} })).response?.status).toBe(401);
  });
});
