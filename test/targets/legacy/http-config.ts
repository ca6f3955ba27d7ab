import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientErrorStatus as errorStatus, registerProblemHandlers, sendProblem } from '../kit/problem.js';
import { ORIGIN_SHAPE, SECURITY_HEADERS } from '../kit/security-headers.js';
import type { LegacyContext } from './context.js';

/**
 * Cross-cutting HTTP behaviour of the legacy target: form and XML bodies, errors, CORS and response
 * headers. The vulnerable variant trusts every Origin (`null` included) with credentials, sends
 * stack traces and a PHP banner and no hardening headers; the fixed one sends no CORS headers,
 * problem details without internals, and the REST fixed twin's headers on every response.
 */

export const BODY_LIMIT = 64 * 1024;

/** Headers every answer carries; also called where fastify answers outside the hooks. */
export function applyResponseHeaders(ctx: LegacyContext, req: FastifyRequest, reply: FastifyReply): void {
  if (!ctx.vulnerable) {
    reply.headers(SECURITY_HEADERS);
    return;
  }
  reply.header('x-powered-by', 'PHP/5.6.40');
  const origin = req.headers.origin;
  // The flaw: whoever asks is trusted, `null` (sandboxed frames, file://) and credentials included.
  if (typeof origin === 'string' && ORIGIN_SHAPE.test(origin)) {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
  }
}

function fixedError(err: FastifyError, reply: FastifyReply): FastifyReply {
  const status = errorStatus(err);
  if (status === 500) return sendProblem(reply, 500, 'Internal Server Error', 'the server could not answer this request');
  const detail =
    status === 413 ? 'the request body is too large' : status === 415 ? 'send application/json or application/x-www-form-urlencoded' : status === 414 ? 'a path segment is too long' : 'the request is malformed';
  return sendProblem(reply, status, status === 413 ? 'Payload Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request', detail);
}

function vulnerableError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.name === 'SqliteError') {
    // The SQL injection's tell: the database's own message, as the legacy code printed it.
    return reply.code(500).type('application/json').send({ error: 'SqliteError', code: err.code, message: err.message });
  }
  // The flaw: malformed input reaches code that throws, and the whole error goes back.
  return reply.code(500).type('application/json').send({
    error: err.name,
    message: err.message,
    stack: err.stack,
    request: `${req.method} ${req.url.slice(0, 300)}`,
    php: 'PHP/5.6.40',
    node: process.version,
  });
}

export function frameworkErrors(ctx: LegacyContext) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    applyResponseHeaders(ctx, req, reply);
    const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : err.code === 'FST_ERR_BAD_URL' ? 400 : 500;
    void sendProblem(reply, status, status === 414 ? 'URI Too Long' : status === 400 ? 'Bad Request' : 'Internal Server Error', status === 500 ? 'the server could not answer this request' : 'the request path is malformed');
  };
}

export function registerHttpConfig(app: FastifyInstance, ctx: LegacyContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    // Object.fromEntries defines own properties, so `__proto__=` is a plain key here.
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  // XML bodies reach the handlers as text; the routes that take XML parse it (xml-notes.ts).
  for (const type of [['application/xml', 'text/xml'], /^application\/[a-z0-9.+-]+\+xml$/]) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    });
  }

  registerProblemHandlers(app, (err, req, reply) => (ctx.vulnerable ? vulnerableError(err, req, reply) : fixedError(err, reply)));

  app.addHook('onSend', async (req, reply, payload) => {
    applyResponseHeaders(ctx, req, reply);
    return payload;
  });

  // Preflight on any path: the vulnerable variant allows every method and header to every origin.
  app.options('*', async (req, reply) => {
    if (ctx.vulnerable && typeof req.headers.origin === 'string') {
      reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
      reply.header('access-control-allow-headers', 'Content-Type, Cookie');
      reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });
}
