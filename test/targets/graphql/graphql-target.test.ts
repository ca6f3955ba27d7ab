import { readFileSync } from 'node:fs';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTarget, TargetVariant } from '../types.js';
import { at, gql, gqlGet, login, loginOrThrow, nestedOrdersQuery, send } from './client.js';
import { GRAPHQL_TARGET_SDL, GRAPHQL_VULNERABILITIES, MAX_ALIASES, MAX_DEPTH, MAX_DIRECTIVES, MAX_FIELDS, startGraphqlTarget } from './index.js';

/**
 * Every documented flaw of the GraphQL target, exploited for real over HTTP: the exploit works on
 * the vulnerable variant and fails on the fixed twin. Tests that change data start their own pair.
 */

let vulnerable: RunningTarget;
let fixed: RunningTarget;
const started: RunningTarget[] = [];

async function start(variant: TargetVariant): Promise<RunningTarget> {
  const target = await startGraphqlTarget(variant);
  started.push(target);
  return target;
}

async function pair(): Promise<{ vulnerable: RunningTarget; fixed: RunningTarget }> {
  return { vulnerable: await start('vulnerable'), fixed: await start('fixed') };
}

beforeAll(async () => {
  ({ vulnerable, fixed } = await pair());
});
afterAll(async () => {
  await Promise.all(started.map((t) => t.close()));
});

const exploited = new Set<string>();
/** One test per documented vulnerability id; the ids are checked against the documented list. */
function exploit(id: string, behaviour: string, fn: () => Promise<void>): void {
  exploited.add(id);
  it(`${id}: ${behaviour}`, fn);
}

function messages(body: { errors?: readonly { message: string }[] }): string {
  return (body.errors ?? []).map((e) => e.message).join('\n');
}

describe('the documented list', () => {
  it('has one exploit test per documented vulnerability, and only the vulnerable variant lists them', () => {
    expect([...exploited].sort()).toEqual(GRAPHQL_VULNERABILITIES.map((v) => v.id).sort());
    expect(vulnerable.vulnerabilities).toEqual(GRAPHQL_VULNERABILITIES);
    expect(fixed.vulnerabilities).toEqual([]);
  });

  it('uses the scanner check ids of the brief and is explained in the README', () => {
    const checks = new Set([
      'graphql.introspection', 'graphql.field-suggestions', 'graphql.batching', 'graphql.alias-overloading',
      'graphql.depth-limit', 'graphql.directive-overloading', 'graphql.field-duplication', 'graphql.get-mutation', 'graphql.debug-errors', 'authz.bola', 'authz.bfla',
      'authz.mass-assignment', 'data.excessive-exposure', 'injection.sql', 'auth.unauthenticated-access', 'auth.no-login-rate-limit',
    ]);
    expect(new Set(GRAPHQL_VULNERABILITIES.map((v) => v.checkId))).toEqual(checks);
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    for (const v of GRAPHQL_VULNERABILITIES) {
      expect(readme).toContain(`\`${v.id}\``);
      expect(readme).toContain(`\`${v.checkId}\``);
    }
  });
});

describe('both variants', () => {
  it('describe their login so that a scanner gets a working bearer token for each user', async () => {
    for (const target of [vulnerable, fixed]) {
      expect(target.specPath).toBe('/graphql');
      expect(target.users.map((u) => `${u.name}:${u.role}`)).toEqual(['alice:user', 'bob:user', 'admin:admin']);
      for (const u of target.users) {
        const token = await login(target, u);
        expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        const me = await gql(target, '{ me { username role } }', { token });
        expect(me.body.data).toEqual({ me: { username: u.username, role: u.role } });
      }
      expect(await login(target, 'alice', 'wrong-password')).toBeUndefined();
    }
  });

  it('answer honest clients identically', async () => {
    const twins = await pair();
    const transcripts: string[][] = [];
    for (const target of [twins.vulnerable, twins.fixed]) {
      const alice = await loginOrThrow(target, 'alice');
      const admin = await loginOrThrow(target, 'admin');
      const steps: Array<[string, string | undefined]> = [
        ['{ me { id username name email role orders { id quantity total status shippingAddress createdAt product { id name price } } } }', alice],
        ['{ me { id } }', undefined],
        ['{ products(search: "lamp", limit: 5, offset: 2) { id name category price description } }', undefined],
        ['{ products { id } }', undefined],
        ['{ product(id: "7") { id name } missing: product(id: "9999") { id } }', undefined],
        ['{ order(id: "2") { id owner { username } } missing: order(id: "999") { id } }', alice],
        ['{ user(id: "2") { id username name email role } }', alice],
        ['{ users { username email role passwordHash apiKey } }', admin],
        ['mutation { createOrder(productId: "42", quantity: 2, shippingAddress: "here") { quantity total status product { id } } }', alice],
        ['mutation { createOrder(productId: "42", quantity: 0) { id } }', alice],
        ['mutation { updateOrder(id: "1", quantity: 4) { id quantity total shippingAddress } }', alice],
        ['mutation { updateProfile(input: { name: "Alice Liddell", email: "al@shop.example" }) { name email role } }', alice],
        ['mutation { login(username: "bob", password: "nope") { token } }', undefined],
        ['{ __typename me { __typename } }', alice],
        ['{ user(id: "1") { username } }', undefined],
      ];
      const transcript: string[] = [];
      for (const [query, token] of steps) {
        const reply = await gql(target, query, token === undefined ? {} : { token });
        // The stack traces of the vulnerable variant are graphql-debug-errors, tested below.
        const withoutStacks = reply.text.replace(/,"exception":\{"name":"\w+","stacktrace":\[[^\]]*\]\}/g, '');
        transcript.push(`${reply.status} ${withoutStacks}`);
      }
      transcripts.push(transcript);
    }
    expect(transcripts[0]).toEqual(transcripts[1]);
    expect(transcripts[0]?.[0]).toContain('"username":"alice"');
    expect(transcripts.join('\n')).not.toContain('stacktrace');
  });

  it('reject a token signed by another instance, a token with alg none, and garbage with 401', async () => {
    const foreign = await loginOrThrow(vulnerable, 'alice');
    const [header, payload] = foreign.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload ?? ''}.`;
    for (const token of [foreign, none, 'garbage', `${header ?? ''}.${payload ?? ''}.AAAA`]) {
      const reply = await gql(fixed, '{ me { id } }', { token });
      expect(reply.status).toBe(401);
      expect(messages(reply.body)).toMatch(/invalid token/);
    }
  });
});

describe.each(['vulnerable', 'fixed'] as const)('the %s variant under hostile input', (variant) => {
  const target = (): RunningTarget => (variant === 'vulnerable' ? vulnerable : fixed);

  it('answers bad bodies and bad parameters with 4xx and keeps serving', async () => {
    const json = { 'content-type': 'application/json' };
    const bad = [
      '{"query": "{ me { id }', 'null', '42', '"{ me { id } }"', '{"query": 5}', '{"query": ""}',
      '{"query": "{ me { id } }", "variables": [1]}', '{"query": "{ me { id } }", "operationName": 3}',
      '{"query": "query A { me { id } } query B { me { id } }"}',
      '{"query": "query A { me { id } }", "operationName": "B"}', '\u0000\u00ff\ufffe',
    ];
    for (const body of bad) {
      const reply = await send(target(), { method: 'POST', headers: json, body });
      expect(reply.status, body).toBe(400);
      expect(messages(reply.body).length, body).toBeGreaterThan(0);
    }
    const repeated = await send(target(), { method: 'GET', path: '/graphql?query=a&query=b' });
    expect(repeated.status).toBe(400);
    const wrongVariable = await gql(target(), 'query ($id: ID!) { product(id: $id) { id } }', { variables: { id: { x: 1 } } });
    expect(wrongVariable.status).toBe(400);
    expect((await gql(target(), '{ product(id: "1") { id } }')).body.data).toEqual({ product: { id: '1' } });
  });

  it('refuses a body over 1 MiB with 413 and a query nested 5000 levels with 400', async () => {
    const huge = await send(target(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(1024 * 1024)}` }),
    });
    expect(huge.status).toBe(413);
    const deep = await gql(target(), `{ ${'me { '.repeat(5000)}id${' }'.repeat(5000)} }`);
    expect(deep.status).toBe(400);
    expect(messages(deep.body)).toMatch(/Syntax Error/);
  });

  it('stops a query that would resolve millions of fields and answers it quickly', async () => {
    const aliases = Array.from({ length: 5000 }, (_, i) => `f${i}: name`).join(' ');
    const t0 = performance.now();
    const reply = await gql(target(), `{ products(limit: 100) { ${aliases} } }`);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(reply.status).toBe(variant === 'vulnerable' ? 200 : 400);
    expect(messages(reply.body)).toMatch(variant === 'vulnerable' ? /too expensive/ : /aliases/);
    expect((await gql(target(), '{ product(id: "1") { id } }')).body.data).toEqual({ product: { id: '1' } });
  });
});

describe('vulnerabilities', () => {
  exploit('graphql-introspection', 'the vulnerable variant serves its whole schema to anyone; the fixed twin rejects __schema and __type', async () => {
    const full = await gql(vulnerable, getIntrospectionQuery({ schemaDescription: true }));
    expect(full.status).toBe(200);
    const served = buildClientSchema(full.body.data as unknown as IntrospectionQuery);
    expect(printSchema(served)).toBe(printSchema(buildSchema(GRAPHQL_TARGET_SDL)));
    const type = await gql(vulnerable, '{ __type(name: "User") { fields { name } } }');
    expect(JSON.stringify(type.body.data)).toContain('"passwordHash"');

    for (const query of [getIntrospectionQuery(), '{ __schema { queryType { name } } }', '{ __type(name: "User") { name } }']) {
      for (const reply of [await gql(fixed, query), await gqlGet(fixed, query)]) {
        expect(reply.status).toBe(400);
        expect(reply.body.data).toBeUndefined();
        expect(messages(reply.body)).toMatch(/introspection has been disabled/);
      }
    }
    for (const path of ['/schema.graphql', '/graphql/schema.graphql', '/graphql/schema', '/sdl']) {
      const reply = await send(fixed, { method: 'GET', path });
      expect(reply.status, path).toBe(404);
      expect(reply.text).not.toContain('type Query');
    }
    expect((await gql(fixed, '{ __typename }')).body.data).toEqual({ __typename: 'Query' });
  });

  exploit('graphql-field-suggestions', 'the vulnerable variant suggests real field, argument and input names; the fixed twin does not', async () => {
    const probes: Array<[string, Record<string, unknown> | undefined, string]> = [
      ['{ me { passwordHas } }', undefined, 'Did you mean "passwordHash"?'],
      ['{ products(serch: "x") { id } }', undefined, 'Did you mean "search"?'],
      ['mutation ($i: ProfileInput!) { updateProfile(input: $i) { id } }', { i: { rol: 'admin' } }, 'Did you mean "role"?'],
    ];
    for (const [query, variables, suggestion] of probes) {
      const options = variables === undefined ? {} : { variables };
      const open = await gql(vulnerable, query, options);
      expect(messages(open.body)).toContain(suggestion);
      const closed = await gql(fixed, query, options);
      expect(closed.status).toBe(open.status);
      expect(messages(closed.body)).not.toMatch(/Did you mean/);
      expect(messages(closed.body)).toMatch(/passwor|serch|rol/);
    }
  });

  exploit('graphql-batching', 'the vulnerable variant runs every operation of a JSON array; the fixed twin answers 400', async () => {
    const guesses = ['123456', 'password', 'bob-Secret-2'].map((password) => ({
      query: `mutation { login(username: "bob", password: "${password}") { token } }`,
    }));
    const body = JSON.stringify(guesses);
    const headers = { 'content-type': 'application/json' };
    const open = await send(vulnerable, { method: 'POST', headers, body });
    expect(open.status).toBe(200);
    expect(Array.isArray(open.json) && open.json.length).toBe(3);
    expect(at(open.json, '0.data.login')).toBeNull();
    expect(at(open.json, '2.data.login.token')).toEqual(expect.any(String));

    const closed = await send(fixed, { method: 'POST', headers, body });
    expect(closed.status).toBe(400);
    expect(Array.isArray(closed.json)).toBe(false);
    expect(messages(closed.body)).toMatch(/batched requests are not supported/);
  });

  exploit('graphql-directive-overloading', 'the vulnerable variant validates 50 unknown directives one by one; the fixed twin adds its limit error', async () => {
    const query = `{ __typename ${Array.from({ length: 50 }, () => '@herd').join(' ')} }`;
    const open = await gql(vulnerable, query);
    expect((open.body.errors ?? []).filter((e) => e.message.includes('herd'))).toHaveLength(50);
    expect(messages(open.body)).not.toMatch(/limit/);
    const closed = await gql(fixed, query);
    expect(messages(closed.body)).toContain(`The query has 50 directives; the limit is ${MAX_DIRECTIVES}.`);
  });

  exploit('graphql-field-duplication', 'the vulnerable variant executes one field selected 500 times; the fixed twin refuses more than 200 fields', async () => {
    const query = `{ ${Array.from({ length: 500 }, () => '__typename').join(' ')} }`;
    const open = await gql(vulnerable, query);
    expect(open.status).toBe(200);
    expect(open.body.data).toEqual({ __typename: 'Query' });
    const closed = await gql(fixed, query);
    expect(closed.status).toBe(400);
    expect(messages(closed.body)).toContain(`The query has 500 fields; the limit is ${MAX_FIELDS}.`);
  });

  exploit('graphql-alias-overloading', 'the vulnerable variant runs 100 aliased logins in one query; the fixed twin allows 15 aliases', async () => {
    const guesses = Array.from({ length: 100 }, (_, i) => (i === 99 ? 'alice-Secret-1' : `guess-${i}`));
    const query = `mutation { ${guesses.map((p, i) => `a${i}: login(username: "alice", password: "${p}") { token }`).join(' ')} }`;
    const open = await gql(vulnerable, query);
    expect(open.status).toBe(200);
    expect(Object.keys(open.body.data ?? {})).toHaveLength(100);
    expect(at(open.body, 'data.a99.token')).toEqual(expect.any(String));
    expect(open.body.errors).toHaveLength(99);

    const closed = await gql(fixed, query);
    expect(closed.status).toBe(400);
    expect(closed.body.data).toBeUndefined();
    expect(messages(closed.body)).toContain(`The query uses 100 aliases; at most ${MAX_ALIASES} are allowed.`);
    const allowed = `{ ${Array.from({ length: MAX_ALIASES }, (_, i) => `p${i}: product(id: "${i + 1}") { id }`).join(' ')} }`;
    expect(Object.keys((await gql(fixed, allowed)).body.data ?? {})).toHaveLength(MAX_ALIASES);
  });

  exploit('graphql-depth-limit', 'the vulnerable variant executes a query 12 levels deep; the fixed twin stops at 7, fragments included', async () => {
    const deep = nestedOrdersQuery(12);
    const open = await gql(vulnerable, deep, { token: await loginOrThrow(vulnerable, 'alice') });
    expect(open.status).toBe(200);
    expect(at(open.body, 'data.me.orders.0.owner.orders.0.owner.orders.0.owner.orders.0.owner.orders.0.owner.id')).toBe('1');

    const token = await loginOrThrow(fixed, 'alice');
    const closed = await gql(fixed, deep, { token });
    expect(closed.status).toBe(400);
    expect(messages(closed.body)).toContain(`Query depth 12 exceeds the maximum depth of ${MAX_DEPTH}.`);
    expect((await gql(fixed, nestedOrdersQuery(MAX_DEPTH), { token })).status).toBe(200);
    expect((await gql(fixed, nestedOrdersQuery(MAX_DEPTH + 1), { token })).status).toBe(400);
    const hidden = 'fragment F on Order { owner { orders { owner { orders { owner { id } } } } } } { me { orders { ...F } } }';
    expect(messages((await gql(fixed, hidden, { token })).body)).toContain('Query depth 8 exceeds');
    expect((await gql(vulnerable, hidden, { token: await loginOrThrow(vulnerable, 'alice') })).status).toBe(200);
  });

  exploit('graphql-get-mutation', 'the vulnerable variant runs a mutation sent with GET; the fixed twin answers 405 and runs only queries', async () => {
    const twins = await pair();
    const mutation = 'mutation { createOrder(productId: "5", quantity: 1) { id } }';
    const count = async (target: RunningTarget, token: string): Promise<number> =>
      ((await gql(target, '{ orders { id } }', { token })).body.data?.orders as unknown[]).length;

    const vToken = await loginOrThrow(twins.vulnerable, 'alice');
    const open = await gqlGet(twins.vulnerable, mutation, vToken);
    expect(open.status).toBe(200);
    expect(at(open.body, 'data.createOrder.id')).toBe('7');
    expect(await count(twins.vulnerable, vToken)).toBe(4);

    const fToken = await loginOrThrow(twins.fixed, 'alice');
    const closed = await gqlGet(twins.fixed, mutation, fToken);
    expect(closed.status).toBe(405);
    expect(closed.headers.get('allow')).toBe('POST');
    expect(await count(twins.fixed, fToken)).toBe(3);
    expect((await gqlGet(twins.fixed, '{ product(id: "5") { id } }')).body.data).toEqual({ product: { id: '5' } });
  });

  exploit('graphql-csrf-content-types', 'the vulnerable variant runs form-encoded and text/plain POSTs; the fixed twin requires application/json', async () => {
    const twins = await pair();
    const mutation = 'mutation { updateProfile(input: { name: "Pwned" }) { name } }';
    const bodies: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', new URLSearchParams({ query: mutation }).toString()],
      ['text/plain;charset=UTF-8', JSON.stringify({ query: mutation })],
      ['text/plain', mutation],
    ];
    for (const [variantTarget, expected] of [[twins.vulnerable, 200], [twins.fixed, 415]] as const) {
      const token = await loginOrThrow(variantTarget, 'alice');
      for (const [contentType, body] of bodies) {
        const reply = await send(variantTarget, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
          body,
        });
        expect(reply.status, `${variantTarget.variant} ${contentType}`).toBe(expected);
      }
      const name = at((await gql(variantTarget, '{ me { name } }', { token })).body, 'data.me.name');
      expect(name).toBe(variantTarget.variant === 'vulnerable' ? 'Pwned' : 'Alice');
    }
  });

  exploit('graphql-debug-errors', 'the vulnerable variant sends stack traces with file paths; the fixed twin a generic message', async () => {
    const probes = ['{ order(id: "x") { id } }', `{ products(search: "'") { id } }`];
    for (const query of probes) {
      const open = await gql(vulnerable, query, { token: await loginOrThrow(vulnerable, 'bob') });
      const stack = at(open.body, 'errors.0.extensions.exception.stacktrace');
      expect(Array.isArray(stack)).toBe(true);
      expect((stack as string[]).join('\n')).toMatch(/\/test\/targets\/graphql\/\w+\.[jt]s:\d+:\d+/);

      const closed = await gql(fixed, query, { token: await loginOrThrow(fixed, 'bob') });
      expect(closed.text).not.toMatch(/stacktrace|exception|\.[jt]s:\d+|node_modules/);
    }
    const closed = await gql(fixed, probes[0] ?? '', { token: await loginOrThrow(fixed, 'bob') });
    expect(closed.body.errors).toEqual([
      expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
  });

  exploit('graphql-bola-order', "the vulnerable variant shows bob alice's order; the fixed twin says not found", async () => {
    const query = '{ order(id: "1") { id shippingAddress owner { username } } }';
    const open = await gql(vulnerable, query, { token: await loginOrThrow(vulnerable, 'bob') });
    expect(open.body.data).toEqual({ order: { id: '1', shippingAddress: '1 Rue des Lilas, Paris', owner: { username: 'alice' } } });

    const closed = await gql(fixed, query, { token: await loginOrThrow(fixed, 'bob') });
    expect(closed.body.data).toEqual({ order: null });
    expect(messages(closed.body)).toMatch(/^not found/);
    const own = await gql(fixed, query, { token: await loginOrThrow(fixed, 'alice') });
    expect(at(own.body, 'data.order.owner.username')).toBe('alice');
  });

  exploit('graphql-bola-update-order', "the vulnerable variant lets bob change alice's order; the fixed twin says not found", async () => {
    const twins = await pair();
    const mutation = 'mutation { updateOrder(id: "1", shippingAddress: "Bob\'s garage") { id shippingAddress } }';
    const read = '{ order(id: "1") { shippingAddress } }';
    const open = await gql(twins.vulnerable, mutation, { token: await loginOrThrow(twins.vulnerable, 'bob') });
    expect(open.body.data).toEqual({ updateOrder: { id: '1', shippingAddress: "Bob's garage" } });
    const aliceSees = await gql(twins.vulnerable, read, { token: await loginOrThrow(twins.vulnerable, 'alice') });
    expect(at(aliceSees.body, 'data.order.shippingAddress')).toBe("Bob's garage");

    const closed = await gql(twins.fixed, mutation, { token: await loginOrThrow(twins.fixed, 'bob') });
    expect(closed.body.data).toEqual({ updateOrder: null });
    expect(messages(closed.body)).toMatch(/^not found/);
    const aliceStill = await gql(twins.fixed, read, { token: await loginOrThrow(twins.fixed, 'alice') });
    expect(at(aliceStill.body, 'data.order.shippingAddress')).toBe('1 Rue des Lilas, Paris');
  });

  exploit('graphql-bfla-delete-user', 'the vulnerable variant lets bob delete alice; the fixed twin lets only the admin delete', async () => {
    const twins = await pair();
    const mutation = 'mutation { deleteUser(id: "1") }';
    const open = await gql(twins.vulnerable, mutation, { token: await loginOrThrow(twins.vulnerable, 'bob') });
    expect(open.body.data).toEqual({ deleteUser: true });
    expect(await login(twins.vulnerable, 'alice')).toBeUndefined();

    const closed = await gql(twins.fixed, mutation, { token: await loginOrThrow(twins.fixed, 'bob') });
    expect(closed.body.data).toEqual({ deleteUser: null });
    expect(messages(closed.body)).toMatch(/^forbidden/);
    expect(await login(twins.fixed, 'alice')).toEqual(expect.any(String));
    const byAdmin = await gql(twins.fixed, mutation, { token: await loginOrThrow(twins.fixed, 'admin') });
    expect(byAdmin.body.data).toEqual({ deleteUser: true });
  });

  exploit('graphql-bfla-users', 'the vulnerable variant lists every user to bob; the fixed twin only to the admin', async () => {
    const query = '{ users { username role } }';
    const open = await gql(vulnerable, query, { token: await loginOrThrow(vulnerable, 'bob') });
    expect(at(open.body, 'data.users')).toEqual([
      { username: 'alice', role: 'user' }, { username: 'bob', role: 'user' }, { username: 'admin', role: 'admin' },
    ]);

    const closed = await gql(fixed, query, { token: await loginOrThrow(fixed, 'bob') });
    expect(closed.body.data).toEqual({ users: null });
    expect(messages(closed.body)).toMatch(/^forbidden/);
    const byAdmin = await gql(fixed, query, { token: await loginOrThrow(fixed, 'admin') });
    expect(at(byAdmin.body, 'data.users')).toHaveLength(3);
  });

  exploit('graphql-mass-assignment-role', 'the vulnerable variant lets alice make herself admin; the fixed twin ignores her role', async () => {
    const twins = await pair();
    const mutation = 'mutation { updateProfile(input: { name: "Alice A.", role: "admin" }) { name role } }';
    const vToken = await loginOrThrow(twins.vulnerable, 'alice');
    expect((await gql(twins.vulnerable, mutation, { token: vToken })).body.data).toEqual({
      updateProfile: { name: 'Alice A.', role: 'admin' },
    });
    expect(at((await gql(twins.vulnerable, '{ me { role } }', { token: vToken })).body, 'data.me.role')).toBe('admin');

    const fToken = await loginOrThrow(twins.fixed, 'alice');
    expect((await gql(twins.fixed, mutation, { token: fToken })).body.data).toEqual({
      updateProfile: { name: 'Alice A.', role: 'user' },
    });
    expect(messages((await gql(twins.fixed, '{ users { id } }', { token: fToken })).body)).toMatch(/^forbidden/);
  });

  exploit('graphql-exposure-password-hash', "the vulnerable variant shows bob alice's password hash; the fixed twin only to the admin", async () => {
    const query = '{ user(id: "1") { username passwordHash } }';
    const open = await gql(vulnerable, query, { token: await loginOrThrow(vulnerable, 'bob') });
    expect(at(open.body, 'data.user.passwordHash')).toMatch(/^scrypt\$1024\$[0-9a-f]{16}\$[0-9a-f]{64}$/);
    const viaOrder = await gql(vulnerable, '{ order(id: "2") { owner { passwordHash } } }', { token: await loginOrThrow(vulnerable, 'bob') });
    expect(at(viaOrder.body, 'data.order.owner.passwordHash')).toMatch(/^scrypt\$/);

    for (const who of ['bob', 'alice']) {
      const closed = await gql(fixed, query, { token: await loginOrThrow(fixed, who) });
      expect(closed.body.data).toEqual({ user: { username: 'alice', passwordHash: null } });
      expect(messages(closed.body)).toMatch(/^forbidden/);
    }
    const byAdmin = await gql(fixed, query, { token: await loginOrThrow(fixed, 'admin') });
    expect(at(byAdmin.body, 'data.user.passwordHash')).toMatch(/^scrypt\$/);
  });

  exploit('graphql-exposure-api-key', "the vulnerable variant shows bob alice's API key; the fixed twin only to the admin", async () => {
    const query = '{ user(id: "1") { apiKey } }';
    const open = await gql(vulnerable, query, { token: await loginOrThrow(vulnerable, 'bob') });
    expect(at(open.body, 'data.user.apiKey')).toMatch(/^ak_live_[0-9a-f]{32}$/);

    const closed = await gql(fixed, query, { token: await loginOrThrow(fixed, 'bob') });
    expect(closed.body.data).toEqual({ user: { apiKey: null } });
    expect(messages(closed.body)).toMatch(/^forbidden/);
    const byAdmin = await gql(fixed, query, { token: await loginOrThrow(fixed, 'admin') });
    expect(at(byAdmin.body, 'data.user.apiKey')).toMatch(/^ak_live_/);
  });

  exploit('graphql-sqli-products', 'the vulnerable variant leaks SQLite errors and rows through search; the fixed twin binds it', async () => {
    const search = async (target: RunningTarget, term: string, fields = 'id'): Promise<{ ids: unknown; errors: string }> => {
      const reply = await gql(target, `query ($s: String) { products(search: $s, limit: 100) { ${fields} } }`, { variables: { s: term } });
      return { ids: reply.body.data?.products, errors: messages(reply.body) };
    };
    const quote = await search(vulnerable, "'");
    expect(quote.errors).toMatch(/unrecognized token|syntax error/);
    expect((await search(vulnerable, 'zzz')).ids).toEqual([]);
    expect((await search(vulnerable, "' OR '1'='1")).ids).toHaveLength(100);
    expect((await search(vulnerable, "' AND '1'='2")).ids).toEqual([]);
    const union = await search(vulnerable, "' UNION SELECT id, username, passwordHash, 0, apiKey FROM users --", 'name category');
    expect(union.ids).toEqual(expect.arrayContaining([{ name: 'admin', category: expect.stringMatching(/^scrypt\$/) }]));

    for (const term of ["'", "' OR '1'='1", "' UNION SELECT id, username, passwordHash, 0, apiKey FROM users --"]) {
      expect(await search(fixed, term)).toEqual({ ids: [], errors: '' });
    }
    expect(((await search(fixed, 'widget')).ids as unknown[]).length).toBe(50);
    expect(((await search(vulnerable, 'widget')).ids as unknown[]).length).toBe(50);
  });

  exploit('graphql-unauthenticated-orders', 'the vulnerable variant gives every order to a caller without a token; the fixed twin says unauthenticated', async () => {
    const query = '{ orders { id owner { username } } }';
    const open = await gql(vulnerable, query);
    expect(at(open.body, 'data.orders')).toHaveLength(6);
    expect(at(open.body, 'data.orders.3.owner.username')).toBe('bob');

    const closed = await gql(fixed, query);
    expect(closed.body.data).toEqual({ orders: null });
    expect(messages(closed.body)).toMatch(/^unauthenticated/);
    const own = await gql(fixed, query, { token: await loginOrThrow(fixed, 'alice') });
    expect(at(own.body, 'data.orders')).toHaveLength(3);
  });

  exploit('graphql-login-no-rate-limit', 'the vulnerable variant takes endless wrong passwords; the fixed twin stops a username after 10 failures', async () => {
    const attempt = (t: RunningTarget, username: string) =>
      gql(t, 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { variables: { u: username, p: 'wrong-password' } });
    for (let i = 0; i < 12; i++) expect(messages((await attempt(vulnerable, 'nobody-v')).body)).toMatch(/invalid username or password/);
    for (let i = 0; i < 10; i++) expect(messages((await attempt(fixed, 'nobody-f')).body)).toMatch(/invalid username or password/);
    expect(messages((await attempt(fixed, 'nobody-f')).body)).toMatch(/too many failed logins/);
    // Other usernames are not locked out.
    expect(await loginOrThrow(fixed, 'alice')).toMatch(/^ey/);
  });
});
