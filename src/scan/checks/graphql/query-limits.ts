/**
 * Two of graphql-cop's resource checks, on `__typename` (which every server has):
 *  - graphql.directive-overloading: one field with 50 unknown directives. A server without a
 *    directive limit validates every one of them and answers one error per directive (or ignores
 *    them and executes); a limit answers once.
 *  - graphql.field-duplication: the same field selected 500 times in one selection set is executed.
 *    Validation compares every pair of same-named fields (graphql-js's OverlappingFieldsCanBeMerged
 *    is quadratic), so a few such requests keep a CPU busy; a token or field-count limit refuses it.
 * Both are sent as the scan's first normal user (or anonymously).
 */
import type { Check, CheckContext } from '../../check.js';
import { anyIdentity, endpointLocation, gqlEnv } from './gql-check.js';

export const DIRECTIVES = 50;
export const DUPLICATES = 500;
const LIMIT = /\b(limit|too many|exceed|maximum|max(imum)? (number|allowed))/i;

const LIMITS_REFERENCES = [
  'https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/',
  'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#query-limiting-depth-amount',
  'https://escape.tech/graphql-armor/docs/category/plugins/',
  'https://cwe.mitre.org/data/definitions/770.html',
];

async function runDirectives(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null || !ctx.client.canSend()) return;
  const as = anyIdentity(env);
  const directives = Array.from({ length: DIRECTIVES }, () => '@herd').join(' ');
  const { exchange, result } = await env.transport.send({ query: `query HerdDirectives { __typename ${directives} }`, operationName: 'HerdDirectives' }, as);
  if (result === null) return;
  const perDirective = result.errors.filter((e) => /herd/.test(e.message)).length;
  const executed = result.data !== null && result.data !== undefined && typeof result.data.__typename === 'string';
  // A limit that runs beside the other validation rules answers its own error next to theirs.
  const limited = result.errors.some((e) => LIMIT.test(e.message));
  if (limited || (perDirective < DIRECTIVES && !executed)) return;
  ctx.report({
    location: endpointLocation(env),
    detail: executed
      ? `A field carrying ${DIRECTIVES} unknown directives was executed: directives are neither validated nor limited.`
      : `A field carrying ${DIRECTIVES} unknown directives was validated directive by directive (${perDirective} errors in one answer): nothing limits the directives of an operation.`,
    evidence: [exchange],
  });
}

async function runDuplicates(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null || !ctx.client.canSend()) return;
  const as = anyIdentity(env);
  const fields = Array.from({ length: DUPLICATES }, () => '__typename').join(' ');
  const { exchange, result } = await env.transport.send({ query: `query HerdDuplicates { ${fields} }`, operationName: 'HerdDuplicates' }, as);
  if (result === null || result.errors.length > 0 || typeof result.data?.__typename !== 'string') return;
  ctx.report({
    location: endpointLocation(env),
    detail: `One selection set with the same field ${DUPLICATES} times was validated and executed: the size of an operation is not limited.`,
    evidence: [exchange],
  });
}

export const directiveOverloadingCheck: Check = {
  id: 'graphql.directive-overloading',
  title: 'GraphQL directives are not limited',
  severity: 'low',
  cwe: 'CWE-770',
  owasp: 'API4:2023',
  description:
    'An operation may put any number of directives on a field. The server parses and validates each one (and reports each unknown one), so a single request with thousands of directives costs CPU and memory out of proportion to its size; repeated, it denies service to everyone else.',
  remediation: {
    summary: 'Limit the number of directives per operation (and the tokens of a document) before validation, and answer with one error when the limit is passed.',
    snippets: {
      'graphql-armor (Apollo Server)': `import { ApolloArmor } from '@escape.tech/graphql-armor';

const armor = new ApolloArmor({ maxDirectives: { n: 50 }, maxTokens: { n: 1000 } });
const server = new ApolloServer({ typeDefs, resolvers, ...armor.protect() });`,
      'Express / Fastify (Envelop)': `import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';

const getEnveloped = envelop({ plugins: [useSchema(schema), maxDirectivesPlugin({ n: 50 }), maxTokensPlugin({ n: 1000 })] });`,
      'graphql-js': `import { parse } from 'graphql';

// maxTokens bounds everything a document can hold, directives included
const document = parse(source, { maxTokens: 1000 });`,
      'Django (graphene)': `from graphql import parse

# graphql-core 3.2+: refuse oversized documents before validating them
document = parse(source, max_tokens=1000)`,
      'Spring GraphQL': `// graphql-java 20+: bound the tokens of every document at start-up (directives included)
ParserOptions.setDefaultOperationParserOptions(ParserOptions.newParserOptions().maxTokens(1000).build());`,
    },
    references: LIMITS_REFERENCES,
  },
  appliesTo: 'graphql',
  run: runDirectives,
};

export const fieldDuplicationCheck: Check = {
  id: 'graphql.field-duplication',
  title: 'GraphQL operations of any size are executed (field duplication)',
  severity: 'low',
  cwe: 'CWE-770',
  owasp: 'API4:2023',
  description:
    'The same field may be selected hundreds of times in one selection set. GraphQL validation compares every pair of fields with the same name to check that they can be merged, which is quadratic in their number, and every copy is then resolved: a small request keeps the server busy, and a few in parallel deny service. Nothing bounds the size of an operation.',
  remediation: {
    summary: 'Bound the size of documents before validating them (a token limit of about 1,000 suits real clients) and the cost of operations (fields × list sizes), and answer with one error when a bound is passed.',
    snippets: {
      'graphql-armor (Apollo Server)': `import { ApolloArmor } from '@escape.tech/graphql-armor';

const armor = new ApolloArmor({ maxTokens: { n: 1000 }, costLimit: { maxCost: 5000 } });
const server = new ApolloServer({ typeDefs, resolvers, ...armor.protect() });`,
      'Express / Fastify (Envelop)': `import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';

const getEnveloped = envelop({ plugins: [useSchema(schema), maxTokensPlugin({ n: 1000 }), costLimitPlugin({ maxCost: 5000 })] });`,
      'graphql-js': `import { parse } from 'graphql';

const document = parse(source, { maxTokens: 1000 }); // throws a GraphQLError past the limit`,
      'Django (graphene)': `from graphql import parse

document = parse(source, max_tokens=1000)  # graphql-core 3.2+`,
      'Spring GraphQL': `// graphql-java 20+: bound the tokens of every document at start-up
ParserOptions.setDefaultOperationParserOptions(ParserOptions.newParserOptions().maxTokens(1000).build());`,
    },
    references: LIMITS_REFERENCES,
  },
  appliesTo: 'graphql',
  run: runDuplicates,
};

