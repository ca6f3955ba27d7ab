/**
 * graphql.introspection: the endpoint answers `__schema` queries, handing anyone the full map of
 * types, fields and arguments (hidden admin fields and sensitive fields included).
 */
import { getIntrospectionQuery } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import { anyIdentity, endpointLocation, gqlEnv } from './gql-check.js';

const QUERY = getIntrospectionQuery({ descriptions: false });

/** The number of types an introspection answer lists, or 0 when it is not one. */
function typesListed(data: Readonly<Record<string, unknown>> | null | undefined): number {
  const schema = data?.__schema;
  if (typeof schema !== 'object' || schema === null) return 0;
  const types = (schema as Record<string, unknown>).types;
  return Array.isArray(types) ? types.length : 0;
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  const anonymous = await env.transport.send({ query: QUERY }, null);
  const count = typesListed(anonymous.result?.data);
  if (count > 0) {
    ctx.report({
      location: endpointLocation(env),
      detail: `The introspection query answered without credentials, listing ${count} types with their fields and arguments.`,
      evidence: [anonymous.exchange],
    });
    return;
  }
  const user = anyIdentity(env);
  if (user === null) return;
  const logged = await env.transport.send({ query: QUERY }, user);
  const n = typesListed(logged.result?.data);
  if (n > 0) {
    const evidence: Exchange[] = [anonymous.exchange, logged.exchange];
    ctx.report({
      location: endpointLocation(env),
      detail: `The introspection query answered for a logged-in user (${n} types); without credentials it was refused.`,
      evidence,
      severity: 'low',
    });
  }
}

export const introspectionCheck: Check = {
  id: 'graphql.introspection',
  title: 'GraphQL introspection is enabled',
  severity: 'medium',
  cwe: 'CWE-200',
  owasp: 'API8:2023',
  description:
    'The GraphQL endpoint answers introspection queries (`__schema`, `__type`), so anyone can download the complete schema: every type, field, argument and description, including administrative mutations and sensitive fields that no client screen shows. It turns reconnaissance into a single request and makes every other attack (authorization bypass, injection, denial of service) easier to aim. Production APIs should not serve introspection to the public; clients get the schema at build time.',
  remediation: {
    summary:
      'Disable introspection in production (or restrict it to authenticated developers), and ship the schema to your own clients at build time. Combine with disabling field suggestions, which leak the schema too.',
    snippets: {
      'Apollo Server': `import { ApolloServer } from '@apollo/server';

const server = new ApolloServer({
  typeDefs,
  resolvers,
  introspection: process.env.NODE_ENV !== 'production',
});`,
      'graphql-js': `import { validate, specifiedRules, NoSchemaIntrospectionCustomRule } from 'graphql';

const errors = validate(schema, document, [...specifiedRules, NoSchemaIntrospectionCustomRule]);`,
      'graphql-armor / Envelop': `import { useDisableIntrospection } from '@envelop/disable-introspection';
import { envelop, useSchema } from '@envelop/core';

const getEnveloped = envelop({ plugins: [useSchema(schema), useDisableIntrospection()] });`,
      'Express (graphql-http)': `import { createHandler } from 'graphql-http/lib/use/express';
import { specifiedRules, NoSchemaIntrospectionCustomRule } from 'graphql';

app.all('/graphql', createHandler({ schema, validationRules: [...specifiedRules, NoSchemaIntrospectionCustomRule] }));`,
      'Fastify (Mercurius)': `await app.register(mercurius, {
  schema,
  resolvers,
  graphiql: false,
  validationRules: [NoSchemaIntrospectionCustomRule],
});`,
      'Django (graphene)': `# urls.py (graphene-django 3)
from django.urls import path
from graphene.validation import DisableIntrospection
from graphene_django.views import GraphQLView

urlpatterns = [
    path("graphql", GraphQLView.as_view(validation_rules=(DisableIntrospection,))),
]`,
      'Spring GraphQL': `# application.properties (Spring Boot 3)
spring.graphql.schema.introspection.enabled=false`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#introspection-graphiql',
      'https://cwe.mitre.org/data/definitions/200.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
