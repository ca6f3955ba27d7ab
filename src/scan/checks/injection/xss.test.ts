import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { htmlStateAt, reflectedXss } from './xss.js';
import { client, context, listen, operation, query, restApi, sample } from './test-kit.js';

const escapeAll = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** Enough inside a double-quoted attribute: the value cannot leave it. */
const escapeAttribute = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

function app(vulnerable: boolean): FastifyInstance {
  const f = Fastify();
  f.get<{ Querystring: { q?: string } }>('/search/html', async (req, reply) => {
    const q = req.query.q ?? '';
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><title>Search</title></head><body><h1>Results for ${vulnerable ? q : escapeAll(q)}</h1></body></html>`);
  });
  f.get<{ Querystring: { name?: string } }>('/profile/edit', async (req, reply) => {
    const name = req.query.name ?? '';
    // The fixed page escapes only what matters in an attribute: < stays raw but inert.
    return reply.type('text/html').send(`<form><input name="n" value="${vulnerable ? name : escapeAttribute(name)}"></form>`);
  });
  f.get<{ Querystring: { q?: string } }>('/api/legacy', async (req, reply) => {
    // JSON, but labelled text/html on the vulnerable variant.
    return reply.type(vulnerable ? 'text/html' : 'application/json').send(JSON.stringify({ q: req.query.q ?? '' }));
  });
  f.get<{ Querystring: { q?: string } }>('/api/echo', async (req) => ({ q: req.query.q ?? '' }));
  return f;
}

const ops = [
  operation('GET', '/search/html', { parameters: [query('q')] }),
  operation('GET', '/profile/edit', { parameters: [query('name')] }),
  operation('GET', '/api/legacy', { parameters: [query('q')] }),
  operation('GET', '/api/echo', { parameters: [query('q')] }),
];

async function scan(vulnerable: boolean) {
  const f = app(vulnerable);
  const url = await listen(f);
  try {
    const sampler = client(url);
    const c = client(url);
    const samples = [
      await sample(sampler, url, ops[0], { path: '/search/html?q=lamp' }),
      await sample(sampler, url, ops[1], { path: '/profile/edit?name=alice' }),
      await sample(sampler, url, ops[2], { path: '/api/legacy?q=lamp' }),
      await sample(sampler, url, ops[3], { path: '/api/echo?q=lamp' }),
    ];
    const { ctx, findings } = context({ api: restApi(ops), baseUrl: url, client: c, samples });
    await reflectedXss.run(ctx);
    return { findings, requests: c.stats.requests };
  } finally {
    await f.close();
  }
}

describe('injection.xss', () => {
  it('reports a marker tag reflected unescaped in HTML, in text, in an attribute and in JSON served as text/html', async () => {
    const { findings } = await scan(true);
    expect(findings.map((f) => [f.location, f.key])).toEqual([
      ['GET /search/html', 'query:q'],
      ['GET /profile/edit', 'query:name'],
      ['GET /api/legacy', 'query:q'],
    ]);
    expect(findings[1].detail).toMatch(/'"><\/title>/);
  });

  it('stays silent on escaped HTML, attribute-escaped values with a raw <, and JSON served as application/json', async () => {
    const { findings, requests } = await scan(false);
    expect(findings).toEqual([]);
    // One probe per JSON route, two on each HTML route (the attribute one tries the breaking variant).
    expect(requests).toBe(6);
  });

  it('tells where a parser stands in a page', () => {
    const at = (html: string): string => htmlStateAt(html, html.indexOf('<m>'));
    expect(at('<p>hi <m>')).toBe('data');
    expect(at('<input value="a<m>">')).toBe('tag');
    expect(at('<input value="a&quot;><m>">')).toBe('tag');
    expect(at('<input value="a"><m>">')).toBe('data');
    expect(at('<!-- x <m> -->')).toBe('comment');
    expect(at('<!-- x --><m>')).toBe('data');
    expect(at('<textarea>x<m></textarea>')).toBe('<textarea>');
    expect(at('<title>x</title><m>')).toBe('data');
    expect(at('<SCRIPT>var a = "<m>"</SCRIPT>')).toBe('<script>');
  });
});
