/**
 * graphql.depth-limit: a query nested 12 levels deep through a cycle of the schema (User → orders
 * → Order → owner → User …) is executed. Each level of a list multiplies the work: without a
 * depth (or cost) limit one small request can exhaust the server.
 */
import { getNamedType, isInterfaceType, isLeafType, isObjectType, type GraphQLSchema } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import { fieldOfOperation, payloadOf, requiredArgs, returnsList, wordsOf, type GqlField } from '../../graphql/index.js';
import { endpointLocation, gqlEnv } from './gql-check.js';

/** Field levels of the query sent, the leaf included (`{ me { id } }` is 2). */
export const DEPTH = 12;

interface Edge {
  readonly field: GqlField;
  readonly to: string;
  readonly list: boolean;
}

function edgesOf(schema: GraphQLSchema, typeName: string): Edge[] {
  const t = schema.getType(typeName);
  if (!isObjectType(t) && !isInterfaceType(t)) return [];
  const out: Edge[] = [];
  for (const f of Object.values(t.getFields())) {
    const n = getNamedType(f.type);
    if ((!isObjectType(n) && !isInterfaceType(n)) || requiredArgs(f).length > 0) continue;
    out.push({ field: f, to: n.name, list: returnsList(f.type) });
  }
  // Single objects before lists: fewer objects per level.
  return out.sort((a, b) => Number(a.list) - Number(b.list));
}

/** The shortest chain of fields from `from` to `to` (a cycle when they are equal), or null. */
function shortestPath(schema: GraphQLSchema, from: string, to: string): Edge[] | null {
  const queue: { type: string; path: Edge[] }[] = edgesOf(schema, from).map((e) => ({ type: e.to, path: [e] }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { type, path } = queue.shift() as { type: string; path: Edge[] };
    if (type === to) return path;
    if (seen.has(type) || path.length > 6) continue;
    seen.add(type);
    for (const e of edgesOf(schema, type)) queue.push({ type: e.to, path: [...path, e] });
  }
  return null;
}

/** From a root field's type: a path to a type on a cycle, and that cycle; the shortest overall. */
export function cycleFrom(schema: GraphQLSchema, start: string): { path: Edge[]; cycle: Edge[] } | null {
  let best: { path: Edge[]; cycle: Edge[] } | null = null;
  const reach: { type: string; path: Edge[] }[] = [{ type: start, path: [] }];
  const seen = new Set<string>([start]);
  for (let i = 0; i < reach.length && i < 200; i++) {
    const { type, path } = reach[i] as { type: string; path: Edge[] };
    const cycle = shortestPath(schema, type, type);
    if (cycle !== null && (best === null || path.length + cycle.length < best.path.length + best.cycle.length)) best = { path, cycle };
    for (const e of edgesOf(schema, type)) {
      if (seen.has(e.to) || path.length >= 4) continue;
      seen.add(e.to);
      reach.push({ type: e.to, path: [...path, e] });
    }
  }
  return best;
}

/** `(first: 1)` when a list field takes an optional page size: fewer objects per level. */
function pageArgs(f: GqlField): string {
  const size = f.args.find((a) => {
    const w = wordsOf(a.name);
    return getNamedType(a.type).name === 'Int' && ['first', 'last', 'limit', 'take', 'size', 'top', 'count'].some((x) => w.includes(x));
  });
  return size === undefined ? '' : `(${size.name}: 1)`;
}

function leafOf(schema: GraphQLSchema, typeName: string): string {
  const t = schema.getType(typeName);
  if (!isObjectType(t) && !isInterfaceType(t)) return '__typename';
  const fields = t.getFields();
  if (fields.id !== undefined && isLeafType(getNamedType(fields.id.type))) return 'id';
  const leaf = Object.values(fields).find((f) => isLeafType(getNamedType(f.type)) && requiredArgs(f).length === 0);
  return leaf?.name ?? '__typename';
}

/** The deepest chain of non-null objects in a value (lists do not count as levels); `level` only bounds the walk. */
function depthOf(value: unknown, level = 0, budget = { left: 20000 }): number {
  if (budget.left-- <= 0 || level >= 64) return 0;
  if (Array.isArray(value)) return value.reduce((m: number, v) => Math.max(m, depthOf(v, level + 1, budget)), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  for (const v of Object.values(value)) max = Math.max(max, depthOf(v, level + 1, budget));
  return 1 + max;
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  const roots: { field: GqlField; as: string | null; payloadArgs: string; vars: Record<string, unknown>; defs: string; score: number }[] = [];
  for (const [opId, samples] of ctx.samples) {
    const f = fieldOfOperation(env.schema, opId);
    const sample = samples.find((s) => s.user !== null) ?? samples[0];
    if (f === null || f.kind !== 'query' || sample === undefined) continue;
    const found = cycleFrom(env.schema, getNamedType(f.field.type).name);
    if (found === null) continue;
    // Reuse the sample's arguments (as variables) so that the root answers as it did.
    const vars = { ...(payloadOf(sample.request)?.variables ?? {}) };
    const used = f.field.args.filter((a) => a.name in vars);
    roots.push({
      field: f.field,
      as: sample.user,
      vars,
      defs: used.length > 0 ? `(${used.map((a) => `$${a.name}: ${String(a.type)}`).join(', ')})` : '',
      payloadArgs: used.length > 0 ? `(${used.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '',
      score: found.path.length + found.cycle.length + (returnsList(f.field.type) ? 3 : 0) + found.cycle.filter((e) => e.list).length,
    });
  }
  roots.sort((a, b) => a.score - b.score || (a.field.name < b.field.name ? -1 : 1));
  for (const root of roots.slice(0, 2)) {
    const found = cycleFrom(env.schema, getNamedType(root.field.type).name);
    if (found === null || !ctx.client.canSend()) continue;
    const chain: Edge[] = [...found.path];
    while (chain.length < DEPTH - 2) chain.push(...found.cycle);
    chain.length = DEPTH - 2;
    const last = chain[chain.length - 1] as Edge;
    let inner = `{ ${leafOf(env.schema, last.to)} }`;
    for (let i = chain.length - 1; i >= 0; i--) {
      const e = chain[i] as Edge;
      inner = `{ ${e.field.name}${pageArgs(e.field)} ${inner} }`;
    }
    const query = `query HerdDepth${root.defs} { ${root.field.name}${root.payloadArgs} ${inner} }`;
    const { exchange, result } = await env.transport.send({ query, variables: root.vars, operationName: 'HerdDepth' }, root.as);
    if (result === null) continue;
    const value = result.data?.[root.field.name];
    if (value === undefined || value === null) continue;
    // A depth limit refuses the query before execution (no data). Errors of some resolvers deep
    // inside (data changed by earlier checks, say) do not undo what the nesting of the answer shows.
    if (result.errors.length > 0 && depthOf(value) < DEPTH - 2) continue;
    const names = [root.field.name, ...chain.map((e) => e.field.name)];
    ctx.report({
      location: endpointLocation(env),
      detail: `A query ${DEPTH} levels deep (${names.join(' → ')} → …) was executed${result.errors.length > 0 ? ' (with errors from some fields inside)' : ' without error'}${root.as !== null ? ` as ${root.as}` : ''}; the answer nests ${depthOf(value)} objects deep. Nothing limits the depth of a query.`,
      evidence: [exchange],
    });
    return;
  }
}

export const depthLimitCheck: Check = {
  id: 'graphql.depth-limit',
  title: 'GraphQL query depth is not limited',
  severity: 'medium',
  cwe: 'CWE-770',
  owasp: 'API4:2023',
  description:
    'The schema has cycles (an object refers to another that refers back, such as a user’s orders and an order’s owner), and the server executes queries nested through them to any depth. Every nested list multiplies the number of objects to resolve, so the cost grows exponentially with the depth: one small request can keep the server and its database busy for minutes (denial of service).',
  remediation: {
    summary:
      'Reject operations deeper than what your clients need (often 7 to 10) at validation time, and add a cost limit that accounts for list sizes; paginate list fields with a bounded page size.',
    snippets: {
      'graphql-armor (Apollo Server)': `import { ApolloArmor } from '@escape.tech/graphql-armor';

const armor = new ApolloArmor({ maxDepth: { n: 7 }, costLimit: { maxCost: 5000 } });
const server = new ApolloServer({ typeDefs, resolvers, ...armor.protect() });`,
      'graphql-js (graphql-depth-limit)': `import depthLimit from 'graphql-depth-limit';
import { validate, specifiedRules } from 'graphql';

const errors = validate(schema, document, [...specifiedRules, depthLimit(7)]);`,
      'Express / Fastify (Envelop)': `import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';

const getEnveloped = envelop({ plugins: [useSchema(schema), maxDepthPlugin({ n: 7 })] });`,
      'Fastify (Mercurius)': `await app.register(mercurius, { schema, resolvers, queryDepth: 7 });`,
      'Django (graphene)': `from graphene.validation import depth_limit_validator
from graphene_django.views import GraphQLView

path("graphql", GraphQLView.as_view(validation_rules=(depth_limit_validator(max_depth=7),)))`,
      'Spring GraphQL': `@Bean
GraphQlSourceBuilderCustomizer depthLimit() {
    return builder -> builder.instrumentation(List.of(new MaxQueryDepthInstrumentation(7)));
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#query-limiting-depth-amount',
      'https://escape.tech/graphql-armor/docs/plugins/max-depth/',
      'https://cwe.mitre.org/data/definitions/770.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
