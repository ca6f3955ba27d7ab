import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cookieValue, safeReturn, type HttpGuardOptions } from './http-guard.js';
import { bouncerMiddleware, type BouncerMiddleware } from './node-middleware.js';
import { decision, startStubLapi, type StubLapi } from './test-kit.js';

let stub: StubLapi;
beforeAll(async () => {
  stub = await startStubLapi();
});
afterAll(async () => stub.close());

interface App {
  url: string;
  mw: BouncerMiddleware;
  close(): Promise<void>;
}
const apps: App[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

/** A node:http app behind the middleware, on 127.0.0.1 (so the client is 127.0.0.1). */
async function app(options: Partial<HttpGuardOptions> = {}): Promise<App> {
  const mw = bouncerMiddleware({ url: stub.url, apiKey: stub.key, ...options });
  const server = http.createServer(mw.wrap((_req, res) => res.end('hello')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a: App = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mw,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mw.close();
    },
  };
  apps.push(a);
  return a;
}

function formField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return m ? m[1].replace(/&amp;/g, '&') : '';
}

function solve(html: string): string {
  const m = /What is (\d+) ([+−]) (\d+)\?/.exec(html)!;
  return String(m[2] === '+' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3]));
}

const post = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

describe('HTTP guard through node:http', () => {
  it('answers a banned client with a self-contained 403 page, or JSON for API clients', async () => {
    stub.decisions = [decision('127.0.0.1')];
    const a = await app();
    const html = await fetch(`${a.url}/x`);
    expect(html.status).toBe(403);
    const body = await html.text();
    expect(body).toContain('Access denied');
    expect(body).toContain('127.0.0.1');
    expect(body).not.toMatch(/<(link|img|script)\b|src=|href=/);
    const json = await fetch(`${a.url}/x`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({ message: 'access forbidden', remediation: 'ban' });
    expect(a.mw.guard.metrics().banned).toBe(2);
  });

  it('lets other clients through to the handler', async () => {
    stub.decisions = [decision('192.0.2.1')];
    const a = await app();
    const r = await fetch(`${a.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('hello');
  });

  it('gives a captcha, and a right answer earns a cookie that lets the client through', async () => {
    stub.decisions = [decision('127.0.0.1', { type: 'captcha' })];
    const a = await app({ captcha: { secret: 'a-test-secret-of-32-bytes-length' } });
    const page = await fetch(`${a.url}/shop?item=1`);
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain('action="/.herd/captcha"');
    expect(formField(html, 'return')).toBe('/shop?item=1');

    const answer = await post(`${a.url}/.herd/captcha`, { token: formField(html, 'token'), answer: solve(html), return: '/shop?item=1' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/shop?item=1');
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^herd_captcha=p1\.[^;]+; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/);

    const through = await fetch(`${a.url}/shop?item=1`, { headers: { cookie: `theme=dark; ${cookie.split(';')[0]}` } });
    expect(through.status).toBe(200);

    // The same solved form again: refused.
    const replay = await post(`${a.url}/.herd/captcha`, { token: formField(html, 'token'), answer: solve(html), return: '/' });
    expect(replay.status).toBe(403);
    expect(await replay.text()).toContain('already answered');
    expect(a.mw.guard.metrics()).toMatchObject({ captchaSolved: 1, captchaFailed: 1 });
  });

  it('shows a new question after a wrong answer, and never redirects off the site', async () => {
    stub.decisions = [decision('127.0.0.1', { type: 'captcha' })];
    const a = await app();
    const html = await (await fetch(`${a.url}/.herd/captcha?return=/a`)).text();
    const wrong = await post(`${a.url}/.herd/captcha`, { token: formField(html, 'token'), answer: String(Number(solve(html)) + 1), return: '/a' });
    expect(wrong.status).toBe(403);
    const again = await wrong.text();
    expect(again).toContain('not right');
    const ok = await post(`${a.url}/.herd/captcha`, { token: formField(again, 'token'), answer: solve(again), return: '//evil.example/' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
  });

  it('treats a custom remediation as the fallback (ban by default, or allow)', async () => {
    stub.decisions = [decision('127.0.0.1', { type: 'throttle' })];
    const banning = await app();
    expect((await fetch(`${banning.url}/`)).status).toBe(403);
    const lenient = await app({ fallbackRemediation: 'allow' });
    expect((await fetch(`${lenient.url}/`)).status).toBe(200);
  });

  it('verifies a third-party captcha with the provider siteverify endpoint (a local one here)', async () => {
    const seen: URLSearchParams[] = [];
    const verify = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        seen.push(form);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: form.get('response') === 'solved-token' }));
      });
    });
    await new Promise<void>((resolve) => verify.listen(0, '127.0.0.1', resolve));
    try {
      stub.decisions = [decision('127.0.0.1', { type: 'captcha' })];
      const verifyUrl = `http://127.0.0.1:${(verify.address() as AddressInfo).port}/siteverify`;
      const a = await app({ captcha: { provider: { kind: 'turnstile', siteKey: 'site-key', secretKey: 'secret-key', verifyUrl } } });
      const html = await (await fetch(`${a.url}/`)).text();
      expect(html).toContain('class="cf-turnstile" data-sitekey="site-key"');
      expect(html).toContain('https://challenges.cloudflare.com/turnstile/v0/api.js');
      expect((await post(`${a.url}/.herd/captcha`, { 'cf-turnstile-response': 'bad', return: '/' })).status).toBe(403);
      const ok = await post(`${a.url}/.herd/captcha`, { 'cf-turnstile-response': 'solved-token', return: '/' });
      expect(ok.status).toBe(303);
      expect(seen[1].get('secret')).toBe('secret-key');
      expect(seen[1].get('remoteip')).toBe('127.0.0.1');
    } finally {
      await new Promise<void>((resolve) => verify.close(() => resolve()));
    }
  });
});

describe('guard helpers', () => {
  it('keeps the way back on this site', () => {
    expect(safeReturn('/a/b?c=d')).toBe('/a/b?c=d');
    for (const bad of [null, '', 'https://evil.example/', '//evil.example', '/\\evil.example', '/a\r\nSet-Cookie: x=y', 'javascript:alert(1)']) {
      expect(safeReturn(bad)).toBe('/');
    }
  });

  it('reads one cookie among others, by exact name', () => {
    expect(cookieValue('a=1; herd_captcha=xyz; b=2', 'herd_captcha')).toBe('xyz');
    expect(cookieValue('not_herd_captcha=1', 'herd_captcha')).toBeNull();
    expect(cookieValue('herd_captcha=abc', 'herd_captcha')).toBe('abc');
  });
});
