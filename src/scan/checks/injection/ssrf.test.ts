import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ssrf } from './ssrf.js';
import { client, context, listen, operation, query, restApi, sample, TestCanary } from './test-kit.js';

type Variant = 'vulnerable' | 'blocklist' | 'fixed';

async function fetchQuietly(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await r.text();
    return r.status;
  } catch {
    return 0;
  }
}

function app(variant: Variant): FastifyInstance {
  const f = Fastify();
  const allowed = (raw: string): boolean => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return false;
    }
    if (variant === 'fixed') return u.protocol === 'https:' && u.hostname === 'hooks.example.com';
    // A blocklist on the text of the host: the decimal form of 127.0.0.1 is not in it.
    if (variant === 'blocklist') return !['127.0.0.1', 'localhost', '[::1]'].includes(raw.split('/')[2]?.split(':')[0] ?? '');
    return true;
  };
  f.post<{ Body: { url?: string; name?: string } }>('/api/webhooks/test', async (req, reply) => {
    const url = String(req.body.url ?? '');
    if (!allowed(url)) return reply.code(400).send({ error: 'url not allowed' });
    if (url.startsWith('https://hooks.example.com')) return { status: 204 };
    return { status: await fetchQuietly(url) };
  });
  // Fetches later, after answering: only the canary can tell.
  f.get<{ Querystring: { feed?: string } }>('/api/feeds/preview', async (req, reply) => {
    const feed = String(req.query.feed ?? '');
    if (!allowed(feed)) return reply.code(400).send({ error: 'feed not allowed' });
    if (!feed.startsWith('https://hooks.example.com')) setTimeout(() => void fetchQuietly(feed), 300);
    return { queued: true };
  });
  // Builds the URL from parts (DVGA's importPaste does this with curl).
  f.post<{ Body: { host?: string; port?: number; path?: string } }>('/api/pastes/import', async (req, reply) => {
    const host = String(req.body.host ?? '');
    if (variant === 'fixed' && host !== 'pastebin.example.com') return reply.code(400).send({ error: 'host not allowed' });
    if (host === 'pastebin.example.com') return { imported: true };
    return { status: await fetchQuietly(`http://${host}:${req.body.port ?? 80}${req.body.path ?? '/'}`) };
  });
  // Stores the URL and never fetches it.
  f.get<{ Querystring: { avatar?: string } }>('/api/profile/avatar', async (req) => ({ avatar: req.query.avatar ?? '' }));
  return f;
}

const hookOp = operation('POST', '/api/webhooks/test', { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });
const feedOp = operation('GET', '/api/feeds/preview', { parameters: [query('feed', { type: 'string', format: 'uri' })] });
const avatarOp = operation('GET', '/api/profile/avatar', { parameters: [query('avatar')] });
const importOp = operation('POST', '/api/pastes/import', { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });

let canary: TestCanary;
beforeEach(async () => {
  canary = new TestCanary();
  await canary.start();
});
afterEach(async () => {
  await canary.close();
});

async function scan(variant: Variant, safe = false) {
  const f = app(variant);
  const url = await listen(f);
  try {
    const sampler = client(url);
    const c = client(url, { safe });
    const samples = [
      await sample(sampler, url, hookOp, { path: '/api/webhooks/test', json: { url: 'https://hooks.example.com/ok', name: 'deploy' } }),
      await sample(sampler, url, feedOp, { path: '/api/feeds/preview?feed=https%3A%2F%2Fhooks.example.com%2Ffeed' }),
      await sample(sampler, url, avatarOp, { path: '/api/profile/avatar?avatar=https%3A%2F%2Fcdn.example.com%2Fa.png' }),
      await sample(sampler, url, importOp, { path: '/api/pastes/import', json: { host: 'pastebin.example.com', port: 443, path: '/raw/1' } }),
    ];
    const { ctx, findings } = context({ api: restApi([hookOp, feedOp, avatarOp, importOp]), baseUrl: url, client: c, samples, canary, safe });
    await ssrf.run(ctx);
    return findings;
  } finally {
    await f.close();
  }
}

describe('injection.ssrf', () => {
  it('reports URL inputs the server fetches, at once or after answering, with the exchange as evidence', async () => {
    const findings = await scan('vulnerable');
    expect(findings.map((f) => [f.location, f.key])).toEqual([
      ['POST /api/webhooks/test', 'json:url'],
      ['GET /api/feeds/preview', 'query:feed'],
      ['POST /api/pastes/import', 'json:host'],
    ]);
    expect(findings[2].detail).toMatch(/127\.0\.0\.1:\d+\/[^ ]*#/);
    expect(findings[0].detail).toMatch(/canary received a request/);
    expect(findings[0].evidence).toHaveLength(1);
  });

  it('gets past a blocklist of loopback names with the decimal form of 127.0.0.1', async () => {
    const findings = await scan('blocklist');
    expect(findings).toHaveLength(3);
    expect(findings[0].detail).toMatch(/2130706433/);
  });

  it('stays silent when only allowlisted https hosts are fetched', async () => {
    expect(await scan('fixed')).toEqual([]);
    expect(canary.hitCount).toBe(0);
  });

  it('only tries GET operations in safe mode', async () => {
    const findings = await scan('vulnerable', true);
    expect(findings.map((f) => f.key)).toEqual(['query:feed']);
  });
});
