import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { specLocator } from './spec-lines.js';

/** The 1-based line of the first line equal to `line` that comes after the line equal to `after`. */
function at(lines: readonly string[], line: string, after?: string): number {
  const start = after === undefined ? 0 : lines.indexOf(after);
  if (start < 0) throw new Error(`fixture has no line ${JSON.stringify(after)}`);
  const i = lines.indexOf(line, start);
  if (i < 0) throw new Error(`fixture has no line ${JSON.stringify(line)} after ${JSON.stringify(after)}`);
  return i + 1;
}

const OPENAPI_YAML = [
  'openapi: 3.0.3',
  'info:',
  '  title: Shop',
  '  version: "1"',
  'servers:',
  '  - url: https://shop.example/api/v1',
  'paths:',
  '  /users:',
  '    get:',
  '      summary: list users',
  '    post:',
  '      summary: add a user',
  '  /users/{id}:',
  '    parameters:',
  '      - name: id',
  '        in: path',
  '        required: true',
  '    get:',
  '      summary: one user',
  '    delete:',
  '      summary: remove a user',
  '  "/users/{id}/orders":',
  '    get:',
  '      responses:',
  "        '200':",
  '          description: ok',
  '  /admin:',
  '    x-internal: true',
  'components: {}',
];

describe('specLocator on OpenAPI 3 in YAML', () => {
  const locate = specLocator(OPENAPI_YAML.join('\n'));

  it("places METHOD /path on the line of the operation's method key", () => {
    expect(locate('GET /users')).toBe(at(OPENAPI_YAML, '    get:', '  /users:'));
    expect(locate('POST /users')).toBe(at(OPENAPI_YAML, '    post:', '  /users:'));
    expect(locate('GET /users/{id}')).toBe(at(OPENAPI_YAML, '    get:', '  /users/{id}:'));
    expect(locate('DELETE /users/{id}')).toBe(at(OPENAPI_YAML, '    delete:', '  /users/{id}:'));
    expect(locate('GET /users/{id}/orders')).toBe(at(OPENAPI_YAML, '    get:', '  "/users/{id}/orders":'));
  });

  it('tells paths with the same prefix apart (/users, /users/{id}, /users/{id}/orders)', () => {
    const lines = ['GET /users', 'GET /users/{id}', 'GET /users/{id}/orders'].map(locate);
    expect(new Set(lines).size).toBe(3);
    expect(lines).toEqual([9, 18, 23]);
  });

  it("falls back to the path key's line when the method is not described there", () => {
    expect(locate('PUT /users/{id}')).toBe(at(OPENAPI_YAML, '  /users/{id}:'));
    expect(locate('GET /admin')).toBe(at(OPENAPI_YAML, '  /admin:'));
    expect(locate('/admin')).toBe(at(OPENAPI_YAML, '  /admin:'));
  });

  it("finds a path named from the origin under the servers' base path (server-side checks)", () => {
    expect(locate('GET /api/v1/users/{id}')).toBe(at(OPENAPI_YAML, '    get:', '  /users/{id}:'));
    expect(locate('GET /api/v2/users/{id}')).toBeUndefined();
  });

  it('answers undefined for locations that are not in the description', () => {
    for (const where of ['GET /metrics', '/debug/vars', 'server', '*', 'https://shop.example', 'GET', '', 'GET users', 'Query.user']) {
      expect(locate(where), where).toBeUndefined();
    }
  });

  it('reads the method of a location in any case, and prefers the lower-case key OpenAPI defines', () => {
    expect(locate('get /users')).toBe(locate('GET /users'));
    const text = ['openapi: 3.1.0', 'paths:', '  /a:', '    GET:', '      summary: upper only', '  /b:', '    Post:', '    post:', '    PATCH: {}'].join('\n');
    const loc = specLocator(text);
    expect(loc('GET /a')).toBe(4);
    expect(loc('POST /b')).toBe(8);
    expect(loc('PATCH /b')).toBe(9);
  });
});

describe('specLocator on OpenAPI 3 in JSON', () => {
  it('finds method keys in pretty-printed JSON', () => {
    const doc = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/users': { get: { summary: 'x' } }, '/users/{id}': { get: {}, delete: { summary: 'y' } } },
    };
    const lines = JSON.stringify(doc, null, 2).split('\n');
    const locate = specLocator(lines.join('\n'));
    expect(locate('GET /users')).toBe(at(lines, '      "get": {', '    "/users": {'));
    expect(locate('GET /users/{id}')).toBe(at(lines, '      "get": {},', '    "/users/{id}": {'));
    expect(locate('DELETE /users/{id}')).toBe(at(lines, '      "delete": {', '    "/users/{id}": {'));
    expect(locate('PUT /users')).toBe(at(lines, '    "/users": {'));
  });

  it('places everything on line 1 of single-line JSON, and reads escaped keys as JSON does', () => {
    const text = '{"openapi":"3.0.0","paths":{"\\/a":{"get":{}}}}';
    expect(specLocator(text)('GET /a')).toBe(1);
    const multi = '{"openapi": "3.0.0", "paths": {\n"/a": {\n"get": {}, "post": {}},\n"/a": {\n"put": {}}}}';
    // Duplicate keys: JSON.parse, which the loader uses, keeps the last.
    expect(specLocator(multi)('PUT /a')).toBe(5);
    expect(specLocator(multi)('GET /a')).toBe(4);
  });
});

describe('specLocator on Swagger 2', () => {
  const lines = [
    'swagger: "2.0"',
    'info: { title: Pets, version: "1" }',
    'basePath: /api',
    'paths:',
    '  /pets:',
    '    get:',
    '      responses: { 200: { description: ok } }',
    '  /pets/{petId}:',
    '    get:',
    '      responses: { 200: { description: ok } }',
    '    put:',
    '      responses: { 200: { description: ok } }',
  ];
  const locate = specLocator(lines.join('\n'));

  it('finds operations by the paths key, relative to basePath as findings name them', () => {
    expect(locate('GET /pets')).toBe(6);
    expect(locate('PUT /pets/{petId}')).toBe(11);
    expect(locate('GET /api/pets/{petId}')).toBe(9);
  });
});

describe('specLocator on $ref and alias path items', () => {
  const lines = [
    'openapi: 3.1.0',
    'paths:',
    '  /users:',
    "    $ref: '#/components/pathItems/Users'",
    '  /people:',
    "    $ref: '#/paths/~1users'",
    '  /both:',
    '    delete: {}',
    "    $ref: '#/components/pathItems/Users'",
    '  /loop:',
    "    $ref: '#/components/pathItems/Loop'",
    '  /elsewhere:',
    "    $ref: 'other.yaml#/Users'",
    '  /anchored: &item',
    '    get: {}',
    '  /aliased: *item',
    '  /encoded:',
    "    $ref: '#/components/pathItems/a~1b%20c'",
    'components:',
    '  pathItems:',
    '    Users:',
    '      get: {}',
    '      post: {}',
    '    Loop:',
    "      $ref: '#/components/pathItems/Loop'",
    '    a/b c:',
    '      patch: {}',
  ];
  const locate = specLocator(lines.join('\n'));

  it('follows a local $ref to the method key in the referenced path item', () => {
    expect(locate('GET /users')).toBe(at(lines, '      get: {}', '    Users:'));
    expect(locate('POST /users')).toBe(at(lines, '      post: {}', '    Users:'));
    expect(locate('GET /people')).toBe(at(lines, '      get: {}', '    Users:'));
    expect(locate('PATCH /encoded')).toBe(at(lines, '      patch: {}', '    a/b c:'));
  });

  it('prefers keys written next to the $ref over the referenced ones', () => {
    expect(locate('DELETE /both')).toBe(8);
    expect(locate('GET /both')).toBe(at(lines, '      get: {}', '    Users:'));
  });

  it('stops at a $ref cycle or an external file, at the path key', () => {
    expect(locate('GET /loop')).toBe(at(lines, '  /loop:'));
    expect(locate('GET /elsewhere')).toBe(at(lines, '  /elsewhere:'));
  });

  it('follows a YAML alias to its anchor', () => {
    expect(locate('GET /aliased')).toBe(15);
    expect(locate('PUT /aliased')).toBe(16);
  });
});

describe('specLocator on GraphQL SDL', () => {
  const lines = [
    'schema {',
    '  query: Root',
    '  mutation: Mutation',
    '}',
    '',
    'type Root {',
    '  "the caller"',
    '  me: User',
    '  user(id: ID!): User',
    '}',
    '',
    '"""',
    'A person.',
    '"""',
    'type User {',
    '  id: ID!',
    '  email: String',
    '}',
    '',
    'type Mutation {',
    '  deleteUser(id: ID!): Boolean',
    '}',
    '',
    'extend type Root {',
    '  orders(',
    '    first: Int',
    '  ): [Order]',
    '}',
    '',
    'extend type Mutation {',
    '  addOrder(input: OrderInput!): Order',
    '}',
    '',
    'type Order { id: ID! }',
    'input OrderInput { item: String }',
    'enum Role { ADMIN USER }',
  ];
  const locate = specLocator(lines.join('\n'));

  it("places Root.field on the field's name, after its description", () => {
    expect(locate('Root.me')).toBe(8);
    expect(locate('Root.user')).toBe(9);
    expect(locate('Mutation.deleteUser')).toBe(21);
  });

  it('finds fields added by extend type', () => {
    expect(locate('Root.orders')).toBe(25);
    expect(locate('Mutation.addOrder')).toBe(31);
  });

  it('reads Query.field as the field of the type that schema { query: … } names', () => {
    expect(locate('Query.user')).toBe(9);
    expect(locate('Query.orders')).toBe(25);
    expect(locate('Subscription.user')).toBeUndefined();
  });

  it('places a type name on its definition, not an extension, and a member on its line', () => {
    expect(locate('User')).toBe(15);
    expect(locate('Root')).toBe(6);
    expect(locate('User.email')).toBe(17);
    expect(locate('Role.ADMIN')).toBe(36);
    expect(locate('OrderInput.item')).toBe(35);
    expect(locate('user')).toBe(9);
  });

  it('answers undefined for endpoint locations and unknown names', () => {
    for (const where of ['POST /graphql', 'GET /graphql', 'Root.nothing', 'Nothing', 'User.id.x', '', '*']) {
      expect(locate(where), where).toBeUndefined();
    }
  });

  it('uses Query and Mutation when the schema does not rename them', () => {
    const loc = specLocator('type Query {\n  a: Int\n}\nextend type Query {\n  b: Int\n}\n');
    expect(loc('Query.a')).toBe(2);
    expect(loc('Query.b')).toBe(5);
    expect(loc('Query')).toBe(1);
  });
});

describe('specLocator on broken and hostile text', () => {
  const broken: Record<string, string> = {
    empty: '',
    'a YAML syntax error': 'openapi: 3.0.0\npaths:\n  /a:\n    get: [unclosed\n',
    'YAML that is not a description': 'name: herd\npaths2: {}\n',
    'a YAML scalar': 'just some text',
    'truncated JSON': '{"openapi": "3.0.0", "paths": {"/a": {"get": ',
    'an unterminated SDL type': 'type Query {\n  a: Int\n',
    'binary bytes': '\u0000\u0001\uFFFE\uD800garbage\u001b[31m',
    'deeply nested JSON': `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
    'deeply nested SDL lists': `type Query { a: ${'['.repeat(100_000)}Int${']'.repeat(100_000)} }`,
    'a deeply nested YAML flow map': `openapi: 3.0.0\npaths: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}`,
  };

  for (const [what, text] of Object.entries(broken)) {
    it(`answers undefined for everything on ${what}`, () => {
      const locate = specLocator(text);
      for (const where of ['GET /a', '/a', 'Query.a', 'Query', 'a']) expect(locate(where), where).toBeUndefined();
    });
  }

  it('does not expand an alias bomb', () => {
    const bomb = ['openapi: 3.0.0', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    bomb.push('paths:', '  /a:', '    get: *l');
    const started = performance.now();
    expect(specLocator(bomb.join('\n'))('GET /a')).toBe(bomb.length);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('never throws, and answers only undefined or a line of the text, for any text and location', () => {
    const fragments = fc.constantFrom('openapi: 3.0.0\n', 'paths:\n', '  /a:\n', '    get: {}\n', '$ref: "#/paths"\n', '{', '}', '"', '&x ', '*x', 'type Query {', 'a: Int', '\n', ':', '- ');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fragments).map((xs) => xs.join(''))), fc.string(), (text, where) => {
        const locate = specLocator(text);
        for (const w of [where, 'GET /a', '/a', 'Query.a']) {
          const line = locate(w);
          if (line !== undefined) {
            expect(Number.isInteger(line)).toBe(true);
            expect(line).toBeGreaterThanOrEqual(1);
            expect(line).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length);
          }
        }
      }),
      { seed: 4242, numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Property: generated path tables, rendered to YAML and JSON by a writer that records where it put
// each key, are located exactly.

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Table {
  readonly paths: readonly { readonly path: string; readonly methods: readonly (typeof METHODS)[number][]; readonly bodyLines: number }[];
  readonly quote: 'plain' | 'single' | 'double';
  readonly blankLines: boolean;
}

const segment = fc.constantFrom('users', 'user', '{id}', '{userId}', 'orders', 'v1', 'a-b', 'x.y', 'ünï', 'files', 'me');
const pathArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
const tableArb: fc.Arbitrary<Table> = fc.record({
  paths: fc.uniqueArray(
    fc.record({ path: pathArb, methods: fc.subarray([...METHODS], { minLength: 0 }), bodyLines: fc.nat(3) }),
    { selector: (p) => p.path, minLength: 1, maxLength: 12 },
  ),
  quote: fc.constantFrom('plain', 'single', 'double'),
  blankLines: fc.boolean(),
});

interface Rendered {
  readonly text: string;
  readonly methodLine: Map<string, number>;
  readonly pathLine: Map<string, number>;
}

function renderYaml(t: Table): Rendered {
  const out: string[] = ['openapi: 3.0.3', 'info:', '  title: generated', '  version: "1"', 'paths:'];
  const methodLine = new Map<string, number>();
  const pathLine = new Map<string, number>();
  const key = (p: string): string => (t.quote === 'single' ? `'${p}'` : t.quote === 'double' ? JSON.stringify(p) : p);
  for (const p of t.paths) {
    if (t.blankLines) out.push('', '  # next path');
    out.push(`  ${key(p.path)}:`);
    pathLine.set(p.path, out.length);
    if (p.methods.length === 0) out.push('    x-none: true');
    for (const m of p.methods) {
      out.push(`    ${m}:`);
      methodLine.set(`${m.toUpperCase()} ${p.path}`, out.length);
      out.push(`      summary: ${JSON.stringify(`${m} ${p.path} — get: post:`)}`);
      if (p.bodyLines > 0) out.push('      description: |', ...Array.from({ length: p.bodyLines }, (_, i) => `        get: line ${i} of ${p.path}`));
    }
  }
  return { text: out.join('\n'), methodLine, pathLine };
}

function renderJson(t: Table): Rendered {
  const out: string[] = ['{', '  "openapi": "3.0.3",', '  "paths": {'];
  const methodLine = new Map<string, number>();
  const pathLine = new Map<string, number>();
  t.paths.forEach((p, i) => {
    // `\/` is a JSON escape of `/` that some writers use.
    const key = t.quote === 'double' ? JSON.stringify(p.path).replace(/\//g, '\\/') : JSON.stringify(p.path);
    out.push(`    ${key}: {`);
    pathLine.set(p.path, out.length);
    const members: string[][] = p.methods.map((m) => [`      "${m}": {`, `        "summary": ${JSON.stringify(`"${m}": ${p.path}`)}`, '      }']);
    if (members.length === 0) members.push(['      "x-none": true']);
    members.forEach((lines, j) => {
      const m = p.methods[j];
      if (m !== undefined) methodLine.set(`${m.toUpperCase()} ${p.path}`, out.length + 1);
      lines[lines.length - 1] += j < members.length - 1 ? ',' : '';
      out.push(...lines);
    });
    out.push(`    }${i < t.paths.length - 1 ? ',' : ''}`);
  });
  out.push('  }', '}');
  return { text: out.join(t.blankLines ? '\r\n' : '\n'), methodLine, pathLine };
}

describe('specLocator on generated descriptions (property)', () => {
  for (const [format, render] of [
    ['YAML', renderYaml],
    ['JSON', renderJson],
  ] as const) {
    it(`finds the exact line of every method key and path key in ${format}`, () => {
      fc.assert(
        fc.property(tableArb, (t) => {
          const r = render(t);
          // The renderer writes a valid description: the text parses back to the same table.
          const parsed = parseYaml(r.text) as { paths: Record<string, Record<string, unknown>> };
          expect(Object.keys(parsed.paths)).toEqual(t.paths.map((p) => p.path));
          for (const p of t.paths) expect(Object.keys(parsed.paths[p.path]!).filter((k) => k !== 'x-none')).toEqual(p.methods);
          const locate = specLocator(r.text);
          for (const [location, line] of r.methodLine) expect(locate(location), location).toBe(line);
          for (const p of t.paths) {
            expect(locate(p.path)).toBe(r.pathLine.get(p.path));
            const missing = METHODS.find((m) => !p.methods.includes(m));
            if (missing !== undefined) expect(locate(`${missing.toUpperCase()} ${p.path}`)).toBe(r.pathLine.get(p.path));
          }
          expect(locate('GET /not/generated/here')).toBeUndefined();
        }),
        { seed: 20250314, numRuns: 300 },
      );
    });
  }
});
