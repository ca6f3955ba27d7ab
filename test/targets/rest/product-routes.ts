import type { FastifyInstance } from 'fastify';
import { notFound, pathId, queryInt, queryText, type RestContext } from './context.js';

/**
 * The public catalogue. Flaws on the vulnerable variant: SQL injection through `search`, no
 * maximum on `limit`, stack traces for a malformed product id, and an HTML search page that
 * echoes `q` unescaped.
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_SEARCH_LENGTH = 200;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export function registerProductRoutes(app: FastifyInstance, ctx: RestContext): void {
  app.get('/api/products', async (req) => {
    const search = queryText(req, 'search', MAX_SEARCH_LENGTH) ?? '';
    const limit = queryInt(req, 'limit', 1, ctx.vulnerable ? Number.POSITIVE_INFINITY : MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const offset = queryInt(req, 'offset', 0, Number.POSITIVE_INFINITY, 0);
    return ctx.products.search(search, limit, offset);
  });

  app.get<{ Params: { id: string } }>('/api/products/:id', async (req) => {
    // The vulnerable variant trusts the id to be numeric: BigInt('abc') throws, and the error
    // handler sends the stack to the caller.
    const id = ctx.vulnerable ? BigInt(req.params.id) : pathId(req.params.id, 'id');
    const product = ctx.products.byId(id);
    if (product === undefined) throw notFound('no product with this id');
    return product;
  });

  app.get('/api/search/html', async (req, reply) => {
    const q = queryText(req, 'q', MAX_SEARCH_LENGTH) ?? '';
    const page = ctx.products.searchSafe(q, 10, 0);
    const shown = ctx.vulnerable ? q : escapeHtml(q);
    const list = page.items.map((p) => `<li><a href="/api/products/${p.id}">${escapeHtml(p.name)}</a> ${p.price.toFixed(2)} EUR</li>`).join('\n');
    const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Search the shop</title></head>
<body>
<h1>Results for ${shown}</h1>
<p>${page.total} products found.</p>
<ul>
${list}
</ul>
</body>
</html>
`;
    if (!ctx.vulnerable) reply.header('content-security-policy', "default-src 'none'");
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
