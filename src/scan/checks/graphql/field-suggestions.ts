/**
 * graphql.field-suggestions: a misspelled field name is answered with `Did you mean "…"?`, which
 * lets tools such as Clairvoyance rebuild the schema even with introspection turned off.
 */
import type { Check, CheckContext } from '../../check.js';
import { rootFields } from '../../graphql/index.js';
import { clip, endpointLocation, gqlEnv } from './gql-check.js';

/** A name one letter away from `name` that is not a field of the type (or undefined). */
export function misspell(name: string, taken: ReadonlySet<string>): string | undefined {
  for (let i = name.length - 2; i >= 1; i--) {
    const candidate = name.slice(0, i) + name.slice(i + 1);
    if (!taken.has(candidate) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(candidate)) return candidate;
  }
  return undefined;
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  const fields = rootFields(env.schema, 'query');
  const taken = new Set(fields.map((f) => f.name));
  // Longer names make the suggestion unambiguous; three tries at most.
  const names = fields.map((f) => f.name).filter((n) => n.length >= 3).sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).slice(0, 3);
  for (const name of names) {
    const wrong = misspell(name, taken);
    if (wrong === undefined || !ctx.client.canSend()) continue;
    const { exchange, result } = await env.transport.send({ query: `query { ${wrong} }` }, null);
    const hit = result?.errors.find((e) => /did you mean/i.test(e.message));
    if (hit !== undefined) {
      ctx.report({
        location: endpointLocation(env),
        detail: `Asking for the unknown field "${wrong}" was answered with a suggestion of real names: "${clip(hit.message, 200)}".`,
        evidence: [exchange],
      });
      return;
    }
  }
}

export const fieldSuggestionsCheck: Check = {
  id: 'graphql.field-suggestions',
  title: 'GraphQL field suggestions reveal the schema',
  severity: 'low',
  cwe: 'CWE-200',
  owasp: 'API8:2023',
  description:
    'Validation errors of the GraphQL endpoint suggest existing names ("Cannot query field \\"passwor\\" on type \\"User\\". Did you mean \\"passwordHash\\"?"). Even with introspection disabled, tools such as Clairvoyance send misspelled names by the thousand and rebuild most of the schema from these hints, hidden fields and arguments included.',
  remediation: {
    summary:
      'Strip "Did you mean …?" from error messages in production (the rest of the message can stay), or use a server option or plugin that disables suggestions.',
    snippets: {
      'Apollo Server': `import { ApolloServer } from '@apollo/server';

const server = new ApolloServer({
  typeDefs,
  resolvers,
  hideSchemaDetailsFromClientErrors: true, // Apollo Server >= 4.11
});`,
      'graphql-armor': `import { ApolloArmor } from '@escape.tech/graphql-armor';

const armor = new ApolloArmor({ blockFieldSuggestion: { enabled: true } });
const server = new ApolloServer({ typeDefs, resolvers, ...armor.protect() });`,
      'graphql-js': `import { GraphQLError } from 'graphql';

function maskSuggestions(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message.replace(/\\s*Did you mean [^?]*\\?/g, ''), {
    nodes: error.nodes, path: error.path, extensions: error.extensions,
  });
}
const errors = validate(schema, document).map(maskSuggestions);`,
      'Express / Fastify (Envelop)': `import { envelop, useSchema } from '@envelop/core';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';

const getEnveloped = envelop({ plugins: [useSchema(schema), blockFieldSuggestionsPlugin()] });`,
      'Django (graphene)': `import re
from graphene_django.views import GraphQLView

class NoSuggestionsView(GraphQLView):
    @staticmethod
    def format_error(error):
        formatted = GraphQLView.format_error(error)
        formatted["message"] = re.sub(r"\\s*Did you mean [^?]*\\?", "", formatted["message"])
        return formatted`,
      'Spring GraphQL': `@Component
class NoSuggestions implements WebGraphQlInterceptor {
  public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
    return chain.next(request).map(response -> response.transform(b -> b.errors(
        response.getErrors().stream().map(e -> GraphqlErrorBuilder.newError()
            .message(e.getMessage().replaceAll("\\\\s*Did you mean[^?]*\\\\?", ""))
            .errorType(e.getErrorType()).build()).toList())));
  }
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html',
      'https://github.com/nikitastupin/clairvoyance',
      'https://cwe.mitre.org/data/definitions/200.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
