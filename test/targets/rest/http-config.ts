import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientErrorStatus as clientStatus, registerProblemHandlers, sendProblem } from '../kit/problem.js';
import { ORIGIN_SHAPE, SECURITY_HEADERS } from '../kit/security-headers.js';
import type { RestContext } from './context.js';

/**
 * Cross-cutting HTTP behaviour: errors, CORS, response headers and the endpoints nobody should have
 * left in production (/.env, /debug/vars). The vulnerable variant reflects any Origin with
 * credentials, leaks stack traces, sends a version banner and no hardening headers; the fixed one
 * does the opposite.
 */

export const ALLOWED_ORIGIN = 'https://shop.example.com';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

function requestOrigin(req: FastifyRequest): string | null {
  const origin = req.headers.origin;
  return typeof origin === 'string' && ORIGIN_SHAPE.test(origin) ? origin : null;
}

function corsOriginFor(ctx: RestContext, req: FastifyRequest): string | null {
  const origin = requestOrigin(req);
  if (origin === null) return null;
  if (ctx.vulnerable) return origin; // the flaw: whoever asks is trusted, credentials included
  return origin === ALLOWED_ORIGIN ? origin : null;
}

function statusTitle(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 404:
      return 'Not Found';
    case 405:
      return 'Method Not Allowed';
    case 413:
      return 'Payload Too Large';
    case 415:
      return 'Unsupported Media Type';
    default:
      return status >= 500 ? 'Internal Server Error' : 'Bad Request';
  }
}

function vulnerableError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // The flaw: the whole error, stack trace and internal paths included, goes to the caller.
  return reply.code(clientStatus(err)).type('application/json').send({
    error: err.name,
    message: err.message,
    code: err.code,
    stack: err.stack,
    request: `${req.method} ${req.url}`,
    node: process.version,
    cwd: process.cwd(),
  });
}

function fixedError(err: FastifyError, reply: FastifyReply): FastifyReply {
  const status = clientStatus(err);
  if (status === 500) return sendProblem(reply, 500, statusTitle(500), 'the server could not answer this request');
  const detail = status === 413 ? 'the request body is too large' : status === 415 ? 'send application/json' : 'the request is malformed';
  return sendProblem(reply, status, statusTitle(status), detail);
}

export function registerHttpConfig(app: FastifyInstance, ctx: RestContext): void {
  registerProblemHandlers(app, (err, req, reply) => (ctx.vulnerable ? vulnerableError(err, req, reply) : fixedError(err, reply)));

  app.addHook('onSend', async (req, reply, payload) => {
    const origin = corsOriginFor(ctx, req);
    if (origin !== null) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
    reply.header('vary', 'Origin');
    if (ctx.vulnerable) reply.header('x-powered-by', 'Express 4.17.1');
    else reply.headers(SECURITY_HEADERS);
    return payload;
  });

  // Preflight on any path: the headers only go to origins corsOriginFor accepts.
  app.options('*', async (req, reply) => {
    if (corsOriginFor(ctx, req) !== null) {
      const asked = req.headers['access-control-request-headers'];
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header('access-control-allow-headers', ctx.vulnerable && typeof asked === 'string' && ORIGIN_SHAPE.test(asked.replace(/ /g, '')) ? asked : 'Authorization, Content-Type');
      reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });

  if (!ctx.vulnerable) return;

  // Left over from development: served without authentication.
  app.get('/.env', async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(
      [
        'NODE_ENV=production',
        'APP_SECRET=f3c9a1e07b5d4c2e9a8b7c6d5e4f3a2b',
        'JWT_SECRET=secret',
        'DB_HOST=10.0.3.12',
        'DB_USER=shop',
        'DB_PASSWORD=Sup3rS3cretDbPassw0rd',
        'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'STRIPE_SECRET_KEY=sk_live_51HexampleexampleexampleEXAMPLE',
        '',
      ].join('\n'),
    ),
  );
  app.get('/debug/vars', async (_req, reply) =>
    reply.type('application/json').send({
      cmdline: ['node', '/srv/shop/server.js'],
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime()),
      memstats: process.memoryUsage(),
      versions: { node: process.version, v8: process.versions.v8, express: '4.17.1' },
      config: { dbHost: '10.0.3.12', dbUser: 'shop', jwtAlgorithm: 'HS256', debug: true },
    }),
  );
}
