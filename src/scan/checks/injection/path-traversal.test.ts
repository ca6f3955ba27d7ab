import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathTraversal, words } from './path-traversal.js';
import { client, context, listen, operation, pathParam, query, restApi, sample } from './test-kit.js';

let docs = '';

beforeAll(async () => {
  docs = await mkdtemp(join(tmpdir(), 'herd-docs-'));
  await writeFile(join(docs, 'readme.txt'), 'Welcome to the shop.');
});
afterAll(async () => {
  await rm(docs, { recursive: true, force: true });
});

type Variant = 'vulnerable' | 'filtered-then-decoded' | 'fixed';

function app(variant: Variant): FastifyInstance {
  const f = Fastify();
  const read = async (name: string): Promise<string | null> => {
    let full: string;
    if (variant === 'fixed') {
      if (/[/\\]|\.\./.test(name)) return null;
      full = resolve(docs, name);
      if (!full.startsWith(docs + sep)) return null;
    } else if (variant === 'filtered-then-decoded') {
      // Checks for ../ and then decodes again: %2e%2e%2f slips through.
      if (name.includes('../')) return null;
      full = join(docs, decodeURIComponent(name));
    } else full = join(docs, name);
    try {
      return await readFile(full, 'utf8');
    } catch {
      return null;
    }
  };
  f.get<{ Querystring: { name?: string } }>('/api/files', async (req, reply) => {
    const text = await read(req.query.name ?? '');
    return text === null ? reply.code(404).send({ error: 'no such file' }) : { name: req.query.name, content: text };
  });
  f.get<{ Params: { file: string } }>('/api/docs/:file', async (req, reply) => {
    const text = await read(req.params.file);
    return text === null ? reply.code(404).send('not found') : reply.type('text/plain').send(text);
  });
  return f;
}

const filesOp = operation('GET', '/api/files', { parameters: [query('name')] });
const docsOp = operation('GET', '/api/docs/{file}', { parameters: [pathParam('file')] });

async function scan(variant: Variant) {
  const f = app(variant);
  const url = await listen(f);
  try {
    const c = client(url);
    const samples = [
      await sample(c, url, filesOp, { path: '/api/files?name=readme.txt' }),
      await sample(c, url, docsOp, { path: '/api/docs/readme.txt', pathValues: { file: 'readme.txt' } }),
    ];
    const { ctx, findings } = context({ api: restApi([filesOp, docsOp]), baseUrl: url, client: c, samples });
    await pathTraversal.run(ctx);
    return { findings, requests: c.stats.requests };
  } finally {
    await f.close();
  }
}

describe('injection.path-traversal', () => {
  it('reads /etc/passwd through ../ in a query parameter and in a path parameter', async () => {
    const { findings } = await scan('vulnerable');
    expect(findings.map((f) => [f.location, f.key])).toEqual([
      ['GET /api/files', 'query:name'],
      ['GET /api/docs/{file}', 'path:file'],
    ]);
    expect(findings[0].detail).toMatch(/\/etc\/passwd \(root:/);
  });

  it('gets past a filter that decodes after checking, with URL-encoded dots', async () => {
    const { findings } = await scan('filtered-then-decoded');
    expect(findings).toHaveLength(2);
    expect(findings[0].detail).toMatch(/%2e%2e%2f/);
  });

  it('stays silent when names with separators are refused and the path is confined', async () => {
    const { findings, requests } = await scan('fixed');
    expect(findings).toEqual([]);
    expect(requests).toBeLessThanOrEqual(2 * 10);
  });

  it('splits input names into words for the file-name heuristic', () => {
    expect(words('downloadPath')).toEqual(['download', 'path']);
    expect(words('user_name')).toEqual(['user', 'name']);
    expect(words('username')).toEqual(['username']);
  });
});
