import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NoSchemaIntrospectionCustomRule,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpScanClient } from '../http/scan-client.js';
import { recoverSchema } from './recover.js';
import { rootFieldWords } from './field-words.js';
import { startMiniServer, type MiniResolver } from './test-kit.js';

const SHOP_SDL = `
type Query {
  products(search: String, first: Int): [Product!]!
  product(id: ID!): Product
  me: User
  orders(status: OrderStatus): [Order!]!
}
type Mutation {
  createOrder(input: OrderInput!): Order
  login(username: String!, password: String!): AuthPayload
}
type Product { id: ID! name: String! price: Float! reviews: [Review!]! }
type Review { id: ID! rating: Int! comment: String author: User }
type User { id: ID! email: String! orders: [Order!]! isAdmin: Boolean! }
type Order { id: ID! total: Float! status: OrderStatus! lines: [OrderLine!]! owner: User! }
type OrderLine { product: Product! quantity: Int! }
type AuthPayload { token: String! user: User }
enum OrderStatus { PENDING PAID SHIPPED CANCELLED }
input OrderInput { lines: [LineInput!]!, note: String, couponCode: String }
input LineInput { productId: ID!, quantity: Int! }
`;

const PASTES_SDL = `
type Query {
  pastes(public: Boolean, limit: Int): [PasteObject!]!
  paste(id: Int): PasteObject
  systemDiagnostics(username: String, password: String, cmd: String): String
  systemHealth: String
}
type Mutation {
  createPaste(title: String, content: String, public: Boolean): CreatePaste
  importPaste(host: String!, port: Int, path: String!, scheme: String!): ImportPaste
}
type PasteObject { id: ID! title: String content: String public: Boolean owner: OwnerObject ipAddr: String }
type OwnerObject { id: ID! name: String pastes: [PasteObject] }
type CreatePaste { paste: PasteObject }
type ImportPaste { result: String }
`;

const closed = [NoSchemaIntrospectionCustomRule];
/** What graphql-armor's blockFieldSuggestions (and many hand-made error formatters) do. */
const maskSuggestions = (e: GraphQLError): Record<string, unknown> => ({ message: e.message.replace(/ ?Did you mean .*$/, '') });

function clientFor(url: URL, o: { budget?: number; safe?: boolean } = {}): HttpScanClient {
  return new HttpScanClient({ baseUrl: url, budget: o.budget ?? 1000, ratePerSecond: 0, concurrency: 2, timeoutMs: 5000, maxBodyBytes: 1 << 20, safe: o.safe ?? false });
}

function fieldsOf(schema: GraphQLSchema | null, type: string): string[] {
  const t = schema?.getType(type);
  return t !== undefined && t !== null && isObjectType(t) ? Object.keys(t.getFields()) : [];
}

function argsOf(schema: GraphQLSchema | null, type: string, field: string): Record<string, string> {
  const t = schema?.getType(type);
  if (t === undefined || t === null || !isObjectType(t)) return {};
  const f = t.getFields()[field];
  return Object.fromEntries((f?.args ?? []).map((a) => [a.name, String(a.type)]));
}

function inputFieldsOf(schema: GraphQLSchema | null, type: string): Record<string, string> {
  const t = schema?.getType(type);
  if (t === undefined || t === null || !isInputObjectType(t)) return {};
  return Object.fromEntries(Object.values(t.getFields()).map((f) => [f.name, String(f.type)]));
}

async function startRaw(handler: (body: string) => { status: number; type: string; body: string }): Promise<{ url: URL; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const r = handler(body);
      res.writeHead(r.status, { 'content-type': r.type });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), server };
}

describe('recovering a schema from field suggestions', () => {
  const executed: string[] = [];
  const record = (name: string): MiniResolver => () => {
    executed.push(name);
    return null;
  };
  let shop: Awaited<ReturnType<typeof startMiniServer>>;
  let pastes: Awaited<ReturnType<typeof startMiniServer>>;
  let masked: Awaited<ReturnType<typeof startMiniServer>>;

  beforeAll(async () => {
    shop = await startMiniServer({
      sdl: SHOP_SDL,
      rules: closed,
      resolvers: { Query: { products: record('products'), me: record('me') }, Mutation: { createOrder: record('createOrder'), login: record('login') } },
    });
    pastes = await startMiniServer({
      sdl: PASTES_SDL,
      rules: closed,
      resolvers: { Query: { systemDiagnostics: record('systemDiagnostics') }, Mutation: { createPaste: record('createPaste'), importPaste: record('importPaste') } },
    });
    masked = await startMiniServer({ sdl: `type Query { products: [String!]! zorblax: Int, produc: Int }\ntype Mutation { createOrder: Int }`, rules: closed, resolvers: {}, formatError: maskSuggestions });
  });
  afterAll(async () => {
    await shop.close();
    await pastes.close();
    await masked.close();
  });

  it('rebuilds a shop API: root fields, argument types, object types, input objects and enums, within its request budget', async () => {
    const client = clientFor(shop.url);
    const schema = await recoverSchema(client, `${shop.url.origin}/graphql`, { budget: 400 });
    expect(schema).not.toBeNull();
    expect(fieldsOf(schema, 'Query').sort()).toEqual(['me', 'orders', 'product', 'products']);
    expect(fieldsOf(schema, 'Mutation').sort()).toEqual(['createOrder', 'login']);
    expect(argsOf(schema, 'Query', 'product')).toEqual({ id: 'ID!' });
    expect(argsOf(schema, 'Query', 'products')).toEqual({ search: 'String', first: 'Int' });
    expect(argsOf(schema, 'Mutation', 'login')).toEqual({ username: 'String!', password: 'String!' });
    expect(argsOf(schema, 'Mutation', 'createOrder')).toEqual({ input: 'OrderInput!' });
    expect(String(schema?.getQueryType()?.getFields().products?.type)).toBe('[Product!]!');
    expect(String(schema?.getQueryType()?.getFields().me?.type)).toBe('User');
    expect(fieldsOf(schema, 'User')).toEqual(expect.arrayContaining(['id', 'email', 'orders', 'isAdmin']));
    expect(fieldsOf(schema, 'Product')).toEqual(expect.arrayContaining(['id', 'name', 'price', 'reviews']));
    expect(fieldsOf(schema, 'Order')).toEqual(expect.arrayContaining(['id', 'total', 'status', 'lines', 'owner']));
    const order = schema?.getType('Order');
    expect(order !== undefined && order !== null && isObjectType(order) ? String(order.getFields().total?.type) : '').toBe('Float!');
    expect(inputFieldsOf(schema, 'OrderInput')).toMatchObject({ lines: '[LineInput!]!', note: 'String' });
    expect(inputFieldsOf(schema, 'LineInput')).toEqual({ productId: 'ID!', quantity: 'Int!' });
    const status = schema?.getType('OrderStatus');
    expect(status !== undefined && status !== null && isEnumType(status) ? status.getValues().map((v) => v.name).sort() : []).toEqual(['CANCELLED', 'PAID', 'PENDING', 'SHIPPED']);
    expect(client.stats.requests).toBeLessThanOrEqual(400);
    // Every probe fails validation on purpose: no resolver ran, no order was created.
    expect(executed).toEqual([]);
  });

  it('rebuilds a DVGA-like pastes API, with the arguments of its dangerous fields', async () => {
    const client = clientFor(pastes.url);
    const schema = await recoverSchema(client, `${pastes.url.origin}/graphql`);
    expect(fieldsOf(schema, 'Query')).toEqual(expect.arrayContaining(['pastes', 'paste', 'systemDiagnostics', 'systemHealth']));
    expect(argsOf(schema, 'Query', 'pastes')).toEqual({ public: 'Boolean', limit: 'Int' });
    expect(argsOf(schema, 'Query', 'paste')).toEqual({ id: 'Int' });
    expect(argsOf(schema, 'Query', 'systemDiagnostics')).toEqual({ username: 'String', password: 'String', cmd: 'String' });
    expect(argsOf(schema, 'Mutation', 'createPaste')).toEqual({ title: 'String', content: 'String', public: 'Boolean' });
    expect(argsOf(schema, 'Mutation', 'importPaste')).toEqual({ host: 'String!', port: 'Int', path: 'String!', scheme: 'String!' });
    expect(fieldsOf(schema, 'PasteObject')).toEqual(expect.arrayContaining(['id', 'title', 'content', 'public', 'owner', 'ipAddr']));
    expect(fieldsOf(schema, 'CreatePaste')).toEqual(['paste']);
    expect(String(schema?.getMutationType()?.getFields().importPaste?.type)).toBe('ImportPaste');
    const listType = schema?.getQueryType()?.getFields().pastes?.type;
    expect(listType !== undefined ? getNamedType(listType).name : '').toBe('PasteObject');
    expect(client.stats.requests).toBeLessThanOrEqual(400);
    expect(executed).toEqual([]);
  });

  it('probes over GET under --safe, mutations included, without running them', async () => {
    const client = clientFor(pastes.url, { safe: true });
    const schema = await recoverSchema(client, `${pastes.url.origin}/graphql`);
    expect(argsOf(schema, 'Mutation', 'importPaste')).toEqual({ host: 'String!', port: 'Int', path: 'String!', scheme: 'String!' });
    expect(client.stats.refused).toBeGreaterThan(0);
    expect(executed).toEqual([]);
  });

  it('stops at its own request budget', async () => {
    const client = clientFor(shop.url);
    await recoverSchema(client, `${shop.url.origin}/graphql`, { budget: 25 });
    expect(client.stats.requests).toBeLessThanOrEqual(25);
    const small = clientFor(shop.url, { budget: 12 });
    await recoverSchema(small, `${shop.url.origin}/graphql`);
    expect(small.stats.requests).toBeLessThanOrEqual(12);
  });

  it('finds only fields named exactly like a word when suggestions are masked', async () => {
    const schema = await recoverSchema(clientFor(masked.url), `${masked.url.origin}/graphql`);
    expect(rootFieldWords()).toContain('products');
    expect(rootFieldWords()).not.toContain('produc');
    expect(fieldsOf(schema, 'Query')).toEqual(['products']);
    expect(fieldsOf(schema, 'Mutation')).toEqual(['createOrder']);
  });

  it('gives null when nothing in the schema is named like a word and suggestions are masked', async () => {
    const server = await startMiniServer({ sdl: 'type Query { zorblax: Int }', rules: closed, resolvers: {}, formatError: maskSuggestions });
    try {
      expect(await recoverSchema(clientFor(server.url), `${server.url.origin}/graphql`)).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('gives null, without throwing, for HTML pages and 500 answers', async () => {
    for (const status of [200, 500]) {
      const { url, server } = await startRaw(() => ({ status, type: 'text/html', body: '<html><body>Oops</body></html>' }));
      try {
        const client = clientFor(url);
        expect(await recoverSchema(client, `${url.origin}/graphql`)).toBeNull();
        expect(client.stats.requests).toBeLessThanOrEqual(400);
      } finally {
        await new Promise((r) => server.close(r));
      }
    }
  });

  it('does not take a server that validates nothing for one where every word is a field', async () => {
    // Answers every probe with an error about the probe's last line only, and nothing else.
    const { url, server } = await startRaw((body) => {
      const query = (JSON.parse(body || '{}') as { query?: string }).query ?? '';
      const line = query.split('\n').findIndex((l) => l === 'herdNoSuchField') + 1;
      return { status: 200, type: 'application/json', body: JSON.stringify({ data: { __typename: 'Query' }, errors: [{ message: 'Cannot query field "herdNoSuchField" on type "Query".', locations: [{ line, column: 1 }] }] }) };
    });
    try {
      expect(await recoverSchema(clientFor(url), `${url.origin}/graphql`)).toBeNull();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('survives a flood of long, malformed errors', async () => {
    const junk = JSON.stringify({
      errors: Array.from({ length: 1000 }, (_, i) => ({ message: `Field "x${i}" of type "${'['.repeat(500)}" must have a selection of subfields ${'y'.repeat(300)}`, locations: [{ line: i % 40, column: 'a' }] })),
    });
    const { url, server } = await startRaw(() => ({ status: 400, type: 'application/json', body: junk }));
    try {
      const client = clientFor(url, { budget: 100 });
      expect(await recoverSchema(client, `${url.origin}/graphql`)).toBeNull();
      expect(client.stats.requests).toBeLessThanOrEqual(100);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
