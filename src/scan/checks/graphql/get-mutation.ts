/**
 * graphql.get-mutation: mutations run from requests a browser sends cross-site without a CORS
 * preflight — a GET with the operation in the query string (a link, an image), or a POST whose
 * Content-Type is `application/x-www-form-urlencoded` or `text/plain` (an HTML form). Either is a
 * cross-site request forgery channel when the API authenticates with cookies, and GET mutations
 * also land in logs and browser history.
 *
 * The probe is `mutation { __typename }`, which changes nothing; when it runs, a harmless real
 * mutation confirms it (a no-op update of the caller's own profile, else creating one object), so
 * that servers that refuse mutations in their resolvers are not reported.
 */
import { getNamedType, isInputObjectType, isNonNullType } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange, ScanRequest } from '../../model.js';
import {
  buildOperation,
  getRequest,
  gqlResultOfExchange,
  isIdArg,
  leafSelection,
  requiredArgs,
  requiredArgValues,
  rootFields,
  wordsOf,
  type GqlField,
  type GqlPayload,
  type ValueHints,
} from '../../graphql/index.js';
import { anyIdentity, endpointLocation, gqlEnv, type GqlEnv } from './gql-check.js';

type Vector = 'GET' | 'application/x-www-form-urlencoded' | 'text/plain';

const UPDATE_VERBS = new Set(['update', 'edit', 'set', 'change', 'save', 'modify']);
const CREATE_VERBS = new Set(['create', 'add', 'new', 'place', 'submit', 'post']);
const AVOID = new Set(['delete', 'remove', 'destroy', 'purge', 'drop', 'reset', 'revoke', 'ban', 'disable', 'cancel', 'role', 'roles', 'admin', 'password', 'permission', 'user', 'users', 'account', 'email', 'logout', 'transfer', 'pay', 'payment', 'send']);

function requestFor(env: GqlEnv, vector: Vector, payload: GqlPayload): ScanRequest {
  if (vector === 'GET') return getRequest(env.url, payload, false);
  if (vector === 'text/plain') return { method: 'POST', url: env.url, headers: { 'content-type': 'text/plain' }, body: JSON.stringify(payload) };
  const form = new URLSearchParams({ query: payload.query });
  if (payload.variables !== undefined && Object.keys(payload.variables).length > 0) form.set('variables', JSON.stringify(payload.variables));
  if (payload.operationName !== undefined) form.set('operationName', payload.operationName);
  return { method: 'POST', url: env.url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
}

/** An update of the caller's own data with nothing to change (only empty input objects required). */
function noOpUpdate(f: GqlField): boolean {
  const w = wordsOf(f.name);
  if (!UPDATE_VERBS.has(w[0] ?? '') || w.some((x) => AVOID.has(x))) return false;
  return requiredArgs(f).every((a) => {
    const n = getNamedType(a.type);
    return !isIdArg(a) && isInputObjectType(n) && Object.values(n.getFields()).every((x) => !isNonNullType(x.type) || x.defaultValue !== undefined);
  });
}

function createOne(f: GqlField): boolean {
  const w = wordsOf(f.name);
  return w.length > 1 && CREATE_VERBS.has(w[0] ?? '') && !w.some((x) => AVOID.has(x));
}

/** The harmless mutation to confirm with, and its payload. */
function confirmation(env: GqlEnv): { field: GqlField; payload: GqlPayload } | null {
  const mutations = rootFields(env.schema, 'mutation');
  const hints: ValueHints = {
    idsOf: (typeName) => env.ctx.resources.filter((r) => typeName === null || r.collection === typeName).map((r) => r.id),
  };
  for (const pick of [noOpUpdate, createOne]) {
    for (const f of mutations.filter(pick)) {
      const args = requiredArgValues(env.schema, f, hints);
      if (args === null) continue;
      const op = buildOperation('mutation', f, args, leafSelection(f.type), { name: 'HerdCsrfCheck' });
      return { field: f, payload: op };
    }
  }
  return null;
}

function executed(exchange: Exchange, field: string): boolean {
  if (exchange.response === null || exchange.response.status >= 300) return false;
  const value = gqlResultOfExchange(exchange)?.data?.[field];
  return value !== undefined && value !== null;
}

async function run(ctx: CheckContext): Promise<void> {
  if (ctx.safe) return; // the probes may run a mutation
  const env = gqlEnv(ctx);
  if (env === null || env.schema.getMutationType() === undefined || env.schema.getMutationType() === null) return;
  const as = anyIdentity(env);
  const probe: GqlPayload = { query: 'mutation HerdCsrfProbe { __typename }', operationName: 'HerdCsrfProbe' };
  const confirm = confirmation(env);
  const accepted: { vector: Vector; evidence: Exchange[]; what: string }[] = [];
  for (const vector of ['GET', 'application/x-www-form-urlencoded', 'text/plain'] as const) {
    if (!ctx.client.canSend(2)) break;
    const first = await ctx.client.send(requestFor(env, vector, probe), { as });
    if (!executed(first, '__typename')) continue;
    if (confirm === null) {
      accepted.push({ vector, evidence: [first], what: '`mutation { __typename }`' });
      continue;
    }
    const real = await ctx.client.send(requestFor(env, vector, confirm.payload), { as });
    if (executed(real, confirm.field.name)) accepted.push({ vector, evidence: [first, real], what: `the mutation \`${confirm.field.name}\`` });
  }
  const get = accepted.find((a) => a.vector === 'GET');
  if (get !== undefined) {
    ctx.report({
      location: endpointLocation(env, 'GET'),
      detail: `A mutation sent as GET ${env.path}?query=mutation… was executed (${get.what}${as !== null ? `, as ${as}` : ''}): a link or an image on another site can change data.`,
      evidence: get.evidence,
    });
  }
  const posts = accepted.filter((a) => a.vector !== 'GET');
  if (posts.length > 0) {
    ctx.report({
      location: endpointLocation(env, 'POST'),
      detail: `Mutations sent with Content-Type ${posts.map((p) => p.vector).join(' and ')} were executed (${posts[0]?.what}): an HTML form on another site sends these without a CORS preflight.`,
      evidence: posts.flatMap((p) => p.evidence),
      key: 'content-type',
    });
  }
}

export const getMutationCheck: Check = {
  id: 'graphql.get-mutation',
  title: 'GraphQL mutations accepted from cross-site requests (GET or form content types)',
  severity: 'medium',
  cwe: 'CWE-352',
  owasp: 'API8:2023',
  description:
    'The endpoint executes mutations sent as GET requests or as POST requests with a "simple" content type (`application/x-www-form-urlencoded`, `text/plain`). Browsers send such requests cross-site without a CORS preflight, with the user’s cookies: any page the victim visits can change data in their name (cross-site request forgery). Mutations over GET also end up in proxy logs, browser history and Referer headers, and can be triggered by prefetching.',
  remediation: {
    summary:
      'Execute mutations only from POST requests with `Content-Type: application/json` (which forces a preflight), answer GET mutations with 405, and reject other content types with 415. With cookie sessions, also use SameSite cookies or a CSRF token.',
    snippets: {
      'Apollo Server': `const server = new ApolloServer({
  typeDefs,
  resolvers,
  csrfPrevention: true, // the default in Apollo Server 4: blocks simple requests without a preflight header
});
// GET mutations are refused by Apollo Server (405) — do not put mutations behind a custom GET route.`,
      'Express (graphql-http)': `import { createHandler } from 'graphql-http/lib/use/express';

// graphql-http refuses mutations over GET and bodies that are not application/json
app.post('/graphql', createHandler({ schema }));
app.get('/graphql', createHandler({ schema })); // queries only`,
      'Fastify (Mercurius)': `app.addHook('preValidation', async (request, reply) => {
  if (request.url.startsWith('/graphql') && request.method === 'POST' &&
      !String(request.headers['content-type']).startsWith('application/json')) {
    return reply.code(415).send({ errors: [{ message: 'Content-Type must be application/json' }] });
  }
});
await app.register(mercurius, { schema, resolvers }); // Mercurius refuses mutations over GET`,
      'graphql-js': `import { getOperationAST } from 'graphql';

const operation = getOperationAST(document, operationName);
if (method === 'GET' && operation?.operation !== 'query') {
  return reply(405, { errors: [{ message: 'mutations need POST' }] }, { Allow: 'POST' });
}`,
      'Django (graphene)': `# graphene-django refuses mutations over GET; keep Django's CSRF middleware on the view
from django.views.decorators.csrf import csrf_protect
path("graphql", csrf_protect(GraphQLView.as_view()))  # not csrf_exempt`,
      'Spring GraphQL': `// Spring GraphQL's GraphQlHttpHandler executes POST requests with a JSON body; do not add a GET
// route that executes mutations, and keep Spring Security's CSRF protection for cookie sessions.
http.csrf(Customizer.withDefaults());`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html',
      'https://graphql.github.io/graphql-over-http/draft/#sec-GET',
      'https://cwe.mitre.org/data/definitions/352.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
