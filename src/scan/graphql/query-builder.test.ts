import fc from 'fast-check';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildOperation, leafSelection, printSelection, pruneSelection, selectionFor } from './query-builder.js';
import { requiredArgValues, valueForType } from './values.js';
import { idTargetType, viewerField, wordsOf } from './schema-tools.js';

const schema = buildSchema(`
  type Query {
    me: User
    user(id: ID!): User
    orders(status: Status, first: Int): [Order!]!
    order(id: ID!): Order
    search(term: String!, kind: Kind!, filter: Filter!): [Result!]!
  }
  type Mutation {
    createOrder(productId: ID!, quantity: Int!, note: String): Order
    deleteUser(id: ID!): Boolean
    updateOrder(id: ID!, input: OrderInput!): UpdateOrderPayload
  }
  type UpdateOrderPayload { order: Order }
  enum Status { OPEN CLOSED }
  enum Kind { BOOK FILM }
  input Filter { minPrice: Float!, maxPrice: Float, nested: Filter, tags: [String!]! }
  input OrderInput { note: String }
  type User { id: ID!, name: String!, secret(key: String!): String, orders: [Order!]!, best: Order }
  type Order { id: ID!, total: Float!, owner: User!, product: Product }
  type Product { id: ID!, name: String! }
  union Result = Order | Product
`);

const field = (root: 'Query' | 'Mutation', name: string) => {
  const f = (root === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields()[name];
  if (f === undefined) throw new Error(name);
  return f;
};

describe('selections built from the schema', () => {
  it('selects plain fields and nested objects, never a type already on the path, and skips fields needing arguments', () => {
    const sel = selectionFor(field('Query', 'me').type, { depth: 3 });
    const text = printSelection(sel ?? []);
    expect(text).toBe('{ __typename id name orders { __typename id total product { __typename id name } } best { __typename id total product { __typename id name } } }');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('owner');
  });

  it('bounds the number of fields of a selection', () => {
    const sel = selectionFor(field('Query', 'me').type, { depth: 3, maxFields: 3 });
    expect(printSelection(sel ?? [])).toBe('{ __typename id name orders { __typename } }');
  });

  it('selects union members through inline fragments', () => {
    expect(printSelection(leafSelection(field('Query', 'search').type) ?? [])).toBe('{ __typename ... on Order { id total } ... on Product { id name } }');
  });

  it('drops the fields the server refused, down a path that went through lists', () => {
    const sel = selectionFor(field('Query', 'me').type, { depth: 3 }) ?? [];
    const pruned = pruneSelection(sel, [['orders', 'product'], ['name']]);
    expect(printSelection(pruned)).toBe('{ __typename id orders { __typename id total } best { __typename id total product { __typename id name } } }');
  });
});

describe('operations with their arguments as variables', () => {
  it('declares each given argument as a variable of its own type', () => {
    const op = buildOperation('query', field('Query', 'order'), { id: '7' }, leafSelection(field('Query', 'order').type));
    expect(op.query).toBe('query HerdOrder($id: ID!) { order(id: $id) { __typename id total } }');
    expect(op.variables).toEqual({ id: '7' });
    expect(validate(schema, parse(op.query))).toEqual([]);
  });

  it('never puts a value into the query text, whatever the value', () => {
    fc.assert(
      // Framed values: a bare "id" or "{" would be found in any query text.
      fc.property(fc.string().map((x) => `«${x}»`), fc.string(), (term, note) => {
        const search = buildOperation('query', field('Query', 'search'), { term, kind: 'BOOK', filter: { minPrice: 1, tags: [note] } }, leafSelection(field('Query', 'search').type));
        const create = buildOperation('mutation', field('Mutation', 'createOrder'), { productId: '1', quantity: 1, note }, leafSelection(field('Mutation', 'createOrder').type));
        for (const op of [search, create]) {
          expect(validate(schema, parse(op.query))).toEqual([]);
          expect(op.query.includes(term)).toBe(false);
        }
        expect(search.variables.term).toBe(term);
        expect(create.variables.note).toBe(note);
      }),
    );
  });
});

describe('argument values', () => {
  it('fills required arguments: learned ids first, the first enum value, input objects with their required fields', () => {
    const hints = { idsOf: (t: string | null) => (t === 'Order' ? ['41', '42'] : []) };
    expect(requiredArgValues(schema, field('Query', 'order'), hints)).toEqual({ id: '41' });
    expect(requiredArgValues(schema, field('Query', 'user'), hints)).toEqual({ id: '1' });
    expect(requiredArgValues(schema, field('Query', 'search'), hints)).toEqual({ term: 'herd', kind: 'BOOK', filter: { minPrice: 1, tags: ['herd'] } });
    expect(requiredArgValues(schema, field('Mutation', 'createOrder'), hints, { note: 'x' })).toEqual({ productId: '1', quantity: 1, note: 'x' });
  });

  it('gives names that say email, URL or date a value of that shape', () => {
    const str = schema.getType('String');
    if (str === undefined || str === null || !('serialize' in str)) throw new Error('String');
    expect(valueForType(str, 'contactEmail', [])).toBe('herd@example.com');
    expect(valueForType(str, 'website_url', [])).toBe('https://example.com/');
    expect(valueForType(str, 'createdAt', [])).toBe('2024-01-01T00:00:00Z');
  });

  it('tells which type an id argument points to', () => {
    const idOf = (root: 'Query' | 'Mutation', name: string, arg: string) => {
      const f = field(root, name);
      const a = f.args.find((x) => x.name === arg);
      return a === undefined ? null : idTargetType(schema, f, a);
    };
    expect(idOf('Query', 'order', 'id')).toBe('Order');
    expect(idOf('Mutation', 'createOrder', 'productId')).toBe('Product');
    expect(idOf('Mutation', 'deleteUser', 'id')).toBe('User');
    expect(idOf('Mutation', 'updateOrder', 'id')).toBe('Order');
  });

  it('finds the viewer field and splits names into words', () => {
    expect(viewerField(schema)?.name).toBe('me');
    expect(wordsOf('deleteUserByID')).toEqual(['delete', 'user', 'by', 'id']);
    expect(wordsOf('APIKey')).toEqual(['api', 'key']);
    expect(wordsOf('shipping_address')).toEqual(['shipping', 'address']);
  });
});
