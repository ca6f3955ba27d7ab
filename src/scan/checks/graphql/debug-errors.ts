/**
 * graphql.debug-errors: errors carry stack traces or exception details (file paths, line numbers,
 * exception classes), as servers left in development mode do. Provoked with odd argument values
 * (a non-numeric id, quotes in a string) and a body that is not valid JSON.
 */
import { getNamedType } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import { buildOperation, isIdArg, isRequired, leafSelection, payloadOf, rootFields, type GqlField } from '../../graphql/index.js';
import { anyIdentity, clip, endpointLocation, gqlEnv, samplesOf } from './gql-check.js';

/** Stack frames and exception dumps of common runtimes. */
const STACK_PATTERNS: readonly RegExp[] = [
  /\bat (?:async )?(?:[\w$.<>[\]]+ )?\(?(?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^\s()]+:\d+:\d+\)?/, // Node.js
  /\bat (?:async )?[\w$.<>[\]]+ \(node:internal\/[^)]+\)/,
  /Traceback \(most recent call last\)/, // Python
  /File "[^"]+\.py", line \d+/,
  /\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/, // JVM
  /\bat [\w.`<>]+\(.*\) in [^\n]+:line \d+/, // .NET
  /goroutine \d+ \[[\w ]+\]:/, // Go
  /\.rb:\d+:in [`']/, // Ruby
  /#\d+ [^\n]*\.php\(\d+\)/, // PHP
];

function stackIn(value: unknown, depth = 0): string | null {
  if (depth > 8) return null;
  if (typeof value === 'string') {
    for (const p of STACK_PATTERNS) {
      const m = p.exec(value);
      if (m !== null) return m[0];
    }
    return null;
  }
  if (Array.isArray(value)) {
    for (const v of value.slice(0, 50)) {
      const s = stackIn(v, depth + 1);
      if (s !== null) return s;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value).slice(0, 50)) {
      const s = stackIn(v, depth + 1);
      if (s !== null) return s;
    }
  }
  return null;
}

/** The stack frame an exchange's response shows, or null. */
export function stackTraceOf(exchange: Exchange): string | null {
  const body = exchange.response?.body;
  if (body === undefined || body === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(body) as unknown;
  } catch {
    return stackIn(body); // HTML or text error pages
  }
  return stackIn(json);
}

/** A value a resolver does not expect: a non-numeric id, quotes and brackets in a string. */
function oddValue(f: GqlField, argName: string): unknown {
  const arg = f.args.find((a) => a.name === argName);
  if (arg === undefined) return undefined;
  const t = getNamedType(arg.type).name;
  if (isIdArg(arg)) return t === 'Int' ? undefined : "herd-x'\"{";
  if (t === 'String') return '\'"\\)({%';
  return undefined;
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  const as = anyIdentity(env);
  const tried: Exchange[] = [];
  const report = (exchange: Exchange, frame: string, how: string): void => {
    ctx.report({
      location: endpointLocation(env),
      detail: `${how} was answered with a stack trace: "${clip(frame, 200)}".`,
      evidence: [exchange],
    });
  };
  // Query fields with an id or string argument: those that answered during exploration first.
  const root = env.schema.getQueryType()?.name ?? 'Query';
  const answered = (f: GqlField): number => (samplesOf(ctx, `${root}.${f.name}`).length > 0 ? 0 : 1);
  const fields = rootFields(env.schema, 'query').filter((f) => f.args.some((a) => oddValue(f, a.name) !== undefined));
  fields.sort((a, b) => answered(a) - answered(b));
  for (const f of fields.slice(0, 6)) {
    if (!ctx.client.canSend()) return;
    const sample = samplesOf(ctx, `${root}.${f.name}`, as)[0];
    const base: Record<string, unknown> = { ...(sample !== undefined ? (payloadOf(sample.request)?.variables ?? {}) : {}) };
    const arg = f.args.find((a) => oddValue(f, a.name) !== undefined);
    if (arg === undefined) continue;
    const args: Record<string, unknown> = {};
    for (const a of f.args) if (a.name in base) args[a.name] = base[a.name];
    args[arg.name] = oddValue(f, arg.name);
    // Other required arguments that the sample did not give: skip the field rather than guess.
    if (f.args.some((a) => isRequired(a) && !(a.name in args))) continue;
    const op = buildOperation('query', f, args, leafSelection(f.type));
    const { exchange } = await env.transport.send(op, sample?.user ?? as);
    tried.push(exchange);
    const frame = stackTraceOf(exchange);
    if (frame !== null) return report(exchange, frame, `The query \`${f.name}(${arg.name}: ${JSON.stringify(args[arg.name])})\``);
  }
  if (ctx.safe || !ctx.client.canSend()) return;
  const broken = await ctx.client.send({ method: 'POST', url: env.url, headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }", ' });
  const frame = stackTraceOf(broken);
  if (frame !== null) report(broken, frame, 'A request body that is not valid JSON');
}

export const debugErrorsCheck: Check = {
  id: 'graphql.debug-errors',
  title: 'GraphQL errors expose stack traces',
  severity: 'medium',
  cwe: 'CWE-209',
  owasp: 'API8:2023',
  description:
    'Errors returned by the GraphQL endpoint include stack traces or exception details (`extensions.exception.stacktrace`, file paths, line numbers, library versions), as a server left in development mode does. They show attackers the code layout, the frameworks and database in use and the exact place an input breaks, which guides injection and other attacks.',
  remediation: {
    summary:
      'Run the server in production mode, mask unexpected errors (a generic "Internal server error" with a code, the details in server logs only) and never send stack traces or exception objects to clients.',
    snippets: {
      'Apollo Server': `const server = new ApolloServer({
  typeDefs,
  resolvers,
  includeStacktraceInErrorResponses: false, // default when NODE_ENV=production
  formatError: (formatted, error) =>
    formatted.extensions?.code === 'INTERNAL_SERVER_ERROR'
      ? { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }
      : formatted,
});`,
      'graphql-armor / Envelop': `import { envelop, useSchema, useMaskedErrors } from '@envelop/core';

const getEnveloped = envelop({ plugins: [useSchema(schema), useMaskedErrors()] });`,
      'Express (graphql-http)': `import { createHandler } from 'graphql-http/lib/use/express';

app.all('/graphql', createHandler({
  schema,
  formatError: (err) => (err.originalError && !(err.originalError instanceof GraphQLError)
    ? new GraphQLError('Internal server error') : err),
}));`,
      'Fastify (Mercurius)': `await app.register(mercurius, {
  schema,
  resolvers,
  errorFormatter: (execution, ctx) => {
    const response = mercurius.defaultErrorFormatter(execution, ctx);
    response.response.errors = response.response.errors?.map(({ message, path }) => ({ message, path }));
    return response;
  },
});`,
      'Django (graphene)': `# settings.py
DEBUG = False  # graphene-django adds tracebacks to errors only in DEBUG`,
      'Spring GraphQL': `@Component
class MaskErrors extends DataFetcherExceptionResolverAdapter {
  @Override
  protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
    log.error("resolver failed", ex);
    return GraphqlErrorBuilder.newError(env).errorType(ErrorType.INTERNAL_ERROR).message("Internal server error").build();
  }
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/209.html',
    ],
  },
  appliesTo: 'graphql',
  run,
};
