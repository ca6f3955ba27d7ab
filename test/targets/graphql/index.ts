/**
 * A deliberately vulnerable GraphQL API (a small shop) and its fixed twin, for the tests of
 * `herd scan`. Both variants serve the same schema and data and behave the same for honest clients;
 * the vulnerable one has the flaws listed in GRAPHQL_VULNERABILITIES (see README.md), the fixed one
 * none of them, so any finding on the fixed twin is a false positive.
 *
 * Served by fastify on 127.0.0.1 (ephemeral port) at `/graphql`, executed by graphql-js, data in an
 * in-memory SQLite database, bearer JWTs (HS256, a random secret per start).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import type { RunningTarget, TargetVariant } from '../types.js';
import { buildServer } from './http.js';
import { GRAPHQL_TARGET_SDL } from './schema.js';
import { ShopStore, TARGET_USERS } from './store.js';
import { GRAPHQL_VULNERABILITIES } from './vulnerabilities.js';

export { GRAPHQL_TARGET_SDL } from './schema.js';
export { GRAPHQL_VULNERABILITIES } from './vulnerabilities.js';
export { FIELD_BUDGET } from './resolvers.js';
export { MAX_ALIASES, MAX_DEPTH, MAX_DIRECTIVES, MAX_FIELDS } from './rules.js';
export { BODY_LIMIT } from './http.js';

export async function startGraphqlTarget(variant: TargetVariant): Promise<RunningTarget> {
  const schema = buildSchema(GRAPHQL_TARGET_SDL);
  const store = new ShopStore();
  const app = buildServer({ variant, schema, store, secret: new Uint8Array(randomBytes(32)), loginFailures: new Map() });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    store.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    variant,
    users: TARGET_USERS,
    vulnerabilities: variant === 'vulnerable' ? GRAPHQL_VULNERABILITIES : [],
    specPath: '/graphql',
    login: {
      method: 'POST',
      path: '/graphql',
      body: { query: 'mutation { login(username: "{username}", password: "{password}") { token } }' },
      tokenPath: 'data.login.token',
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      store.close();
    },
  };
}
