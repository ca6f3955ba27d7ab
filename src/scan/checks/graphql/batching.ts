/**
 * graphql.batching: a JSON array of operations in one HTTP request is executed, every one of them,
 * so per-request rate limits (login attempts, OTP guesses) count one where there were many.
 */
import type { Check, CheckContext } from '../../check.js';
import { parseJsonText, gqlResultOf } from '../../graphql/index.js';
import { endpointLocation, gqlEnv } from './gql-check.js';

const BATCH = 10;

async function run(ctx: CheckContext): Promise<void> {
  if (ctx.safe) return; // a POST: the client would refuse it under --safe
  const env = gqlEnv(ctx);
  if (env === null) return;
  const batch = Array.from({ length: BATCH }, (_, i) => ({ query: `query HerdBatch${i} { __typename }`, operationName: `HerdBatch${i}` }));
  const exchange = await ctx.client.send({
    method: 'POST',
    url: env.url,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(batch),
  });
  if (exchange.response === null || exchange.response.status >= 300) return;
  const json = parseJsonText(exchange.response.body);
  if (!Array.isArray(json)) return;
  const executed = json.filter((item) => typeof gqlResultOf(item)?.data?.__typename === 'string').length;
  if (executed < BATCH) return;
  ctx.report({
    location: endpointLocation(env),
    detail: `A JSON array of ${BATCH} operations sent in one POST was executed: ${executed} results came back in one response, so one request can carry many login or token guesses.`,
    evidence: [exchange],
  });
}

export const batchingCheck: Check = {
  id: 'graphql.batching',
  title: 'GraphQL batching executes many operations per request',
  severity: 'medium',
  cwe: 'CWE-770',
  owasp: 'API4:2023',
  description:
    'The endpoint accepts a JSON array of operations and executes all of them in one HTTP request. Rate limits, lockouts and web application firewalls that count HTTP requests then see one request where an attacker sent hundreds of login attempts, OTP or coupon guesses, or expensive queries; the server does the work of all of them at once.',
  remediation: {
    summary:
      'Turn batching off unless clients need it; if they do, cap the number of operations per request to a small number and apply rate limits per operation (login attempts counted per username), not per HTTP request.',
    snippets: {
      'Apollo Server': `const server = new ApolloServer({
  typeDefs,
  resolvers,
  allowBatchedHttpRequests: false, // the default in Apollo Server 4; keep it off
});`,
      'Express (graphql-http)': `// graphql-http does not accept batches: reject arrays before any other handler does
app.post('/graphql', express.json(), (req, res, next) =>
  Array.isArray(req.body) ? res.status(400).json({ errors: [{ message: 'batching is not supported' }] }) : next());
app.all('/graphql', createHandler({ schema }));`,
      'Fastify (Mercurius)': `await app.register(mercurius, {
  schema,
  resolvers,
  allowBatchedQueries: false, // or keep it and bound it: queryDepth / validationRules
});`,
      'graphql-armor': `// graphql-armor limits the cost inside one operation; batches must be refused by the server:
const armor = new ApolloArmor({ maxAliases: { n: 15 }, costLimit: { maxCost: 5000 } });
const server = new ApolloServer({ typeDefs, resolvers, allowBatchedHttpRequests: false, ...armor.protect() });`,
      'Django (graphene)': `# urls.py: batch=False is the default of GraphQLView; keep it
path("graphql", GraphQLView.as_view(batch=False))`,
      'Spring GraphQL': `// Spring GraphQL's HTTP transport takes one operation per request (no batching):
// do not add a custom controller that loops over a JSON array of operations.`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#batching-attacks',
      'https://cwe.mitre.org/data/definitions/770.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
