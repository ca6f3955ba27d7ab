/**
 * graphql.alias-overloading: one operation asks for the same field under 100 aliases and the
 * server runs all of them, so a single request multiplies work (or login attempts) at will.
 */
import { getNamedType, isLeafType } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import { fieldOfOperation, isListingOperation, returnsList, type GqlField } from '../../graphql/index.js';
import { endpointLocation, gqlEnv } from './gql-check.js';

export const ALIASES = 100;

interface Candidate {
  readonly field: GqlField | null;
  readonly as: string | null;
}

/** A query field without arguments that answered someone during exploration; single objects first. */
function cheapField(ctx: CheckContext, schema: Parameters<typeof fieldOfOperation>[0]): Candidate {
  const found: { field: GqlField; as: string | null; cost: number }[] = [];
  for (const [opId, samples] of ctx.samples) {
    const f = fieldOfOperation(schema, opId);
    const first = samples[0];
    if (f === null || f.kind !== 'query' || first === undefined || !isListingOperation(first.operation)) continue;
    const leaf = isLeafType(getNamedType(f.field.type));
    found.push({ field: f.field, as: first.user, cost: (leaf ? 0 : 1) + (returnsList(f.field.type) ? 2 : 0) });
  }
  found.sort((a, b) => a.cost - b.cost || (a.field.name < b.field.name ? -1 : 1));
  const best = found[0];
  return best === undefined ? { field: null, as: null } : { field: best.field, as: best.as };
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  const { field, as } = cheapField(ctx, env.schema);
  const name = field?.name ?? '__typename';
  const sub = field !== null && !isLeafType(getNamedType(field.type)) ? ' { __typename }' : '';
  const aliases = Array.from({ length: ALIASES }, (_, i) => `a${i}: ${name}${sub}`).join(' ');
  const { exchange, result } = await env.transport.send({ query: `query HerdAliases { ${aliases} }`, operationName: 'HerdAliases' }, as);
  if (result === null || result.errors.length > 0 || result.data === null || result.data === undefined) return;
  const data = result.data;
  const answered = Array.from({ length: ALIASES }, (_, i) => data[`a${i}`]).filter((v) => v !== undefined && v !== null).length;
  if (answered < ALIASES) return;
  ctx.report({
    location: endpointLocation(env),
    detail: `One query asking for \`${name}\` under ${ALIASES} aliases was executed in full (${answered} answers${as !== null ? `, as ${as}` : ''}); nothing bounds the aliases of one operation.`,
    evidence: [exchange],
  });
}

export const aliasOverloadingCheck: Check = {
  id: 'graphql.alias-overloading',
  title: 'GraphQL aliases are not limited',
  severity: 'medium',
  cwe: 'CWE-770',
  owasp: 'API4:2023',
  description:
    'GraphQL lets one operation request the same field many times under different aliases. Without a limit, a single HTTP request runs a resolver hundreds or thousands of times: expensive list fields multiply the load on the server and database, and a mutation such as `login` aliased a hundred times becomes a brute-force attack that per-request rate limits never see.',
  remediation: {
    summary:
      'Limit the number of aliases (and, better, the computed cost) of an operation at validation time, and rate-limit sensitive resolvers per call (for example per username for logins), not per HTTP request.',
    snippets: {
      'graphql-armor (Apollo Server)': `import { ApolloArmor } from '@escape.tech/graphql-armor';

const armor = new ApolloArmor({ maxAliases: { n: 15 }, costLimit: { maxCost: 5000 } });
const server = new ApolloServer({ typeDefs, resolvers, ...armor.protect() });`,
      'graphql-js': `import { GraphQLError, type ValidationRule } from 'graphql';

const maxAliases = (limit: number): ValidationRule => (context) => {
  let count = 0;
  return {
    Field(node) {
      if (node.alias && ++count === limit + 1) context.reportError(new GraphQLError(\`at most \${limit} aliases\`));
    },
  };
};
validate(schema, document, [...specifiedRules, maxAliases(15)]);`,
      'Express / Fastify (Envelop)': `import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';

const getEnveloped = envelop({ plugins: [useSchema(schema), maxAliasesPlugin({ n: 15 }), costLimitPlugin({ maxCost: 5000 })] });`,
      'Django (graphene)': `from graphql import GraphQLError, ValidationRule

class MaxAliases(ValidationRule):
    LIMIT = 15
    def __init__(self, context):
        super().__init__(context)
        self.count = 0
    def enter_field(self, node, *_):
        if node.alias:
            self.count += 1
            if self.count == self.LIMIT + 1:
                self.report_error(GraphQLError(f"at most {self.LIMIT} aliases"))

path("graphql", GraphQLView.as_view(validation_rules=(MaxAliases,)))`,
      'Spring GraphQL': `@Bean
GraphQlSourceBuilderCustomizer limits() {
    // MaxQueryComplexityInstrumentation counts every aliased field: bound the total
    return builder -> builder.instrumentation(List.of(new MaxQueryComplexityInstrumentation(200)));
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#query-limiting-depth-amount',
      'https://escape.tech/graphql-armor/docs/plugins/max-aliases/',
      'https://cwe.mitre.org/data/definitions/770.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
