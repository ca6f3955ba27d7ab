import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpScanClient } from '../http/scan-client.js';
import { HerdError } from '../../core/index.js';
import { endpointUrl, fieldRequiresAuth, findGraphqlEndpoint, loadGraphqlApi } from './index.js';
import { startMiniServer } from './test-kit.js';

const SDL = `
"""A library."""
schema { query: Query mutation: Mutation }
type Query {
  "One book."
  book(id: ID!, format: Format = PAPER): Book
  books(search: String, first: Int): [Book!]!
  publicStats: Int
}
type Mutation {
  login(username: String!, password: String!): String
  addBook(input: BookInput!): Book
}
enum Format { PAPER EBOOK }
input BookInput { title: String!, tags: [String!], author: AuthorInput }
input AuthorInput { name: String!, parent: AuthorInput }
type Book { id: ID!, title: String!, related: [Book!]! }
`;

function clientFor(url: URL, safe = false): HttpScanClient {
  return new HttpScanClient({ baseUrl: url, budget: 200, ratePerSecond: 0, concurrency: 2, timeoutMs: 5000, maxBodyBytes: 1 << 20, safe });
}

describe('loading a GraphQL API', () => {
  let server: Awaited<ReturnType<typeof startMiniServer>>;
  let closed: Awaited<ReturnType<typeof startMiniServer>>;
  let dir: string;

  beforeAll(async () => {
    server = await startMiniServer({ sdl: SDL, resolvers: {} });
    closed = await startMiniServer({ sdl: SDL, resolvers: {}, rules: [NoSchemaIntrospectionCustomRule] });
    dir = await mkdtemp(join(tmpdir(), 'herd-gql-load-'));
  });
  afterAll(async () => {
    await server.close();
    await closed.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the schema by introspection and makes one operation per query and mutation field', async () => {
    const api = await loadGraphqlApi({ client: clientFor(server.url), baseUrl: server.url });
    expect(api.kind).toBe('graphql');
    expect(api.source).toBe('introspection');
    expect(api.endpoint).toBe('/graphql');
    // Introspection is asked without the schema's description (older servers refuse that field).
    expect(api.title).toBe('GraphQL API');
    expect(api.operations.map((o) => o.id)).toEqual(['Query.book', 'Query.books', 'Query.publicStats', 'Mutation.login', 'Mutation.addBook']);
    const book = api.operations.find((o) => o.id === 'Query.book');
    expect(book).toMatchObject({ method: 'POST', path: '/graphql', summary: 'One book.', requiresAuth: true, tags: ['query'] });
    expect(book?.parameters).toEqual([
      { name: 'id', in: 'query', required: true, schema: { type: 'string', format: 'graphql-id', 'x-graphql-type': 'ID!' } },
      { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['PAPER', 'EBOOK'], 'x-graphql-type': 'Format' }, example: 'PAPER' },
    ]);
    const input = api.operations.find((o) => o.id === 'Mutation.addBook')?.parameters[0]?.schema;
    expect(input).toMatchObject({ type: 'object', required: ['title'], properties: { title: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } } });
    expect(api.operations.find((o) => o.id === 'Mutation.login')?.requiresAuth).toBe(false);
    expect(api.operations.find((o) => o.id === 'Query.publicStats')?.requiresAuth).toBe(false);
    expect(api.sdl).toContain('type Book');
  });

  it('reads the schema from an SDL file when introspection is off', async () => {
    const file = join(dir, 'schema.graphql');
    await writeFile(file, SDL);
    const api = await loadGraphqlApi({ client: clientFor(closed.url), baseUrl: closed.url, sdlFile: file });
    expect(api.source).toBe(file);
    expect(api.title).toBe('A library.');
    expect(api.operations).toHaveLength(5);
  });

  it('rebuilds the schema from field suggestions when introspection is refused', async () => {
    const api = await loadGraphqlApi({ client: clientFor(closed.url), baseUrl: closed.url });
    expect(api.source).toBe('field suggestions');
    expect(api.endpoint).toBe('/graphql');
    expect(api.operations.map((o) => o.id)).toEqual(expect.arrayContaining(['Query.book', 'Query.books', 'Mutation.login', 'Mutation.addBook']));
    const book = api.operations.find((o) => o.id === 'Query.book');
    expect(book?.parameters.find((p) => p.name === 'id')).toMatchObject({ required: true, schema: { 'x-graphql-type': 'ID!' } });
    const input = api.operations.find((o) => o.id === 'Mutation.addBook')?.parameters[0]?.schema;
    expect(input).toMatchObject({ type: 'object', 'x-graphql-type': 'BookInput!', required: ['title'], properties: { title: { type: 'string' } } });
    expect(api.operations.find((o) => o.id === 'Mutation.login')?.requiresAuth).toBe(false);
  });

  it('says to give an SDL file when introspection is refused and suggestions are hidden', async () => {
    const hidden = await startMiniServer({
      sdl: 'type Query { zorblax(quux: Int): Int }',
      resolvers: {},
      rules: [NoSchemaIntrospectionCustomRule],
      formatError: (e) => ({ message: e.message.replace(/ ?Did you mean .*$/, '') }),
    });
    try {
      const err = await loadGraphqlApi({ client: clientFor(hidden.url), baseUrl: hidden.url }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HerdError);
      expect((err as HerdError).code).toBe('HERD_SCAN_GRAPHQL_INTROSPECTION');
      expect((err as HerdError).message).toMatch(/no field suggestions.*SDL file/);
    } finally {
      await hidden.close();
    }
  });

  it('names the file and line of an SDL error', async () => {
    const file = join(dir, 'broken.graphql');
    await writeFile(file, 'type Query {\n  a: Int\n  b: \n}\n');
    const err = await loadGraphqlApi({ client: clientFor(server.url), baseUrl: server.url, endpoint: '/graphql', sdlFile: file }).catch((e: unknown) => e);
    expect((err as HerdError).code).toBe('HERD_SCAN_GRAPHQL_SDL');
    expect((err as HerdError).where).toBe(`${file}:4`);
  });

  it('finds the endpoint at one of the usual paths, and says so when there is none', async () => {
    const app = Fastify({ logger: false });
    app.post('/api/graphql', async () => ({ data: { __typename: 'Query' } }));
    app.post('/graphql', async (_req, reply) => reply.status(200).send({ data: { hello: 'not graphql' } }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    try {
      expect(await findGraphqlEndpoint(clientFor(url), url)).toBe('/api/graphql');
      const empty = new URL(`${url.origin}/nothing-here/`);
      const err = await loadGraphqlApi({ client: clientFor(empty), baseUrl: empty }).catch((e: unknown) => e);
      expect((err as HerdError).code).toBe('HERD_SCAN_GRAPHQL_ENDPOINT');
    } finally {
      await app.close();
    }
  });

  it('introspects over GET when --safe refuses POST', async () => {
    const client = clientFor(server.url, true);
    const api = await loadGraphqlApi({ client, baseUrl: server.url });
    expect(api.operations).toHaveLength(5);
    expect(client.stats.refused).toBeGreaterThan(0);
  });
});

describe('endpoint URLs and public fields', () => {
  it('joins the endpoint to the base URL, keeping a base path once', () => {
    expect(endpointUrl(new URL('http://h:1'), '/graphql')).toBe('http://h:1/graphql');
    expect(endpointUrl(new URL('http://h:1/api/'), '/graphql')).toBe('http://h:1/api/graphql');
    expect(endpointUrl(new URL('http://h:1/api'), '/api/graphql')).toBe('http://h:1/api/graphql');
    expect(endpointUrl(new URL('http://h:1/gql'), '')).toBe('http://h:1/gql');
  });

  it('takes login, sign-up, registration and public fields as needing no credentials, and others as needing them', () => {
    for (const name of ['login', 'logIn', 'signIn', 'sign_up', 'register', 'registerUser', 'publicPosts', 'refreshToken', 'resetPassword', 'health']) {
      expect(fieldRequiresAuth(name), name).toBe(false);
    }
    for (const name of ['orders', 'me', 'loginHistory', 'users', 'deleteUser', 'publication', 'userPublicKey']) {
      expect(fieldRequiresAuth(name), name).toBe(true);
    }
  });
});
