import { existsSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTarget } from '../types.js';
import { REST_VULNERABILITIES, WEAK_JWT_SECRET, startRestTarget } from './index.js';
import { TestClock, call, jwtPayload, login, query, rawJwt } from './test-client.js';

/**
 * The REST target is honest: every documented flaw is exploited here with the real request on the
 * vulnerable variant, and the same request fails on the fixed twin. Injection flaws are in
 * rest-target-injection.test.ts.
 */

let vuln: RunningTarget;
let fixed: RunningTarget;

beforeAll(async () => {
  [vuln, fixed] = await Promise.all([startRestTarget('vulnerable'), startRestTarget('fixed')]);
});
afterAll(async () => {
  await Promise.all([vuln?.close(), fixed?.close()]);
});

const both = (): Array<[string, RunningTarget]> => [
  ['vulnerable', vuln],
  ['fixed', fixed],
];

async function ordersOf(t: RunningTarget, username: string): Promise<Array<{ id: number; ownerId: number; shippingAddress: string }>> {
  const answer = await call(t, '/api/orders', { token: await login(t, username) });
  expect(answer.status).toBe(200);
  return (answer.json as { items: Array<{ id: number; ownerId: number; shippingAddress: string }> }).items;
}

describe('the target itself', () => {
  it('serves one valid OpenAPI 3.0 document on both variants, with bearer security and four public operations', async () => {
    const [a, b] = await Promise.all([call(vuln, '/openapi.json'), call(fixed, '/openapi.json')]);
    const specA = a.json as Record<string, unknown>;
    const specB = b.json as Record<string, unknown>;
    expect(specA.servers).toEqual([{ url: vuln.url }]);
    expect({ ...specA, servers: null }).toEqual({ ...specB, servers: null });
    await SwaggerParser.validate(structuredClone(specA) as never);
    expect(specA.security).toEqual([{ bearerAuth: [] }]);
    const paths = specA.paths as Record<string, Record<string, { security?: unknown[] }>>;
    const publicOps = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item).filter(([, op]) => Array.isArray(op.security) && op.security.length === 0).map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(publicOps.sort()).toEqual(['GET /api/products', 'GET /api/products/{id}', 'GET /api/search/html', 'POST /api/auth/login']);
    const limit = (paths['/api/products'].get as unknown as { parameters: Array<{ name: string; schema: { maximum?: number } }> }).parameters.find((p) => p.name === 'limit');
    expect(limit?.schema.maximum).toBe(100);
    expect(JSON.stringify(specA)).not.toMatch(/\/api\/v1|\.env|debug\/vars|vulnerab/i);
  });

  it('documents 21 distinct check ids on the vulnerable variant, each at a route the target serves, and nothing on the fixed twin', () => {
    expect(new Set(vuln.vulnerabilities.map((v) => v.checkId))).toEqual(
      new Set([
        'authz.bola', 'authz.bfla', 'authz.mass-assignment', 'data.excessive-exposure', 'auth.unauthenticated-access', 'auth.jwt-none',
        'auth.jwt-weak-secret', 'auth.jwt-expiry-unchecked', 'auth.no-login-rate-limit', 'injection.sql', 'injection.nosql', 'injection.command',
        'injection.path-traversal', 'injection.ssrf', 'injection.xss', 'resource.unbounded-page-size', 'config.cors', 'config.security-headers',
        'config.verbose-errors', 'config.exposed-endpoints', 'inventory.undocumented-endpoints',
      ]),
    );
    expect(new Set(vuln.vulnerabilities.map((v) => v.id)).size).toBe(vuln.vulnerabilities.length);
    expect(vuln.vulnerabilities).toBe(REST_VULNERABILITIES);
    expect(fixed.vulnerabilities).toEqual([]);
    for (const v of vuln.vulnerabilities) expect(v.where).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/[\w./{}-]*$/);
  });

  it('answers normal use with the same status codes and body shapes on both variants', async () => {
    const script = async (t: RunningTarget): Promise<string[]> => {
      const alice = await login(t, 'alice');
      const admin = await login(t, 'admin');
      const seen: string[] = [];
      const step = async (label: string, path: string, options: Parameters<typeof call>[2] = {}): Promise<unknown> => {
        const a = await call(t, path, options);
        const keys = a.json !== null && typeof a.json === 'object' && !Array.isArray(a.json) ? Object.keys(a.json).sort().join(',') : typeof a.json;
        seen.push(`${label} ${a.status} ${a.headers.get('content-type')?.split(';')[0]} ${label === 'user' || label.startsWith('me') ? '' : keys}`);
        return a.json;
      };
      await step('products', '/api/products' + query({ search: 'kettle', limit: '5', offset: '10' }));
      await step('product', '/api/products/42');
      await step('product-missing', '/api/products/999999');
      await step('me', '/api/users/me', { token: alice });
      await step('me-patch', '/api/users/me', { method: 'PATCH', token: alice, body: { name: 'Alice A.' } });
      await step('user', '/api/users/2', { token: alice });
      await step('orders', '/api/orders', { token: alice });
      const created = (await step('order-create', '/api/orders', { method: 'POST', token: alice, body: { items: [{ productId: 42, quantity: 2 }], shippingAddress: '9 Test Road' } })) as { id: number };
      await step('order', `/api/orders/${created.id}`, { token: alice });
      await step('order-put', `/api/orders/${created.id}`, { method: 'PUT', token: alice, body: { items: [{ productId: 7, quantity: 1 }], shippingAddress: '10 Test Road' } });
      await step('order-bad', '/api/orders', { method: 'POST', token: alice, body: { items: [], shippingAddress: 'x' } });
      await step('order-delete', `/api/orders/${created.id}`, { method: 'DELETE', token: alice });
      await step('order-gone', `/api/orders/${created.id}`, { token: alice });
      await step('invoices', '/api/invoices', { token: alice });
      await step('admin-users', '/api/admin/users', { token: admin });
      await step('ping', '/api/tools/ping' + query({ host: 'example.com' }), { token: alice });
      await step('file', '/api/files' + query({ name: 'welcome.txt' }), { token: alice });
      await step('file-missing', '/api/files' + query({ name: 'nope.txt' }), { token: alice });
      await step('html', '/api/search/html' + query({ q: 'kettle' }));
      await step('no-token', '/api/orders');
      await step('bad-login', '/api/auth/login', { method: 'POST', body: { username: 'alice', password: 'wrong' } });
      await step('unknown', '/api/nothing-here');
      return seen;
    };
    const [a, b] = await Promise.all([script(vuln), script(fixed)]);
    expect(a).toEqual(b);
    expect(a).toContain('order-create 201 application/json createdAt,id,items,ownerId,shippingAddress,status,total');
  });

  it('close() stops the server and removes its temporary directory', async () => {
    const t = await startRestTarget('vulnerable');
    let dir = '';
    try {
      const pwd = await call(t, '/api/tools/ping' + query({ host: 'x; pwd' }), { token: await login(t, 'alice') });
      dir = (pwd.json as { output: string }).output.trim().split('\n').pop() ?? '';
      expect(dir).toMatch(/herd-rest-target-/);
      expect(existsSync(dir)).toBe(true);
    } finally {
      await t.close();
    }
    expect(existsSync(dir)).toBe(false);
    await expect(fetch(t.url + '/api/products')).rejects.toThrow();
  });
});

describe('authz.bola: orders of other users', () => {
  it("lets bob read alice's order on the vulnerable target; the fixed one answers 404", async () => {
    for (const [variant, t] of both()) {
      const [order] = await ordersOf(t, 'alice');
      const answer = await call(t, `/api/orders/${order.id}`, { token: await login(t, 'bob') });
      if (variant === 'vulnerable') {
        expect(answer.status).toBe(200);
        expect((answer.json as { ownerId: number }).ownerId).toBe(1);
      } else {
        expect(answer.status).toBe(404);
        expect(answer.text).not.toContain('Example Street');
      }
    }
  });

  it("lets bob replace alice's order on the vulnerable target; the fixed one answers 404 and keeps it", async () => {
    for (const [variant, t] of both()) {
      const order = (await ordersOf(t, 'alice'))[1];
      const body = { items: [{ productId: 5, quantity: 3 }], shippingAddress: "Bob's Drop Box" };
      const answer = await call(t, `/api/orders/${order.id}`, { method: 'PUT', token: await login(t, 'bob'), body });
      const after = (await ordersOf(t, 'alice')).find((o) => o.id === order.id);
      if (variant === 'vulnerable') {
        expect(answer.status).toBe(200);
        expect(after?.shippingAddress).toBe("Bob's Drop Box");
      } else {
        expect(answer.status).toBe(404);
        expect(after?.shippingAddress).toBe(order.shippingAddress);
      }
    }
  });

  it("lets bob delete alice's order on the vulnerable target; the fixed one answers 404 and keeps it", async () => {
    for (const [variant, t] of both()) {
      const order = (await ordersOf(t, 'alice'))[2];
      const answer = await call(t, `/api/orders/${order.id}`, { method: 'DELETE', token: await login(t, 'bob') });
      const still = (await ordersOf(t, 'alice')).some((o) => o.id === order.id);
      expect([variant, answer.status, still]).toEqual(variant === 'vulnerable' ? ['vulnerable', 204, false] : ['fixed', 404, true]);
    }
  });
});

describe('authz.bfla: admin functions', () => {
  it('lets bob list every account on the vulnerable target; the fixed one answers 403 to bob and 200 to admin', async () => {
    const [v, f] = await Promise.all([call(vuln, '/api/admin/users', { token: await login(vuln, 'bob') }), call(fixed, '/api/admin/users', { token: await login(fixed, 'bob') })]);
    expect(v.status).toBe(200);
    expect((v.json as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(5);
    expect(f.status).toBe(403);
    expect((await call(fixed, '/api/admin/users', { token: await login(fixed, 'admin') })).status).toBe(200);
  });

  it('lets bob delete another account on the vulnerable target; the fixed one answers 403 and keeps it', async () => {
    const [v, f] = await Promise.all([startRestTarget('vulnerable'), startRestTarget('fixed')]);
    try {
      for (const t of [v, f]) {
        const answer = await call(t, '/api/admin/users/4', { method: 'DELETE', token: await login(t, 'bob') });
        const carol = await call(t, '/api/users/4', { token: await login(t, 'alice') });
        expect([t.variant, answer.status, carol.status]).toEqual(t.variant === 'vulnerable' ? ['vulnerable', 204, 404] : ['fixed', 403, 200]);
      }
    } finally {
      await Promise.all([v.close(), f.close()]);
    }
  });
});

describe('authz.mass-assignment: PATCH /api/users/me', () => {
  it('keeps role "admin" and isAdmin sent by bob on the vulnerable target; the fixed one only takes name and email', async () => {
    const [v, f] = await Promise.all([startRestTarget('vulnerable'), startRestTarget('fixed')]);
    try {
      for (const t of [v, f]) {
        const token = await login(t, 'bob');
        const patch = await call(t, '/api/users/me', { method: 'PATCH', token, body: { name: 'Bob B.', role: 'admin', isAdmin: true } });
        const me = await call(t, '/api/users/me', { token });
        const admin = await call(t, '/api/admin/users', { token: await login(t, 'bob') });
        expect(patch.status).toBe(200);
        expect(me.json).toMatchObject({ name: 'Bob B.' });
        if (t.variant === 'vulnerable') {
          expect(patch.json).toMatchObject({ role: 'admin', isAdmin: true });
          expect(me.json).toMatchObject({ role: 'admin', isAdmin: true });
          expect(admin.status).toBe(200);
        } else {
          expect(patch.json).toEqual({ id: 2, username: 'bob', name: 'Bob B.', email: 'bob@shop.example.com', role: 'user' });
          expect(me.json).toEqual(patch.json);
          expect(admin.status).toBe(403);
        }
      }
    } finally {
      await Promise.all([v.close(), f.close()]);
    }
  });
});

describe('data.excessive-exposure: user profiles', () => {
  it("shows bob's password hash, API key and reset token to alice on the vulnerable target; the fixed one shows id, name and email", async () => {
    const v = await call(vuln, '/api/users/2', { token: await login(vuln, 'alice') });
    expect(v.json).toMatchObject({ id: 2, passwordHash: expect.stringMatching(/^\$2b\$10\$[./A-Za-z0-9]{53}$/), apiKey: expect.stringMatching(/^sk_live_/), resetToken: expect.any(String) });
    const f = await call(fixed, '/api/users/2', { token: await login(fixed, 'alice') });
    expect(f.status).toBe(200);
    expect(Object.keys(f.json as object).sort()).toEqual(['email', 'id', 'name']);
  });

  it("puts the caller's own secrets in GET /api/users/me on the vulnerable target only", async () => {
    const v = await call(vuln, '/api/users/me', { token: await login(vuln, 'admin') });
    expect(Object.keys(v.json as object)).toEqual(expect.arrayContaining(['passwordHash', 'apiKey', 'resetToken']));
    const f = await call(fixed, '/api/users/me', { token: await login(fixed, 'admin') });
    expect(Object.keys(f.json as object).sort()).toEqual(['email', 'id', 'name', 'role', 'username']);
  });
});

describe('auth.unauthenticated-access: GET /api/invoices', () => {
  it('lists every invoice without a token on the vulnerable target; the fixed one answers 401 with WWW-Authenticate', async () => {
    const v = await call(vuln, '/api/invoices');
    expect(v.status).toBe(200);
    const owners = new Set((v.json as { items: Array<{ ownerId: number }> }).items.map((i) => i.ownerId));
    expect(owners.size).toBeGreaterThanOrEqual(3);
    const f = await call(fixed, '/api/invoices');
    expect(f.status).toBe(401);
    expect(f.headers.get('www-authenticate')).toBe('Bearer');
    const mine = await call(fixed, '/api/invoices', { token: await login(fixed, 'alice') });
    expect(new Set((mine.json as { items: Array<{ ownerId: number }> }).items.map((i) => i.ownerId))).toEqual(new Set([1]));
  });
});

describe('JWT handling', () => {
  it('auth.jwt-none: accepts an unsigned {"alg":"none"} token for admin on the vulnerable target; the fixed one answers 401', async () => {
    for (const [variant, t] of both()) {
      const claims = jwtPayload(await login(t, 'alice'));
      const forged = rawJwt({ alg: 'none', typ: 'JWT' }, { ...claims, sub: '3', username: 'admin', role: 'admin' });
      const answer = await call(t, '/api/users/me', { token: forged });
      if (variant === 'vulnerable') expect(answer.json).toMatchObject({ id: 3, username: 'admin' });
      else expect(answer.status).toBe(401);
    }
  });

  it('auth.jwt-weak-secret: login tokens verify with the secret "secret" and forged ones are accepted on the vulnerable target only', async () => {
    const key = new TextEncoder().encode(WEAK_JWT_SECRET);
    await expect(jwtVerify(await login(vuln, 'bob'), key)).resolves.toBeTruthy();
    await expect(jwtVerify(await login(fixed, 'bob'), key)).rejects.toThrow();
    for (const [variant, t] of both()) {
      const forged = await new SignJWT({ username: 'admin', role: 'admin' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('3').setIssuedAt().setExpirationTime('1h').sign(key);
      const answer = await call(t, '/api/admin/users', { token: forged });
      expect([variant, answer.status]).toEqual([variant, variant === 'vulnerable' ? 200 : 401]);
    }
  });

  it('auth.jwt-expiry-unchecked: a token two hours past its exp still works on the vulnerable target; the fixed one answers 401', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 10, 12, 0, 0));
    const [v, f] = await Promise.all([startRestTarget('vulnerable', { clock }), startRestTarget('fixed', { clock })]);
    try {
      const tokens = [await login(v, 'alice'), await login(f, 'alice')];
      for (const token of tokens) {
        const { iat, exp } = decodeJwt(token);
        expect(exp).toBe((iat ?? 0) + 3600);
      }
      expect((await call(v, '/api/users/me', { token: tokens[0] })).status).toBe(200);
      expect((await call(f, '/api/users/me', { token: tokens[1] })).status).toBe(200);
      clock.advance(2 * 3600_000);
      expect((await call(v, '/api/users/me', { token: tokens[0] })).status).toBe(200);
      expect((await call(f, '/api/users/me', { token: tokens[1] })).status).toBe(401);
    } finally {
      await Promise.all([v.close(), f.close()]);
    }
  });

  it('rejects garbage bearer tokens with 401 on both variants', async () => {
    for (const [, t] of both()) {
      for (const token of ['x', 'a.b.c', rawJwt({ alg: 'HS512' }, { sub: '1' }, 'AAAA'), rawJwt({ alg: 'HS256' }, { sub: '1' }, 'AAAA'), '.'.repeat(3000)]) {
        expect((await call(t, '/api/users/me', { token })).status).toBe(401);
      }
    }
  });
});

describe('auth.no-login-rate-limit: POST /api/auth/login', () => {
  it('takes 30 wrong passwords for alice and then her right one on the vulnerable target', async () => {
    const t = await startRestTarget('vulnerable');
    try {
      for (let i = 0; i < 30; i++) expect((await call(t, '/api/auth/login', { method: 'POST', body: { username: 'alice', password: `guess-${i}` } })).status).toBe(401);
      await expect(login(t, 'alice')).resolves.toMatch(/^ey/);
    } finally {
      await t.close();
    }
  });

  it('answers 429 with Retry-After on the fixed twin after 10 failures for one username within 60 s, for that username only', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 10, 12, 0, 0));
    const t = await startRestTarget('fixed', { clock });
    try {
      const attempt = (username: string, password: string) => call(t, '/api/auth/login', { method: 'POST', body: { username, password } });
      for (let i = 0; i < 10; i++) {
        expect((await attempt('alice', `guess-${i}`)).status).toBe(401);
        expect((await attempt('no-such-user', `guess-${i}`)).status).toBe(401);
        clock.advance(1000);
      }
      const blocked = await attempt('alice', 'guess-11');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBe(50);
      expect((await attempt('alice', t.users[0].password)).status).toBe(429);
      expect((await attempt('no-such-user', 'x')).status).toBe(429);
      await expect(login(t, 'bob')).resolves.toMatch(/^ey/);
      clock.advance(50_000);
      await expect(login(t, 'alice')).resolves.toMatch(/^ey/);
    } finally {
      await t.close();
    }
  });
});

describe('configuration', () => {
  it('config.cors: reflects any Origin with credentials on the vulnerable target, also on preflight; the fixed one allows only the shop', async () => {
    for (const [variant, t] of both()) {
      const token = await login(t, 'alice');
      const evil = await call(t, '/api/users/me', { token, headers: { origin: 'https://evil.example' } });
      const nullOrigin = await call(t, '/api/users/me', { token, headers: { origin: 'null' } });
      const preflight = await call(t, '/api/users/me', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
      });
      const shop = await call(t, '/api/users/me', { token, headers: { origin: 'https://shop.example.com' } });
      expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      expect(preflight.status).toBe(204);
      if (variant === 'vulnerable') {
        expect(evil.headers.get('access-control-allow-origin')).toBe('https://evil.example');
        expect(evil.headers.get('access-control-allow-credentials')).toBe('true');
        expect(nullOrigin.headers.get('access-control-allow-origin')).toBe('null');
        expect(preflight.headers.get('access-control-allow-origin')).toBe('https://evil.example');
        expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
      } else {
        for (const a of [evil, nullOrigin, preflight]) {
          expect(a.headers.get('access-control-allow-origin')).toBeNull();
          expect(a.headers.get('access-control-allow-credentials')).toBeNull();
        }
        for (const origin of ['https://shop.example.com.evil.example', 'https://evilshop.example.com', 'http://shop.example.com']) {
          expect((await call(t, '/api/users/me', { token, headers: { origin } })).headers.get('access-control-allow-origin')).toBeNull();
        }
      }
    }
  });

  it('config.security-headers: the vulnerable target sends a banner and no hardening headers; the fixed one hardens every response', async () => {
    const token = await login(vuln, 'alice');
    const v = await call(vuln, '/api/users/me', { token });
    expect(v.headers.get('x-powered-by')).toBe('Express 4.17.1');
    expect(v.headers.get('x-content-type-options')).toBeNull();
    expect(v.headers.get('cache-control')).toBeNull();
    const ftoken = await login(fixed, 'alice');
    const answers = await Promise.all([
      call(fixed, '/api/users/me', { token: ftoken }),
      call(fixed, '/api/products'),
      call(fixed, '/api/products/abc'),
      call(fixed, '/api/nothing'),
      call(fixed, '/openapi.json'),
      call(fixed, '/api/orders'),
      call(fixed, '/api/auth/login', { method: 'POST', rawBody: '{"broken', headers: { 'content-type': 'application/json' } }),
    ]);
    for (const a of answers) {
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('cache-control')).toBe('no-store');
      expect(a.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(a.headers.get('x-frame-options')).toBe('DENY');
      expect(a.headers.get('referrer-policy')).toBe('no-referrer');
      expect(a.headers.get('x-powered-by')).toBeNull();
      expect(a.headers.get('server')).toBeNull();
    }
  });

  it('config.verbose-errors: a non-numeric product id gives a stack trace on the vulnerable target and a plain 400 problem on the fixed one', async () => {
    const v = await call(vuln, '/api/products/abc');
    expect(v.status).toBe(500);
    expect(v.text).toMatch(/at [^\n]*\(?\/[^\n]*\.(ts|js):\d+:\d+/);
    expect(v.text).toContain('Cannot convert abc to a BigInt');
    const f = await call(fixed, '/api/products/abc');
    expect(f.status).toBe(400);
    expect(f.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(f.json).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'id must be a positive integer' });
    const broken = await call(fixed, '/api/auth/login', { method: 'POST', rawBody: '{"broken', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.text).not.toMatch(/at |node_modules|\/work|stack/);
  });

  it('config.exposed-endpoints: /.env and /debug/vars answer without a token on the vulnerable target; the fixed one answers as for any unknown path', async () => {
    const env = await call(vuln, '/.env');
    expect(env.status).toBe(200);
    expect(env.text).toMatch(/^DB_PASSWORD=\S+$/m);
    const vars = await call(vuln, '/debug/vars');
    expect(vars.json).toMatchObject({ pid: process.pid, memstats: { heapUsed: expect.any(Number) } });
    const unknown = await call(fixed, '/herd-3f9c0a1b2d4e');
    for (const path of ['/.env', '/debug/vars']) {
      const f = await call(fixed, path);
      expect([f.status, f.text]).toEqual([404, unknown.text]);
    }
  });
});

describe('inventory.undocumented-endpoints: GET /api/v1/users', () => {
  it('lists every user without a token on the vulnerable target though the spec does not name it; the fixed one answers 404', async () => {
    const spec = (await call(vuln, '/openapi.json')).json as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).some((p) => p.startsWith('/api/v1'))).toBe(false);
    const v = await call(vuln, '/api/v1/users');
    expect(v.status).toBe(200);
    expect((v.json as Array<{ username: string }>).map((u) => u.username)).toEqual(expect.arrayContaining(['alice', 'bob', 'admin']));
    expect((await call(fixed, '/api/v1/users')).status).toBe(404);
  });
});
