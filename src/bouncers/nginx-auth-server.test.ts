import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNginxAuthServer, type NginxAuthServer } from './nginx-auth-server.js';
import { decision, startStubLapi, type StubLapi } from './test-kit.js';

/** The auth_request endpoint asked directly, as nginx would (test/bouncers/nginx.test.ts runs a real nginx). */

let stub: StubLapi;
let auth: NginxAuthServer;
let port: number;
beforeAll(async () => {
  stub = await startStubLapi();
  stub.decisions = [decision('192.0.2.1'), decision('192.0.2.2', { id: 2, type: 'captcha' }), decision('127.0.0.5', { id: 3 })];
  auth = createNginxAuthServer({ url: stub.url, apiKey: stub.key, mode: 'stream', listen: '127.0.0.1:0' });
  port = (await auth.listen()).port;
});
afterAll(async () => {
  await auth.close();
  await stub.close();
});

function ask(headers: Record<string, string>, path = '/herd-auth', from = '127.0.0.1'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, localAddress: from, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('nginx auth_request endpoint', () => {
  it('answers 200 for a clean address and 403 for a banned one, read from X-Real-IP set by nginx', async () => {
    expect((await ask({ 'x-real-ip': '198.51.100.1' })).status).toBe(200);
    expect((await ask({ 'x-real-ip': '192.0.2.1' })).status).toBe(403);
  });

  it('answers 401 with the captcha page to redirect to, keeping the original URI', async () => {
    const r = await ask({ 'x-real-ip': '192.0.2.2', 'x-original-uri': '/cart?id=3' });
    expect(r.status).toBe(401);
    expect(r.headers['x-herd-redirect']).toBe('/.herd/captcha?return=%2Fcart%3Fid%3D3');
  });

  it('does not believe the address header from a peer that is not nginx', async () => {
    expect((await ask({ 'x-real-ip': '192.0.2.1' }, '/herd-auth', '127.0.0.6')).status).toBe(200);
    expect((await ask({ 'x-real-ip': '198.51.100.1' }, '/herd-auth', '127.0.0.5')).status).toBe(403);
  });

  it('serves the captcha page and the ban page for nginx to proxy', async () => {
    const page = await ask({ 'x-real-ip': '192.0.2.2' }, '/.herd/captcha?return=/cart');
    expect(page.status).toBe(200);
    expect(page.body).toContain('What is');
    const ban = await ask({ 'x-real-ip': '192.0.2.1' }, '/.herd/ban');
    expect(ban.status).toBe(403);
    expect(ban.body).toContain('192.0.2.1');
  });

  it('refuses a listen address that is not host:port', () => {
    expect(() => createNginxAuthServer({ url: stub.url, apiKey: stub.key, listen: 'localhost' })).toThrow(/host:port/);
  });
});
