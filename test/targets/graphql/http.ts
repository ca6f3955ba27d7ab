/**
 * The `/graphql` route: reads GraphQL requests from GET query strings and POST bodies, then parses,
 * validates and executes them with graphql-js. Every input is hostile: bodies are capped at 1 MiB,
 * bad JSON and bad parameters get a 400, and nothing a client sends is thrown out of the handler.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  GraphQLError,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { jwtVerify } from 'jose';
import type { TargetVariant } from '../types.js';
import { budgetExceeded, fieldResolver, type RequestContext } from './resolvers.js';
import { formatError, httpError, validationRules, type WireError } from './rules.js';
import type { ShopStore, UserRow } from './store.js';

export const BODY_LIMIT = 1024 * 1024;
/** graphql-js stops lexing after this many tokens (both variants: far above any real query). */
const MAX_TOKENS = 100_000;

export interface ServerDeps {
  readonly variant: TargetVariant;
  readonly schema: GraphQLSchema;
  readonly store: ShopStore;
  readonly secret: Uint8Array;
  /** Failed logins per username, for the whole life of the server. */
  readonly loginFailures: Map<string, number[]>;
}

interface GraphqlParams {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly operationName: string | undefined;
}

interface WireResult {
  readonly data?: unknown;
  readonly errors?: readonly WireError[];
}

/** A response decided before execution (bad request, wrong method…). */
class HttpFailure {
  constructor(
    readonly status: number,
    readonly error: WireError,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

type Outcome = { readonly status: number; readonly body: WireResult } | HttpFailure;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequest(message: string): HttpFailure {
  return new HttpFailure(400, httpError(message, 'BAD_REQUEST'));
}

/** Turns `{query, variables, operationName}` (variables possibly a JSON string) into params. */
function readParams(raw: unknown): GraphqlParams | HttpFailure {
  if (!isRecord(raw)) return badRequest('a GraphQL request is a JSON object with a "query" string');
  const { query, operationName } = raw;
  let variables = raw.variables;
  if (typeof query !== 'string' || query.trim() === '') return badRequest('"query" must be a non-empty string');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return badRequest('"operationName" must be a string');
  }
  if (typeof variables === 'string') {
    try {
      variables = variables === '' ? undefined : (JSON.parse(variables) as unknown);
    } catch {
      return badRequest('"variables" is not valid JSON');
    }
  }
  if (variables !== undefined && variables !== null && !isRecord(variables)) {
    return badRequest('"variables" must be an object');
  }
  return {
    query,
    variables: variables ?? undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new HttpFailure(400, httpError('the request body is not valid JSON', 'BAD_REQUEST'));
  }
}

/**
 * The body as request params (an array for a batch). The fixed variant accepts only
 * application/json; the vulnerable one also takes the content types a browser form can send
 * without a CORS preflight (graphql.get-mutation: cross-site request forgery).
 */
function readBody(variant: TargetVariant, contentType: string | undefined, body: unknown): unknown {
  const text = typeof body === 'string' ? body : '';
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') return parseJson(text);
  if (variant === 'fixed') {
    return new HttpFailure(415, httpError('Content-Type must be application/json', 'UNSUPPORTED_MEDIA_TYPE'));
  }
  if (mediaType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (mediaType === 'application/graphql') return { query: text };
  if (mediaType === 'text/plain' || mediaType === '') {
    const json = text.trimStart().startsWith('{') || text.trimStart().startsWith('[') ? parseJson(text) : undefined;
    return json === undefined || json instanceof HttpFailure ? { query: text } : json;
  }
  return new HttpFailure(415, httpError(`unsupported Content-Type ${JSON.stringify(mediaType)}`, 'UNSUPPORTED_MEDIA_TYPE'));
}

function requestErrors(errors: readonly GraphQLError[], variant: TargetVariant): WireResult {
  return { errors: errors.map((e) => formatError(e, variant, 'request')) };
}

function parseQuery(query: string): DocumentNode | readonly GraphQLError[] {
  try {
    return parse(query, { maxTokens: MAX_TOKENS });
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    // A query nested thousands of levels deep overflows the recursive-descent parser's stack.
    return [new GraphQLError('Syntax Error: the query is nested too deeply to parse.')];
  }
}

async function runOne(deps: ServerDeps, ctx: RequestContext, method: string, params: GraphqlParams): Promise<Outcome> {
  const document = parseQuery(params.query);
  if (!('kind' in document)) return { status: 400, body: requestErrors(document, deps.variant) };
  const invalid = validate(deps.schema, document, validationRules(deps.variant));
  if (invalid.length > 0) return { status: 400, body: requestErrors(invalid, deps.variant) };
  const operation = getOperationAST(document, params.operationName);
  if (operation === null || operation === undefined) {
    return badRequest(
      params.operationName === undefined
        ? 'the document has several operations: name one with "operationName"'
        : `no operation named ${JSON.stringify(params.operationName)} in the document`,
    );
  }
  // graphql.get-mutation: the vulnerable variant runs mutations sent with GET (a link or an <img>).
  if (method === 'GET' && operation.operation !== 'query' && deps.variant === 'fixed') {
    return new HttpFailure(
      405,
      httpError(`a ${operation.operation} can only be sent with POST`, 'METHOD_NOT_ALLOWED'),
      { allow: 'POST' },
    );
  }
  const result: ExecutionResult = await execute({
    schema: deps.schema,
    document,
    contextValue: ctx,
    variableValues: params.variables,
    operationName: params.operationName,
    fieldResolver,
  });
  const overBudget = budgetExceeded(ctx);
  if (overBudget !== null) {
    return { status: 200, body: { data: null, errors: [httpError(overBudget.message, overBudget.code)] } };
  }
  const errors = result.errors?.map((e) => formatError(e, deps.variant, 'execution'));
  // Errors before execution starts (variable coercion) leave no `data`: a bad request.
  const status = result.data === undefined ? 400 : 200;
  return { status, body: { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors ? { errors } : {}) } };
}

async function viewerOf(deps: ServerDeps, authorization: string | undefined): Promise<UserRow | null | HttpFailure> {
  if (authorization === undefined || authorization === '') return null;
  const match = /^Bearer\s+(\S{1,4096})$/i.exec(authorization);
  const invalid = new HttpFailure(401, httpError('invalid token: log in again with the login mutation', 'UNAUTHENTICATED'), {
    'www-authenticate': 'Bearer',
  });
  if (match?.[1] === undefined) return invalid;
  try {
    const { payload } = await jwtVerify(match[1], deps.secret, { algorithms: ['HS256'] });
    const id = Number(payload.sub);
    return (Number.isSafeInteger(id) ? deps.store.userById(id) : undefined) ?? invalid;
  } catch {
    return invalid;
  }
}

/** Sent on every answer, by both variants: the GraphQL target's flaws are GraphQL ones, not headers. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function send(reply: FastifyReply, outcome: Outcome | HttpFailure): FastifyReply {
  reply.headers(SECURITY_HEADERS);
  if (outcome instanceof HttpFailure) {
    return reply.status(outcome.status).headers(outcome.headers).send({ errors: [outcome.error] });
  }
  return reply.status(outcome.status).send(outcome.body);
}

async function handle(deps: ServerDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const viewer = await viewerOf(deps, request.headers.authorization);
  if (viewer instanceof HttpFailure) return send(reply, viewer);
  const ctx: RequestContext = { variant: deps.variant, store: deps.store, secret: deps.secret, viewer, resolved: 0, loginFailures: deps.loginFailures };

  const raw = request.method === 'GET' ? request.query : readBody(deps.variant, request.headers['content-type'], request.body);
  if (raw instanceof HttpFailure) return send(reply, raw);

  if (Array.isArray(raw)) {
    // graphql.batching: the vulnerable variant executes every operation of the array.
    if (deps.variant === 'fixed') {
      return send(reply, badRequest('batched requests are not supported: send one operation per request'));
    }
    if (raw.length === 0) return send(reply, badRequest('the batch is empty'));
    const results: WireResult[] = [];
    for (const item of raw) {
      const params = readParams(item);
      const outcome = params instanceof HttpFailure ? params : await runOne(deps, ctx, request.method, params);
      results.push(outcome instanceof HttpFailure ? { errors: [outcome.error] } : outcome.body);
    }
    return reply.status(200).send(results);
  }
  const params = readParams(raw);
  if (params instanceof HttpFailure) return send(reply, params);
  return send(reply, await runOne(deps, ctx, request.method, params));
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, exposeHeadRoutes: false });
  // One parser for every content type: the handler decides what it accepts, per variant.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    const message = status < 500 ? String(error.message) : 'Internal server error';
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    return reply.status(status).send({ errors: [httpError(message, code)] });
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: (request, reply) => handle(deps, request, reply),
  });
  return app;
}
