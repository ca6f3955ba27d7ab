import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTarget } from '../types.js';
import { startRestTarget } from './index.js';
import { call, login, query } from './test-client.js';

/**
 * Injection flaws and the unbounded page size, each exploited with the real request on the
 * vulnerable variant and shown to fail on the fixed twin.
 */

let vuln: RunningTarget;
let fixed: RunningTarget;
const tokens = new Map<RunningTarget, string>();

beforeAll(async () => {
  [vuln, fixed] = await Promise.all([startRestTarget('vulnerable'), startRestTarget('fixed')]);
  tokens.set(vuln, await login(vuln, 'alice'));
  tokens.set(fixed, await login(fixed, 'alice'));
});
afterAll(async () => {
  await Promise.all([vuln?.close(), fixed?.close()]);
});

const token = (t: RunningTarget): string => tokens.get(t) ?? '';

interface Page {
  items: Array<{ id: number; name: string }>;
  total: number;
}

describe('injection.sql: GET /api/products?search=', () => {
  it('returns the SQLite error for a lone quote in a 500 on the vulnerable target; the fixed one finds nothing', async () => {
    const v = await call(vuln, '/api/products' + query({ search: "'" }));
    expect(v.status).toBe(500);
    expect(v.text).toMatch(/SqliteError/);
    expect(v.text).toMatch(/unrecognized token|syntax error/);
    const f = await call(fixed, '/api/products' + query({ search: "'" }));
    expect(f.status).toBe(200);
    expect((f.json as Page).total).toBe(0);
  });

  it("changes the result with ' OR '1'='1 style payloads on the vulnerable target only", async () => {
    const control = await call(vuln, '/api/products' + query({ search: 'no such product' }));
    expect((control.json as Page).items).toEqual([]);
    for (const [search, found] of [["' OR '1'='1", 20], ["no such product' OR 1=1 -- ", 2000]] as const) {
      const v = await call(vuln, '/api/products' + query({ search }));
      expect(v.status).toBe(200);
      expect((v.json as Page).items.length).toBe(found);
      const f = await call(fixed, '/api/products' + query({ search }));
      expect([f.status, (f.json as Page).items.length]).toEqual([200, 0]);
    }
    const isTrue = await call(vuln, '/api/products' + query({ search: "Kettle%' AND 1=1 -- " }));
    const isFalse = await call(vuln, '/api/products' + query({ search: "Kettle%' AND 1=2 -- " }));
    expect((isTrue.json as Page).items.length).toBeGreaterThan(0);
    expect((isFalse.json as Page).items.length).toBe(0);
  });

  it('lets a UNION read from the database on the vulnerable target; the fixed one searches for the text', async () => {
    const search = "zzz' UNION SELECT 1, 'sqlite ' || sqlite_version(), 'x', 'y', 0, 0 -- ";
    const v = await call(vuln, '/api/products' + query({ search }));
    expect((v.json as Page).items).toEqual([expect.objectContaining({ id: 1, name: expect.stringMatching(/^sqlite 3\.\d+\.\d+$/) })]);
    const f = await call(fixed, '/api/products' + query({ search }));
    expect((f.json as Page).items).toEqual([]);
  });
});

describe('injection.nosql: POST /api/auth/login', () => {
  const attempts: Array<[string, Record<string, unknown>]> = [
    ['$ne', { username: 'alice', password: { $ne: null } }],
    ['$gt', { username: 'alice', password: { $gt: '' } }],
    ['$regex', { username: 'alice', password: { $regex: '^Al' } }],
    ['$in', { username: { $in: ['alice', 'nobody'] }, password: { $ne: 'x' } }],
  ];

  for (const [op, body] of attempts) {
    it(`logs in as alice without her password using ${op} on the vulnerable target; the fixed one answers 400`, async () => {
      const v = await call(vuln, '/api/auth/login', { method: 'POST', body });
      expect(v.status).toBe(200);
      const me = await call(vuln, '/api/users/me', { token: (v.json as { token: string }).token });
      expect(me.json).toMatchObject({ username: 'alice' });
      const f = await call(fixed, '/api/auth/login', { method: 'POST', body });
      expect(f.status).toBe(400);
      expect(f.text).not.toContain('token');
    });
  }

  it('still refuses a wrong plain password on the vulnerable target (the matcher is not a bypass by itself)', async () => {
    for (const body of [{ username: 'alice', password: 'wrong' }, { username: 'alice', password: { $regex: '^zz' } }, { username: 'alice', password: { $bogus: 1 } }]) {
      expect((await call(vuln, '/api/auth/login', { method: 'POST', body })).status).toBe(401);
    }
  });
});

describe('injection.command: GET /api/tools/ping?host=', () => {
  const payloads = ['127.0.0.1; echo semi-$((6*7))', '127.0.0.1 | echo pipe-$((6*7))', '$(echo subst-$((6*7)))', '`echo tick-$((6*7))`'];

  for (const host of payloads) {
    it(`runs the shell command in ${JSON.stringify(host)} on the vulnerable target; the fixed one answers 400`, async () => {
      const v = await call(vuln, '/api/tools/ping' + query({ host }), { token: token(vuln) });
      expect(v.status).toBe(200);
      expect((v.json as { output: string }).output).toMatch(/(semi|pipe|subst|tick)-42/);
      const f = await call(fixed, '/api/tools/ping' + query({ host }), { token: token(fixed) });
      expect(f.status).toBe(400);
    });
  }

  it('answers the same output for a plain host or address on both variants', async () => {
    for (const host of ['example.com', '192.0.2.10', '2001:db8::1']) {
      const [v, f] = await Promise.all([call(vuln, '/api/tools/ping' + query({ host }), { token: token(vuln) }), call(fixed, '/api/tools/ping' + query({ host }), { token: token(fixed) })]);
      expect(v.json).toEqual({ host, output: `PING ${host}: 56 data bytes\n` });
      expect(f.json).toEqual(v.json);
    }
  });

  it('cuts the output of an injected command at 64 KiB and ends it', async () => {
    const v = await call(vuln, '/api/tools/ping' + query({ host: 'x; yes' }), { token: token(vuln) });
    expect(v.status).toBe(200);
    expect((v.json as { output: string }).output.length).toBe(64 * 1024);
  });

  it('kills an injected command that is still running when the target closes', async () => {
    const t = await startRestTarget('vulnerable');
    let closed = false;
    try {
      const alice = await login(t, 'alice');
      // The command writes its process group id in its working directory (next to docs/), then sleeps.
      const pending = call(t, '/api/tools/ping' + query({ host: 'x; echo $$ > started; sleep 30' }), { token: alice }).catch((err: unknown) => err);
      let pgid = 0;
      for (let i = 0; i < 200 && pgid === 0; i++) {
        const started = await call(t, '/api/files' + query({ name: '../started' }), { token: alice });
        if (started.status === 200 && /^\d+\n$/.test(started.text)) pgid = Number(started.text);
        else await new Promise((r) => setTimeout(r, 25));
      }
      expect(pgid).toBeGreaterThan(1);
      const alive = (): boolean => {
        try {
          process.kill(-pgid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(alive()).toBe(true);
      const closing = Date.now();
      await t.close();
      closed = true;
      await pending;
      expect(Date.now() - closing).toBeLessThan(5000);
      // Killed processes linger as zombies until their parents reap them: give that a moment.
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(alive()).toBe(false);
    } finally {
      if (!closed) await t.close();
    }
  });
});

describe('injection.path-traversal: GET /api/files?name=', () => {
  it('reads /etc/passwd through ../ on the vulnerable target; the fixed one answers 400', async () => {
    for (const name of ['../../../../../../../../etc/passwd', '../../../../../../../../etc/./passwd']) {
      const v = await call(vuln, '/api/files' + query({ name }), { token: token(vuln) });
      expect(v.status).toBe(200);
      expect(v.text).toMatch(/^root:.*:0:0:/m);
      const f = await call(fixed, '/api/files' + query({ name }), { token: token(fixed) });
      expect(f.status).toBe(400);
      expect(f.text).not.toContain('root:');
    }
  });

  it('refuses absolute paths, backslashes and dot-dot names on the fixed twin', async () => {
    for (const name of ['/etc/passwd', '..\\..\\etc\\passwd', '..', '....//etc/passwd']) {
      expect((await call(fixed, '/api/files' + query({ name }), { token: token(fixed) })).status).toBe(400);
    }
  });
});

describe('injection.ssrf: POST /api/webhooks/test', () => {
  let canary: Server;
  let canaryUrl = '';
  let hits = 0;

  beforeAll(async () => {
    canary = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('internal-canary-7f3a ' + 'x'.repeat(10_000));
    });
    await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/internal/admin`;
  });
  afterAll(async () => {
    await new Promise((r) => canary.close(r));
  });

  it('fetches a loopback URL and returns the first KiB of its answer on the vulnerable target', async () => {
    const before = hits;
    const v = await call(vuln, '/api/webhooks/test', { method: 'POST', token: token(vuln), body: { url: canaryUrl } });
    expect(v.status).toBe(200);
    const answer = v.json as { status: number; body: string };
    expect(answer.status).toBe(200);
    expect(answer.body.startsWith('internal-canary-7f3a')).toBe(true);
    expect(answer.body.length).toBe(1024);
    expect(hits).toBe(before + 1);
  });

  it('answers 400 without fetching anything on the fixed twin, for loopback, private, plain-http and look-alike hosts', async () => {
    const before = hits;
    const port = new URL(canaryUrl).port;
    const urls = [
      canaryUrl,
      `https://127.0.0.1:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://hooks.example.com/x',
      'https://hooks.example.com.evil.test/x',
      `https://hooks.example.com@127.0.0.1:${port}/`,
      'https://hooks.example.com:8443/x',
      'file:///etc/passwd',
    ];
    for (const url of urls) {
      const f = await call(fixed, '/api/webhooks/test', { method: 'POST', token: token(fixed), body: { url } });
      expect([url, f.status]).toEqual([url, 400]);
    }
    expect(hits).toBe(before);
  });
});

describe('injection.xss: GET /api/search/html?q=', () => {
  it('puts q into the page unescaped on the vulnerable target; the fixed one escapes it and forbids scripts with CSP', async () => {
    const q = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const v = await call(vuln, '/api/search/html' + query({ q }));
    expect(v.headers.get('content-type')).toMatch(/^text\/html/);
    expect(v.text).toContain(q);
    expect(v.headers.get('content-security-policy')).toBeNull();
    const f = await call(fixed, '/api/search/html' + query({ q }));
    expect(f.headers.get('content-type')).toMatch(/^text\/html/);
    expect(f.text).not.toContain('<script>');
    expect(f.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(f.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });
});

describe('resource.unbounded-page-size: GET /api/products?limit=', () => {
  it('returns all 2000 products for limit=100000 on the vulnerable target; the fixed one answers 400 above 100', async () => {
    const v = await call(vuln, '/api/products' + query({ limit: '100000' }));
    expect((v.json as Page).items.length).toBe(2000);
    const f = await call(fixed, '/api/products' + query({ limit: '100000' }));
    expect(f.status).toBe(400);
    expect((f.json as { detail: string }).detail).toBe('limit must be at most 100');
    for (const t of [vuln, fixed]) expect(((await call(t, '/api/products' + query({ limit: '100' }))).json as Page).items.length).toBe(100);
  });
});

describe('hostile input', () => {
  function seeded(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let x = s;
      x = Math.imul(x ^ (x >>> 15), x | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('survives garbage on every route of both variants and keeps answering', async () => {
    const rnd = seeded(42);
    const junk = (): string => {
      const pick = ["'", '"', '$(', '`', '../', '%00', '\u0000', '<x>', '{"$ne":1}', '\\', 'é', '🐄', 'A'.repeat(300), '-1', '1e309', '[]', '{}'];
      let out = '';
      for (let i = 0, n = 1 + Math.floor(rnd() * 6); i < n; i++) out += pick[Math.floor(rnd() * pick.length)];
      return out;
    };
    const routes = ['/api/products', '/api/products/', '/api/orders/', '/api/users/', '/api/admin/users/', '/api/search/html', '/api/tools/ping', '/api/files', '/api/invoices'];
    for (const t of [vuln, fixed]) {
      for (let i = 0; i < 60; i++) {
        const route = routes[i % routes.length];
        const j = junk();
        const path = route.endsWith('/') ? route + encodeURIComponent(j) : route + query({ search: j, q: j, host: `x${i}`, name: j, limit: j, offset: j });
        const a = await call(t, path, { token: token(t), method: i % 3 === 0 ? 'DELETE' : 'GET' });
        expect(a.status).toBeGreaterThanOrEqual(200);
        expect(a.status).toBeLessThan(600);
      }
      for (const rawBody of ['{', 'null', '[]', '"x"', '{"username":{"__proto__":{"x":1}},"password":1}', '{"url":1}', '{"items":[{"productId":1e999}]}', 'x'.repeat(2_000_000)]) {
        for (const path of ['/api/auth/login', '/api/orders', '/api/webhooks/test', '/api/users/me']) {
          const a = await call(t, path, { method: path === '/api/users/me' ? 'PATCH' : 'POST', token: token(t), rawBody, headers: { 'content-type': 'application/json' } });
          expect(a.status).toBeLessThan(t === fixed ? 500 : 600);
          if (!rawBody.startsWith('{"')) expect(a.status).toBeGreaterThanOrEqual(400);
        }
      }
      expect((await call(t, '/api/products/1')).status).toBe(200);
      expect((await call(t, '/api/users/me', { token: token(t) })).status).toBe(200);
    }
  });
});
