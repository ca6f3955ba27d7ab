import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNginxAuthServer, type NginxAuthServer } from '../../src/bouncers/index.js';
import { startHerdApi, type HerdApi } from './herd-api.js';

/**
 * A real nginx in front of a small site, asking herd's auth endpoint with `auth_request` — the
 * configuration documented in src/bouncers/index.ts — against herd's real API. Clients connect
 * from chosen loopback addresses: 127.0.0.5 banned, 127.0.0.7 must solve a captcha, 127.0.0.6
 * clean. Skipped, saying why, when nginx is not installed (apt-get install nginx-light).
 */

function nginxMissing(): string | null {
  const r = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'nginx is not installed (apt-get install nginx-light)';
  if (!r.stderr.includes('http_auth_request_module')) return 'this nginx has no auth_request module';
  return null;
}
const skip = nginxMissing();
if (skip !== null) console.warn(`nginx end-to-end test skipped: ${skip}`);

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, o: { from: string; path?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: o.path ?? '/', method: o.method ?? 'GET', localAddress: o.from, headers: o.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

function nginxConf(dir: string, port: number, authPort: number, sitePort: number): string {
  return `
daemon off;
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location = /herd-auth {
      internal;
      proxy_pass http://127.0.0.1:${authPort};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Original-URI $request_uri;
    }
    location /.herd/ {
      proxy_pass http://127.0.0.1:${authPort};
      proxy_set_header X-Real-IP $remote_addr;
    }
    location / {
      auth_request /herd-auth;
      auth_request_set $herd_redirect $upstream_http_x_herd_redirect;
      error_page 401 = @herd_captcha;
      error_page 403 = @herd_ban;
      proxy_pass http://127.0.0.1:${sitePort};
    }
    location @herd_captcha { return 302 $herd_redirect; }
    location @herd_ban {
      rewrite ^ /.herd/ban break;
      proxy_pass http://127.0.0.1:${authPort};
      proxy_set_header X-Real-IP $remote_addr;
    }
  }
}
`;
}

describe.skipIf(skip !== null)(`nginx auth_request with herd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let api: HerdApi;
  let auth: NginxAuthServer;
  let site: http.Server;
  let nginx: ChildProcess;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    api = await startHerdApi();
    await api.ban('127.0.0.5');
    await api.ban('127.0.0.7', { type: 'captcha' });
    auth = createNginxAuthServer({ url: api.url, apiKey: api.key, mode: 'stream', listen: '127.0.0.1:0' });
    const authPort = (await auth.listen()).port;
    site = http.createServer((req, res) => res.end(`welcome to ${req.url}`));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'herd-nginx-'));
    port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port, authPort, (site.address() as AddressInfo).port));
    nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    // Ready when it answers (bounded: 100 tries).
    for (let i = 0; i < 100; i++) {
      const ok = await request(port, { from: '127.0.0.6', path: '/health' }).then(
        () => true,
        () => false,
      );
      if (ok) return;
      if (nginx.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
  });

  afterAll(async () => {
    if (nginx?.pid !== undefined && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
    await auth?.close();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets a clean client through to the site', async () => {
    const r = await request(port, { from: '127.0.0.6', path: '/page' });
    expect(r.status).toBe(200);
    expect(r.body).toBe('welcome to /page');
  });

  it('shows a banned client herd ban page with status 403', async () => {
    const r = await request(port, { from: '127.0.0.5', path: '/page' });
    expect(r.status).toBe(403);
    expect(r.body).toContain('Access denied');
    expect(r.body).toContain('127.0.0.5');
  });

  it('ignores an address header a client sends to nginx', async () => {
    expect((await request(port, { from: '127.0.0.5', headers: { 'x-real-ip': '127.0.0.6', 'x-forwarded-for': '127.0.0.6' } })).status).toBe(403);
    expect((await request(port, { from: '127.0.0.6', headers: { 'x-real-ip': '127.0.0.5' } })).status).toBe(200);
  });

  it('redirects a captcha client to the challenge, and lets it through once solved', async () => {
    const first = await request(port, { from: '127.0.0.7', path: '/cart?id=3' });
    expect(first.status).toBe(302);
    expect(first.headers.location).toMatch(/\/\.herd\/captcha\?return=%2Fcart%3Fid%3D3$/);
    const page = await request(port, { from: '127.0.0.7', path: '/.herd/captcha?return=%2Fcart%3Fid%3D3' });
    expect(page.status).toBe(200);
    const m = /What is (\d+) ([+−]) (\d+)\?/.exec(page.body)!;
    const answer = String(m[2] === '+' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3]));
    const token = /name="token" value="([^"]*)"/.exec(page.body)![1];
    const posted = await request(port, {
      from: '127.0.0.7',
      path: '/.herd/captcha',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, answer, return: '/cart?id=3' }).toString(),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/cart?id=3');
    const cookie = String(posted.headers['set-cookie']).split(';')[0];
    const after = await request(port, { from: '127.0.0.7', path: '/cart?id=3', headers: { cookie } });
    expect(after.status).toBe(200);
    expect(after.body).toBe('welcome to /cart?id=3');
  });
});
