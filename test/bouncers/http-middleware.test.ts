import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { fastify } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bouncerMiddleware, herdBouncer, type HttpGuard, type HttpGuardOptions } from '../../src/bouncers/index.js';
import { deadApiUrl, startHerdApi, type HerdApi } from './herd-api.js';

/**
 * Express and Fastify apps on 127.0.0.1 behind herd's bouncer, against herd's real local API.
 * Every address of 127.0.0.0/8 is local on Linux, so clients connect from chosen addresses:
 * 127.0.0.5 is banned, 127.0.0.6 is not, 127.0.0.7 must solve a captcha, and 127.0.0.9 is a
 * trusted reverse proxy (a real HTTP server that appends X-Forwarded-For).
 */

const BANNED = '127.0.0.5';
const CLEAN = '127.0.0.6';
const CAPTCHA = '127.0.0.7';
const PROXY = '127.0.0.9';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, o: { from: string; path?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: o.path ?? '/', method: o.method ?? 'GET', localAddress: o.from, headers: o.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

interface RunningApp {
  port: number;
  guard: HttpGuard;
  close(): Promise<void>;
}

type Framework = (options: HttpGuardOptions) => Promise<RunningApp>;

const expressApp: Framework = async (options) => {
  const mw = bouncerMiddleware(options);
  await mw.ready;
  const app = express();
  app.use(mw);
  app.get('/', (_req, res) => {
    res.send('welcome');
  });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    guard: mw.guard,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mw.close();
    },
  };
};

const fastifyApp: Framework = async (options) => {
  const app = fastify();
  await app.register(herdBouncer, options);
  app.get('/', async () => 'welcome');
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: (app.server.address() as AddressInfo).port,
    guard: (app as unknown as { herdBouncer: HttpGuard }).herdBouncer,
    close: () => app.close(),
  };
};

/** A reverse proxy on 127.0.0.1 that reaches the app from 127.0.0.9 and appends X-Forwarded-For. */
async function startProxy(appPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const prior = req.headers['x-forwarded-for'];
    const xff = prior ? `${prior}, ${req.socket.remoteAddress}` : req.socket.remoteAddress!;
    const up = http.request(
      { host: '127.0.0.1', port: appPort, path: req.url, method: req.method, localAddress: PROXY, agent: false, headers: { ...req.headers, 'x-forwarded-for': xff } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function solve(html: string): { token: string; answer: string } {
  const m = /What is (\d+) ([+−]) (\d+)\?/.exec(html)!;
  const token = /name="token" value="([^"]*)"/.exec(html)![1];
  return { token, answer: String(m[2] === '+' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3])) };
}

let api: HerdApi;
beforeAll(async () => {
  api = await startHerdApi();
  await api.ban(BANNED);
  await api.ban(CAPTCHA, { type: 'captcha' });
});
afterAll(async () => api?.stop());

describe.each([
  ['Express', expressApp],
  ['Fastify', fastifyApp],
] as const)('%s behind the herd bouncer', (_name, start) => {
  for (const mode of ['live', 'stream'] as const) {
    it(`${mode} mode: a banned address gets 403 and others pass`, async () => {
      const app = await start({ url: api.url, apiKey: api.key, mode });
      try {
        const banned = await request(app.port, { from: BANNED });
        expect(banned.status).toBe(403);
        expect(banned.body).toContain('Access denied');
        const clean = await request(app.port, { from: CLEAN });
        expect(clean.status).toBe(200);
        expect(clean.body).toBe('welcome');
      } finally {
        await app.close();
      }
    });
  }

  it('behind a trusted proxy, bans the real client and ignores what the client forged', async () => {
    const app = await start({ url: api.url, apiKey: api.key, mode: 'stream', trustedProxies: [PROXY] });
    const proxy = await startProxy(app.port);
    try {
      expect((await request(proxy.port, { from: BANNED })).status).toBe(403);
      expect((await request(proxy.port, { from: CLEAN })).status).toBe(200);
      // A banned client claiming to be someone else, through the proxy: still banned.
      expect((await request(proxy.port, { from: BANNED, headers: { 'x-forwarded-for': CLEAN } })).status).toBe(403);
      // A clean client cannot get someone else banned either.
      expect((await request(proxy.port, { from: CLEAN, headers: { 'x-forwarded-for': BANNED } })).status).toBe(200);
    } finally {
      await proxy.close();
      await app.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const app = await start({ url: api.url, apiKey: api.key, mode: 'live', trustedProxies: [PROXY] });
    try {
      expect((await request(app.port, { from: BANNED, headers: { 'x-forwarded-for': CLEAN } })).status).toBe(403);
      expect((await request(app.port, { from: CLEAN, headers: { 'x-forwarded-for': BANNED, 'x-real-ip': BANNED } })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('lets a client with a captcha decision through once it answers the challenge', async () => {
    const app = await start({ url: api.url, apiKey: api.key, mode: 'stream' });
    try {
      const page = await request(app.port, { from: CAPTCHA, path: '/' });
      expect(page.status).toBe(403);
      const { token, answer } = solve(page.body);
      const form = new URLSearchParams({ token, answer, return: '/' }).toString();
      const posted = await request(app.port, { from: CAPTCHA, path: '/.herd/captcha', method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(posted.status).toBe(303);
      const cookie = String(posted.headers['set-cookie']).split(';')[0];
      expect((await request(app.port, { from: CAPTCHA, headers: { cookie } })).status).toBe(200);
      // The cookie is bound to the address that solved it.
      expect((await request(app.port, { from: BANNED, headers: { cookie } })).status).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('stream mode: a deleted decision stops applying at the next pull', async () => {
    const extra = '127.0.0.8';
    await api.ban(extra);
    const app = await start({ url: api.url, apiKey: api.key, mode: 'stream' });
    try {
      expect((await request(app.port, { from: extra })).status).toBe(403);
      await api.unban(extra);
      await app.guard.bouncer.pull();
      expect((await request(app.port, { from: extra })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('API down: fail-open lets everyone through, fail-closed bans everyone', async () => {
    const url = await deadApiUrl();
    const open = await start({ url, apiKey: api.key, mode: 'live', failMode: 'open' });
    const closed = await start({ url, apiKey: api.key, mode: 'live', failMode: 'closed' });
    try {
      expect((await request(open.port, { from: BANNED })).status).toBe(200);
      expect((await request(closed.port, { from: CLEAN })).status).toBe(403);
      expect(open.guard.bouncer.metrics()).toMatchObject({ failOpen: 1, apiReachable: false });
      expect(closed.guard.bouncer.metrics()).toMatchObject({ failClosed: 1, apiReachable: false });
    } finally {
      await open.close();
      await closed.close();
    }
  });
});

describe('API going down under a running app', () => {
  it('live mode fails open once herd API stops, and answers from the API again when a new one is up', async () => {
    const own = await startHerdApi();
    await own.ban(BANNED);
    const app = await expressApp({ url: own.url, apiKey: own.key, mode: 'live', cacheTtl: 0, retryAfter: 0 });
    try {
      expect((await request(app.port, { from: BANNED })).status).toBe(403);
      await own.stop();
      expect((await request(app.port, { from: BANNED })).status).toBe(200);
      expect(app.guard.bouncer.metrics()).toMatchObject({ failOpen: 1, apiErrors: 1 });
    } finally {
      await app.close();
      await own.stop();
    }
  });
});
