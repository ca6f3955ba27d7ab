import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpScanClient } from '../http/scan-client.js';
import { loadOpenApi } from '../spec/openapi-load.js';
import { apiRoot } from '../explore/build-request.js';
import { autoUsers, signupAndLogin, tokenPathIn } from './auto-users.js';
import { UserCredentials } from './credentials.js';

/** A VAmPI-like API: anyone may register, then log in for a token under `auth_token`. */
let server: Server;
let base: URL;
const accounts = new Map<string, { email: string; password: string }>();
const tokens = new Map<string, string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const body = (() => {
        try {
          return JSON.parse(text) as Record<string, string>;
        } catch {
          return {};
        }
      })();
      if (req.url === '/users/v1/register' && req.method === 'POST') {
        if (!body.username || !body.password || accounts.has(body.username)) return res.writeHead(400).end('{}');
        accounts.set(body.username, { email: body.email ?? '', password: body.password });
        return res.end('{"status":"success"}');
      }
      if (req.url === '/users/v1/login' && req.method === 'POST') {
        const a = accounts.get(body.username ?? '');
        if (a === undefined || a.password !== body.password) return res.writeHead(401).end('{}');
        const token = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(body.username!).toString('base64url')}.c2lnbmF0dXJl`;
        tokens.set(token, body.username!);
        return res.end(JSON.stringify({ status: 'success', auth_token: token }));
      }
      if (req.url === '/users/v1/me') {
        const who = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        return who === undefined ? res.writeHead(401).end('{}') : res.end(JSON.stringify({ username: who }));
      }
      res.writeHead(404).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const user = { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, email: { type: 'string', format: 'email' }, password: { type: 'string' } } };
const spec = {
  openapi: '3.0.3',
  info: { title: 'vampi-like', version: '1' },
  paths: {
    '/users/v1/register': { post: { requestBody: { content: { 'application/json': { schema: user } } }, responses: { '200': { description: 'ok' } } } },
    '/users/v1/login': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } } } }, responses: { '200': { description: 'ok' } } } },
    '/users/v1/me': { get: { responses: { '200': { description: 'ok' } } } },
  },
};

describe('signing scan users up when none are given', () => {
  it('finds the sign-up and login operations, and the token in a login answer', async () => {
    const api = await loadOpenApi(spec, 'spec');
    expect(signupAndLogin(api)).toMatchObject({ register: { path: '/users/v1/register' }, login: { path: '/users/v1/login' } });
    expect(tokenPathIn({ status: 'ok', data: { auth_token: 'abcdefghijklmnopqrstuvwxyz' } })).toBe('data.auth_token');
    expect(tokenPathIn({ message: 'welcome back, dear user' })).toBeUndefined();
  });

  it('registers two users who then log in like configured ones (and again after a 401)', async () => {
    const api = await loadOpenApi(spec, 'spec');
    const client = new HttpScanClient({ baseUrl: base, budget: 100, ratePerSecond: 0, concurrency: 2, timeoutMs: 2000, maxBodyBytes: 1 << 20, safe: false });
    const users = await autoUsers({ api, root: apiRoot(base, api.servers), send: (r) => client.sendRaw(r) });
    expect(users.map((u) => u.name)).toEqual([expect.stringMatching(/^herda/), expect.stringMatching(/^herdb/)]);
    expect(accounts.size).toBe(2);
    const credentials = new UserCredentials([], base);
    credentials.add(users);
    const authed = new HttpScanClient({ baseUrl: base, budget: 100, ratePerSecond: 0, concurrency: 2, timeoutMs: 2000, maxBodyBytes: 1 << 20, safe: false, credentials });
    for (const u of users) {
      const me = await authed.send({ method: 'GET', url: new URL('/users/v1/me', base).toString(), headers: {} }, { as: u.name });
      expect(JSON.parse(me.response!.body)).toEqual({ username: u.name });
    }
  });

  it('does nothing for an API without a way to sign up', async () => {
    const api = await loadOpenApi({ ...spec, paths: { '/users/v1/login': spec.paths['/users/v1/login'] } }, 'spec');
    expect(signupAndLogin(api)).toBeUndefined();
    expect(await autoUsers({ api, root: apiRoot(base, api.servers), send: () => Promise.reject(new Error('must not send')) })).toEqual([]);
  });
});
