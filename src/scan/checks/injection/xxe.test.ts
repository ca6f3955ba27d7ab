import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../check.js';
import type { HttpScanClient } from '../../http/scan-client.js';
import { loadExternalEntity } from '../../../../test/targets/legacy/xml-notes.js';
import { parseXml, textOf, XmlError, type XmlOptions } from '../../../../test/targets/legacy/xml-parser.js';
import { client, context, listen, operation, restApi, sample, TestCanary } from './test-kit.js';
import { renderXml, xmlTemplate } from './xml-template.js';
import { xxe } from './xxe.js';

/**
 * `file`: a parser with entity resolution on, fields reflected. `blind`: the same, nothing
 * reflected. `internal`: internal entities only. `echo`: the raw body sent back, nothing parsed.
 * `refuse`: any DOCTYPE is a 400. In every variant but `file`, the JSON operation answers 415 to XML.
 */
type Variant = 'file' | 'blind' | 'internal' | 'echo' | 'refuse';

const PARSERS: Record<Exclude<Variant, 'echo'>, XmlOptions> = {
  file: { dtd: 'resolve', load: loadExternalEntity },
  blind: { dtd: 'resolve', load: loadExternalEntity },
  internal: { dtd: 'internal' },
  refuse: { dtd: 'refuse' },
};

interface Seen {
  requests: { route: string; body: string }[];
}

function app(variant: Variant, seen: Seen): FastifyInstance {
  const f = Fastify();
  f.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  f.addHook('preHandler', async (req) => {
    seen.requests.push({ route: req.url, body: typeof req.body === 'string' ? req.body : JSON.stringify(req.body) });
  });
  const fields = async (raw: string): Promise<Record<string, string> | null> => {
    if (variant === 'echo') return null;
    const doc = await parseXml(raw, PARSERS[variant]);
    return Object.fromEntries(doc.children.flatMap((c) => (typeof c === 'string' ? [] : [[c.name, textOf(c)]])));
  };
  f.post<{ Body: string }>('/api/notes/import', async (req, reply) => {
    if (variant === 'echo') return reply.code(201).type('text/plain').send(`received: ${req.body}`);
    try {
      const note = (await fields(req.body))!;
      // A length rule: a whole file in the title is refused, in the body it is kept.
      if ((note.title ?? '').length > 120) return reply.code(400).send({ error: 'title too long' });
      return reply.code(201).send(variant === 'blind' ? { ok: true } : { title: note.title, body: note.body });
    } catch (err) {
      if (err instanceof XmlError) return reply.code(400).send({ error: 'invalid XML' });
      throw err;
    }
  });
  // Described as JSON; only the `file` variant also takes XML (the content-type switch).
  f.post<{ Body: unknown }>('/api/profile', async (req, reply) => {
    if (typeof req.body === 'string') {
      if (variant !== 'file') return reply.code(415).send({ error: 'send JSON' });
      try {
        return await fields(req.body);
      } catch {
        return reply.code(400).send({ error: 'invalid XML' });
      }
    }
    const body = req.body as { name?: string; bio?: string };
    return { name: body.name, bio: body.bio };
  });
  return f;
}

const importOp = operation('POST', '/api/notes/import', {
  id: 'importNote',
  requestBody: { contentType: 'application/xml', required: true, schema: { type: 'object', xml: { name: 'note' }, properties: { title: { type: 'string' }, body: { type: 'string' } } } },
});
const profileOp = operation('POST', '/api/profile', { id: 'updateProfile', requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });

async function xmlSample(c: HttpScanClient, url: URL): Promise<Sample> {
  const request = { method: 'POST', url: new URL('/api/notes/import', url).toString(), headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><note><title>Groceries</title><body>milk</body></note>' };
  const exchange = await c.send(request);
  expect(exchange.response?.status).toBe(201);
  return { operation: importOp, user: null, request, exchange, pathValues: {}, json: undefined };
}

let canary: TestCanary;
beforeEach(async () => {
  canary = new TestCanary();
  await canary.start();
});
afterEach(async () => {
  await canary.close();
});

async function scan(variant: Variant, options: { safe?: boolean } = {}) {
  const seen: Seen = { requests: [] };
  const f = app(variant, seen);
  const url = await listen(f);
  try {
    const sampler = client(url);
    const samples = [await xmlSample(sampler, url), await sample(sampler, url, profileOp, { path: '/api/profile', json: { name: 'alice', bio: 'hello' } })];
    seen.requests = [];
    const { ctx, findings } = context({ api: restApi([importOp, profileOp]), baseUrl: url, client: client(url, { safe: options.safe ?? false }), samples, canary, safe: options.safe ?? false });
    await xxe.run(ctx);
    return { findings, seen };
  } finally {
    await f.close();
  }
}

describe('injection.xxe', () => {
  it('reads /etc/passwd through an external entity, in an XML operation and in a JSON one that also takes XML, falling back to one field when the whole file is refused in another', async () => {
    const { findings } = await scan('file');
    expect(findings.map((f) => [f.location, f.key, f.severity])).toEqual([
      ['POST /api/notes/import', 'external-entity', undefined],
      ['POST /api/profile', 'external-entity', undefined],
    ]);
    expect(findings[0]!.detail).toMatch(/SYSTEM "file:\/\/\/etc\/passwd", referenced in <body>.*\/etc\/passwd \(root:/);
    expect(findings[0]!.evidence.map((e) => e.response?.status)).toEqual([201]);
    expect(findings[0]!.evidence[0]!.request.body).toContain('<!DOCTYPE note [<!ENTITY herd SYSTEM "file:///etc/passwd">]>');
    expect(findings[1]!.detail).toMatch(/^The operation is described with a body of type application\/json, but it accepted the same data as XML/);
    expect(findings[1]!.evidence).toHaveLength(2);
    expect(canary.hitCount).toBe(0);
  });

  it('proves blind XXE through the canary when the answer shows nothing', async () => {
    const { findings } = await scan('blind');
    expect(findings.map((f) => [f.location, f.key])).toEqual([['POST /api/notes/import', 'external-entity']]);
    expect(findings[0]!.detail).toMatch(/the scanner's canary received a request for that URL/);
    expect(canary.hitCount).toBe(2);
  });

  it('reports internal entity expansion at medium severity when external entities do not resolve', async () => {
    const { findings } = await scan('internal');
    expect(findings.map((f) => [f.location, f.key, f.severity])).toEqual([['POST /api/notes/import', 'internal-entity', 'medium']]);
    expect(findings[0]!.detail).toMatch(/came back expanded \(herdxxe[0-9a-f]{12}/);
    expect(canary.hitCount).toBe(0);
  });

  it('stays silent on an API that echoes the raw body back', async () => {
    const { findings, seen } = await scan('echo');
    expect(findings).toEqual([]);
    // The probes did reach it: the entity references and the file name were echoed, not expanded.
    expect(seen.requests.some((r) => r.body.includes('file:///etc/passwd'))).toBe(true);
  });

  it('stays silent, after one DOCTYPE, when DOCTYPEs are refused; and sends one XML request to a JSON-only operation', async () => {
    const { findings, seen } = await scan('refuse');
    expect(findings).toEqual([]);
    expect(canary.hitCount).toBe(0);
    expect(seen.requests.filter((r) => r.body.includes('<!DOCTYPE')).map((r) => r.route)).toEqual(['/api/notes/import']);
    expect(seen.requests.filter((r) => r.route === '/api/profile')).toHaveLength(1);
  });

  it('sends nothing to mutating operations with --safe', async () => {
    const { findings, seen } = await scan('file', { safe: true });
    expect(findings).toEqual([]);
    expect(seen.requests).toEqual([]);
  });
});

describe('the XML template of a body', () => {
  it('finds the text of every element, empty ones included, and rewrites chosen ones with a DOCTYPE before the root', () => {
    const t = xmlTemplate('<?xml version="1.0"?>\n<!-- c --><order id="a>b"><item>x &amp; y</item><empty></empty><n>3</n><blank> </blank><self/><![CDATA[z]]></order>')!;
    expect(t.root).toBe('order');
    expect(t.leaves.map((l) => l.raw)).toEqual(['x &amp; y', '', '3', ' ']);
    expect(renderXml(t, '<!DOCTYPE order [<!ENTITY e "v">]>', [t.leaves[0]!, t.leaves[1]!], '&e;')).toBe(
      '<?xml version="1.0"?><!DOCTYPE order [<!ENTITY e "v">]><order id="a>b"><item>&e;</item><empty>&e;</empty><n>3</n><blank> </blank><self/><![CDATA[z]]></order>',
    );
    expect(xmlTemplate('<!DOCTYPE a><a/>')).toBeNull();
    expect(xmlTemplate('{"a": 1}')).toBeNull();
  });
});
