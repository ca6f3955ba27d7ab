import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpScanClient } from '../http/scan-client.js';
import { UserCredentials } from '../auth/credentials.js';
import { loadOpenApi } from '../spec/openapi-load.js';
import { apiRoot } from './build-request.js';
import { exploreRest } from './explore-rest.js';

/**
 * Exploration reaches item operations whose path parameter is not an id (`/books/{book_title}`,
 * `/users/{username}`): values are learned from the fields of earlier answers, and objects are
 * identified by the field the item path names.
 */

let server: Server;
let base: URL;
const books = [
  { book_title: 'bookTitle77', secret: 'alice secret', owner: 'alice' },
  { book_title: 'bookTitle12', secret: 'bob secret', owner: 'bob' },
];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const user = req.headers.authorization === 'Bearer a' ? 'alice' : req.headers.authorization === 'Bearer b' ? 'bob' : null;
    res.setHeader('content-type', 'application/json');
    if (path === '/books/v1') return res.end(JSON.stringify({ Books: books.map(({ book_title, owner }) => ({ book_title, user: owner })) }));
    const book = /^\/books\/v1\/([^/]+)$/.exec(path);
    if (book !== null) {
      const b = books.find((x) => x.book_title === book[1]);
      res.statusCode = b === undefined || user === null ? 404 : 200;
      return res.end(JSON.stringify(b ?? {}));
    }
    const u = /^\/users\/v1\/([^/]+)$/.exec(path);
    if (u !== null && (u[1] === 'alice' || u[1] === 'bob')) return res.end(JSON.stringify({ username: u[1], email: `${u[1]}@example.com` }));
    if (path === '/users/v1') return res.end(JSON.stringify({ users: [{ username: 'alice' }, { username: 'bob' }] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ok = { '200': { description: 'ok' } };
const spec = {
  openapi: '3.0.3',
  info: { title: 'books', version: '1' },
  paths: {
    '/books/v1': { get: { operationId: 'listBooks', responses: ok } },
    '/books/v1/{book_title}': { get: { operationId: 'getBook', parameters: [{ name: 'book_title', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } },
    '/users/v1': { get: { operationId: 'listUsers', responses: ok } },
    '/users/v1/{username}': { get: { operationId: 'getUser', parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } },
  },
};

describe('exploration with identifiers that are not ids', () => {
  it('reads items by the title and the user name earlier answers showed, and records them as objects', async () => {
    const api = await loadOpenApi(spec, 'spec');
    const credentials = new UserCredentials([{ name: 'alice', role: 'user', auth: { bearer: 'a' } }, { name: 'bob', role: 'user', auth: { bearer: 'b' } }], base);
    const client = new HttpScanClient({ baseUrl: base, budget: 200, ratePerSecond: 0, concurrency: 2, timeoutMs: 2000, maxBodyBytes: 1 << 20, safe: true, credentials });
    const ex = await exploreRest({ api, root: apiRoot(base, api.servers), client, users: ['alice', 'bob'], safe: true });
    const getBook = ex.samples.get('getBook') ?? [];
    expect(getBook.map((s) => s.user).sort()).toEqual(['alice', 'bob']);
    expect(getBook[0]!.pathValues.book_title).toMatch(/^bookTitle(77|12)$/);
    expect((ex.samples.get('getUser') ?? []).map((s) => s.pathValues.username)).toContain('alice');
    expect(ex.resources.filter((r) => r.collection === '/books/v1').map((r) => r.id)).toEqual(expect.arrayContaining(['bookTitle77', 'bookTitle12']));
  });
});
